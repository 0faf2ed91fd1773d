// libFuzzer target for the Arrow IPC stream reader (formats/arrow_ipc.h): the input bytes are a whole stream,
// served to the reader in small chunks. Reading the schema and every batch must either work or throw
// fedq::Error — never crash, hang, allocate without bound or trip a sanitizer. Batches that were read are
// written back with the Arrow stream writer and read again (the round trip must succeed).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "common/error.h"
#include "formats/arrow_ipc.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    size_t position = 0;
    // chunk size from the first byte, so reads across chunk boundaries are exercised too
    size_t chunk = size ? 1 + data[0] % 64 : 1;
    fedq::ArrowStreamReader reader(
        [&](void* dest, size_t capacity) {
            size_t n = std::min({capacity, chunk, size - position});
            std::memcpy(dest, data + position, n);
            position += n;
            return n;
        },
        "fuzz.arrows");
    try {
        std::string rewritten;
        fedq::ArrowStreamWriter writer([&](std::string_view bytes) { rewritten.append(bytes); }, reader.names(),
                                       reader.types());
        fedq::Batch batch;
        while (reader.next(batch)) {
            for (const auto& column : batch.columns) {
                for (size_t row = 0; row < batch.num_rows; ++row) (void)column->value_at(row);
            }
            try {
                writer.write(batch);
            } catch (const fedq::Error& e) {
                // only an INTERVAL whose nanoseconds overflow may fail to write back
                if (e.code() != fedq::ErrorCode::kNumericOverflow) __builtin_trap();
                return 0;
            }
        }
        writer.finish();
        size_t again = 0;
        fedq::ArrowStreamReader check(
            [&](void* dest, size_t capacity) {
                size_t n = std::min(capacity, rewritten.size() - again);
                std::memcpy(dest, rewritten.data() + again, n);
                again += n;
                return n;
            },
            "rewritten.arrows");
        while (check.next(batch)) {
        }
    } catch (const fedq::Error&) {
    }
    return 0;
}
