#include "formats/file_writer.h"

#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cctype>

#include "common/error.h"
#include "formats/parquet_writer.h"
#include "formats/value_text.h"
#include "io/input_stream.h"

namespace fedq {

namespace {

constexpr size_t kFlushBytes = size_t(1) << 20;

std::string lower(std::string_view text) {
    std::string out;
    for (char c : text) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Options by lower-case name; take() marks an option as used so leftovers can be reported.
class Options {
  public:
    Options(const std::map<std::string, std::string>& options, std::string_view format) : format_(format) {
        for (const auto& [key, value] : options) values_[lower(key)] = value;
    }
    const std::string* take(const std::string& name) {
        auto it = values_.find(name);
        if (it == values_.end()) return nullptr;
        used_.push_back(name);
        return &it->second;
    }
    bool take_bool(const std::string& name, bool fallback) {
        const std::string* value = take(name);
        if (!value) return fallback;
        std::string v = lower(*value);
        if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
        if (v == "false" || v == "0" || v == "no" || v == "off") return false;
        raise(ErrorCode::kInvalidParameter, "{} option {} must be true or false, not '{}'", format_, name,
              *value);
    }
    size_t take_size(const std::string& name, size_t fallback) {
        const std::string* value = take(name);
        if (!value) return fallback;
        size_t result = 0;
        bool ok = !value->empty() && value->size() < 19;
        for (char c : *value) ok = ok && std::isdigit(static_cast<unsigned char>(c));
        if (ok) result = std::stoull(*value);
        if (!ok || result == 0)
            raise(ErrorCode::kInvalidParameter, "{} option {} must be a positive integer, not '{}'", format_,
                  name, *value);
        return result;
    }
    // Raises for any option not taken.
    void check_all_used() const {
        for (const auto& [key, value] : values_) {
            if (std::find(used_.begin(), used_.end(), key) == used_.end())
                raise(ErrorCode::kInvalidParameter, "unknown {} option '{}'", format_, key);
        }
    }

  private:
    std::string_view format_;
    std::map<std::string, std::string> values_;
    std::vector<std::string> used_;
};

// Appends text to a WritableFile, optionally through a streaming gzip or zstd compressor.
class OutputSink {
  public:
    OutputSink(WritableFile& out, Compression compression) : out_(out), compression_(compression) {
        if (compression_ == Compression::kGzip) {
            if (deflateInit2(&zlib_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
                Z_OK)
                raise(ErrorCode::kInternal, "gzip compression failed to start");
            zlib_open_ = true;
        } else if (compression_ == Compression::kZstd) {
            zstd_ = ZSTD_createCCtx();
            if (!zstd_) raise(ErrorCode::kOutOfMemory, "zstd compression failed to start");
        }
    }
    ~OutputSink() {
        if (zlib_open_) deflateEnd(&zlib_);
        if (zstd_) ZSTD_freeCCtx(zstd_);
    }
    OutputSink(const OutputSink&) = delete;
    OutputSink& operator=(const OutputSink&) = delete;

    void write(std::string_view data) { compress(data, false); }
    void finish() { compress({}, true); }

  private:
    void compress(std::string_view data, bool last) {
        switch (compression_) {
            case Compression::kGzip: {
                zlib_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
                zlib_.avail_in = static_cast<uInt>(data.size());
                int rc;
                do {
                    buffer_.resize(kFlushBytes);
                    zlib_.next_out = reinterpret_cast<Bytef*>(buffer_.data());
                    zlib_.avail_out = static_cast<uInt>(buffer_.size());
                    rc = deflate(&zlib_, last ? Z_FINISH : Z_NO_FLUSH);
                    if (rc == Z_STREAM_ERROR) raise(ErrorCode::kInternal, "gzip compression failed");
                    out_.append(buffer_.data(), buffer_.size() - zlib_.avail_out);
                } while (zlib_.avail_out == 0 || (last && rc != Z_STREAM_END));
                return;
            }
            case Compression::kZstd: {
                ZSTD_inBuffer in{data.data(), data.size(), 0};
                buffer_.resize(ZSTD_CStreamOutSize());
                size_t remaining;
                do {
                    ZSTD_outBuffer output{buffer_.data(), buffer_.size(), 0};
                    remaining =
                        ZSTD_compressStream2(zstd_, &output, &in, last ? ZSTD_e_end : ZSTD_e_continue);
                    if (ZSTD_isError(remaining))
                        raise(ErrorCode::kInternal, "zstd compression failed: {}",
                              ZSTD_getErrorName(remaining));
                    out_.append(buffer_.data(), output.pos);
                } while (last ? remaining != 0 : in.pos < in.size);
                return;
            }
            default:
                if (!data.empty()) out_.append(data);
                return;
        }
    }

    WritableFile& out_;
    Compression compression_;
    z_stream zlib_{};
    bool zlib_open_ = false;
    ZSTD_CCtx* zstd_ = nullptr;
    std::string buffer_;
};

Compression output_compression(Options& options, const WritableFile& out) {
    const std::string* value = options.take("compression");
    Compression compression = value ? parse_compression(*value) : Compression::kAuto;
    return resolve_compression(compression, out.path());
}

void check_batch(const Batch& batch, const std::vector<Type>& types, std::string_view format) {
    if (batch.num_columns() != types.size())
        raise(ErrorCode::kInvalidParameter, "{} writer: batch has {} columns, the file {}", format,
              batch.num_columns(), types.size());
}

// ------------------------------------------------------------------------------------------- CSV

class CsvFileWriter final : public FileWriter {
  public:
    CsvFileWriter(Options& options, const std::vector<std::string>& names, const std::vector<Type>& types,
                  WritableFile& out)
        : types_(types) {
        bool header = options.take_bool("header", true);
        if (const std::string* d = options.take("delimiter")) {
            std::string lowered = lower(*d);
            if (lowered == "tab" || *d == "\\t") {
                delimiter_ = '\t';
            } else if (d->size() == 1 && *d != "\"" && *d != "\n" && *d != "\r") {
                delimiter_ = (*d)[0];
            } else {
                raise(ErrorCode::kInvalidParameter,
                      "csv option delimiter must be one character (not a quote or "
                      "newline), not '{}'",
                      *d);
            }
        }
        if (const std::string* n = options.take("null")) null_text_ = *n;
        sink_ = std::make_unique<OutputSink>(out, output_compression(options, out));
        options.check_all_used();
        if (header) {
            for (size_t c = 0; c < names.size(); ++c) {
                if (c) buffer_ += delimiter_;
                append_field(names[c]);
            }
            buffer_ += '\n';
        }
    }

    void write(const Batch& batch) override {
        check_batch(batch, types_, "csv");
        size_t columns = batch.num_columns();
        for (size_t row = 0; row < batch.num_rows; ++row) {
            for (size_t c = 0; c < columns; ++c) {
                if (c) buffer_ += delimiter_;
                const Column& column = batch.column(c);
                if (column.is_null(row)) {
                    buffer_ += null_text_;
                    continue;
                }
                if (is_plain_number(column.type())) {
                    append_cell_text(column, row, buffer_);
                } else {
                    scratch_.clear();
                    append_cell_text(column, row, scratch_);
                    append_field(scratch_);
                }
            }
            buffer_ += '\n';
            if (buffer_.size() >= kFlushBytes) flush();
        }
        rows_ += batch.num_rows;
    }

    void finish() override {
        flush();
        sink_->finish();
    }

  private:
    // Integers and decimals render as digits, sign and point only: no quoting needed with a usual delimiter.
    bool is_plain_number(const Type& type) const {
        return (type.is_integer() || type.id() == TypeId::kDecimal) &&
               !std::isdigit(static_cast<unsigned char>(delimiter_)) && delimiter_ != '-' &&
               delimiter_ != '.';
    }

    void append_field(std::string_view text) {
        bool quote = text.empty();  // "" is the empty string, an empty field NULL
        if (!quote) {
            quote = text.front() == ' ' || text.back() == ' ' || (!null_text_.empty() && text == null_text_);
            for (char c : text) {
                if (c == delimiter_ || c == '"' || c == '\n' || c == '\r') {
                    quote = true;
                    break;
                }
            }
        }
        if (!quote) {
            buffer_ += text;
            return;
        }
        buffer_ += '"';
        for (char c : text) {
            if (c == '"') buffer_ += '"';
            buffer_ += c;
        }
        buffer_ += '"';
    }

    void flush() {
        sink_->write(buffer_);
        buffer_.clear();
    }

    std::vector<Type> types_;
    char delimiter_ = ',';
    std::string null_text_;
    std::unique_ptr<OutputSink> sink_;
    std::string buffer_, scratch_;
};

// ------------------------------------------------------------------------------------------- JSON lines

class JsonFileWriter final : public FileWriter {
  public:
    JsonFileWriter(Options& options, const std::vector<std::string>& names, const std::vector<Type>& types,
                   WritableFile& out)
        : types_(types) {
        sink_ = std::make_unique<OutputSink>(out, output_compression(options, out));
        options.check_all_used();
        for (size_t c = 0; c < names.size(); ++c) {
            std::string key = c ? "," : "{";
            append_json_string(key, names[c]);
            key += ':';
            keys_.push_back(std::move(key));
        }
    }

    void write(const Batch& batch) override {
        check_batch(batch, types_, "json");
        for (size_t row = 0; row < batch.num_rows; ++row) {
            if (keys_.empty()) buffer_ += '{';
            for (size_t c = 0; c < batch.num_columns(); ++c) {
                buffer_ += keys_[c];
                const Column& column = batch.column(c);
                // Decimals wider than a double holds exactly are written as strings, so that JSON readers
                // (which parse numbers as doubles) read back the exact value.
                if (column.type().id() == TypeId::kDecimal && column.type().precision() > 15 && column.is_valid(row)) {
                    buffer_ += '"';
                    append_cell_text(column, row, buffer_);
                    buffer_ += '"';
                } else {
                    append_cell_json(column, row, buffer_);
                }
            }
            buffer_ += "}\n";
            if (buffer_.size() >= kFlushBytes) flush();
        }
        rows_ += batch.num_rows;
    }

    void finish() override {
        flush();
        sink_->finish();
    }

  private:
    void flush() {
        sink_->write(buffer_);
        buffer_.clear();
    }

    std::vector<Type> types_;
    std::vector<std::string> keys_;  // {"name": / ,"name":
    std::unique_ptr<OutputSink> sink_;
    std::string buffer_;
};

// ------------------------------------------------------------------------------------------- Parquet

class ParquetFileWriter final : public FileWriter {
  public:
    ParquetFileWriter(Options& options, const std::vector<std::string>& names, const std::vector<Type>& types,
                      WritableFile& out) {
        ParquetWriterOptions parquet_options;
        if (const std::string* c = options.take("compression"))
            parquet_options.compression = parse_parquet_compression(*c);
        parquet_options.row_group_rows = options.take_size("row_group_size", parquet_options.row_group_rows);
        parquet_options.row_group_rows = options.take_size("row_group_rows", parquet_options.row_group_rows);
        parquet_options.page_bytes = options.take_size("page_size", parquet_options.page_bytes);
        parquet_options.dictionary = options.take_bool("dictionary", parquet_options.dictionary);
        options.check_all_used();
        writer_ = std::make_unique<ParquetWriter>(out, names, types, parquet_options);
    }
    void write(const Batch& batch) override {
        writer_->write(batch);
        rows_ += batch.num_rows;
    }
    void finish() override { writer_->finish(); }

  private:
    std::unique_ptr<ParquetWriter> writer_;
};

}  // namespace

FileFormat parse_file_format(std::string_view name) {
    std::string n = lower(name);
    if (n == "csv") return FileFormat::kCsv;
    if (n == "json" || n == "jsonl" || n == "ndjson") return FileFormat::kJson;
    if (n == "parquet") return FileFormat::kParquet;
    raise(ErrorCode::kInvalidParameter, "unknown file format '{}' (expected csv, json or parquet)", name);
}

const char* file_format_extension(FileFormat format) {
    switch (format) {
        case FileFormat::kCsv:
            return ".csv";
        case FileFormat::kJson:
            return ".json";
        case FileFormat::kParquet:
            return ".parquet";
    }
    return "";
}

std::unique_ptr<FileWriter> make_file_writer(FileFormat format,
                                             const std::map<std::string, std::string>& options,
                                             const std::vector<std::string>& names,
                                             const std::vector<Type>& types, WritableFile& out) {
    if (names.size() != types.size())
        raise(ErrorCode::kInvalidParameter, "file writer: {} column names for {} types", names.size(),
              types.size());
    switch (format) {
        case FileFormat::kCsv: {
            Options parsed(options, "csv");
            return std::make_unique<CsvFileWriter>(parsed, names, types, out);
        }
        case FileFormat::kJson: {
            Options parsed(options, "json");
            return std::make_unique<JsonFileWriter>(parsed, names, types, out);
        }
        case FileFormat::kParquet: {
            Options parsed(options, "parquet");
            return std::make_unique<ParquetFileWriter>(parsed, names, types, out);
        }
    }
    raise(ErrorCode::kInternal, "unknown file format");
}

std::unique_ptr<FileWriter> make_file_writer(const std::string& format,
                                             const std::map<std::string, std::string>& options,
                                             const std::vector<std::string>& names,
                                             const std::vector<Type>& types, WritableFile& out) {
    return make_file_writer(parse_file_format(format), options, names, types, out);
}

}  // namespace fedq
