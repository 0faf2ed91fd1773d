// parquet_rewrite IN OUT [--compression snappy|zstd|gzip|none] [--row-group-rows N] [--page-bytes N]
//                 [--no-dictionary] [--dictionary-bytes N] [--batch N]
// Reads every row group of IN with fedq's Parquet reader and writes the rows to OUT with fedq's Parquet
// writer (through the filesystem layer: a local path or s3://). check_parquet.mjs uses it to have DuckDB read
// files written by fedq. Errors are printed as "ERROR <sqlstate>: message" with exit status 1.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "common/error.h"
#include "formats/parquet_reader.h"
#include "formats/parquet_writer.h"
#include "io/file_system.h"

using namespace fedq;

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: parquet_rewrite IN OUT [options]\n");
        return 2;
    }
    std::string in = argv[1], out_path = argv[2];
    ParquetWriterOptions options;
    size_t batch_rows = kDefaultBatchRows;
    for (int i = 3; i < argc; ++i) {
        std::string arg = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "missing value after %s\n", arg.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        try {
            if (arg == "--compression") {
                options.compression = parse_parquet_compression(next());
            } else if (arg == "--row-group-rows") {
                options.row_group_rows = std::stoull(next());
            } else if (arg == "--page-bytes") {
                options.page_bytes = std::stoull(next());
            } else if (arg == "--dictionary-bytes") {
                options.dictionary_bytes = std::stoull(next());
            } else if (arg == "--no-dictionary") {
                options.dictionary = false;
            } else if (arg == "--batch") {
                batch_rows = std::stoull(next());
            } else {
                std::fprintf(stderr, "unknown option %s\n", arg.c_str());
                return 2;
            }
        } catch (const Error& e) {
            std::fprintf(stderr, "ERROR %s: %s\n", std::string(sqlstate(e.code())).c_str(), e.what());
            return 1;
        }
    }
    try {
        auto reader = ParquetReader::open(in);
        std::vector<std::string> names;
        std::vector<Type> types;
        std::vector<size_t> projection;
        for (size_t c = 0; c < reader->columns().size(); ++c) {
            names.push_back(reader->columns()[c].name);
            types.push_back(reader->columns()[c].type);
            projection.push_back(c);
        }
        auto file = get_file_system(out_path).create(out_path);
        ParquetWriter writer(*file, names, types, options);
        for (size_t rg = 0; rg < reader->num_row_groups(); ++rg)
            for (const Batch& batch : reader->read_row_group(rg, projection, batch_rows)) writer.write(batch);
        writer.finish();
        file->commit();
    } catch (const Error& e) {
        std::fprintf(stderr, "ERROR %s: %s\n", std::string(sqlstate(e.code())).c_str(), e.what());
        return 1;
    }
    return 0;
}
