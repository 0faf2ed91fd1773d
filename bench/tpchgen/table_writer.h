// Parallel chunked table writing for fedq-tpchgen: worker threads generate chunks of rows into CSV buffers;
// the calling thread writes them to the files in chunk order, so the output does not depend on the thread
// count. Each file is written as <name>.csv.tmp and renamed to <name>.csv once complete (removed on error).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "tpchgen/csv_buffer.h"

namespace fedq::tpchgen {

// Fills outputs[i] (one per table) with the CSV rows of row numbers [begin, end). Called concurrently.
using ChunkGenerator = std::function<void(int64_t begin, int64_t end, std::vector<CsvBuffer>& outputs)>;

// Writes `rows` rows, in chunks of chunk_rows, to directory/<names[i]>.csv with header line headers[i].
void generate_tables(const std::filesystem::path& directory, const std::vector<std::string>& names,
                     const std::vector<std::string>& headers, int64_t rows, int64_t chunk_rows, int threads,
                     const ChunkGenerator& generate);

}  // namespace fedq::tpchgen
