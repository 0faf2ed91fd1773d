#include "formats/parquet_writer.h"

#include <algorithm>
#include <cctype>

#include "common/error.h"
#include "formats/parquet_leaf_writer.h"
#include "formats/parquet_thrift_writer.h"

namespace fedq {

using parquet::append_u32_le;
using parquet::Codec;
using parquet::LeafShape;
using parquet::LogicalKind;
using parquet::Repetition;

parquet::Codec parse_parquet_compression(const std::string& name) {
    std::string lower;
    for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "snappy") return Codec::kSnappy;
    if (lower == "zstd") return Codec::kZstd;
    if (lower == "gzip") return Codec::kGzip;
    if (lower == "none" || lower == "uncompressed") return Codec::kUncompressed;
    raise(ErrorCode::kInvalidParameter,
          "unknown Parquet compression '{}' (expected snappy, zstd, gzip or none)", name);
}

// ------------------------------------------------------------------------------------------- file writer

ParquetWriter::ParquetWriter(WritableFile& out, std::vector<std::string> names, std::vector<Type> types,
                             ParquetWriterOptions options)
    : out_(out), names_(std::move(names)), types_(std::move(types)), options_(std::move(options)) {
    if (names_.size() != types_.size())
        raise(ErrorCode::kInvalidParameter, "Parquet writer: {} column names for {} types", names_.size(),
              types_.size());
    if (names_.empty())
        raise(ErrorCode::kInvalidParameter, "Parquet writer: a Parquet file needs at least one column");
    if (options_.compression != Codec::kUncompressed && options_.compression != Codec::kSnappy &&
        options_.compression != Codec::kGzip && options_.compression != Codec::kZstd)
        raise(ErrorCode::kNotSupported, "Parquet writer: compression codec {} is not supported",
              static_cast<int>(options_.compression));
    if (options_.row_group_rows == 0) options_.row_group_rows = 1;
    compressor_ = std::make_unique<PageCompressor>(options_.compression, options_.compression_level);

    parquet::SchemaElement root;
    root.name = "schema";
    root.repetition = Repetition::kRequired;
    root.num_children = static_cast<int32_t>(names_.size());
    metadata_.schema.push_back(root);
    auto unsupported = [&](size_t c) {
        raise(ErrorCode::kNotSupported, "Parquet writer: column '{}' has type {}, which cannot be written",
              names_[c], types_[c].to_string());
    };
    for (size_t c = 0; c < names_.size(); ++c) {
        leaf_begin_.push_back(leaves_.size());
        const Type& type = types_[c];
        if (type.id() == TypeId::kArray) {
            parquet::SchemaElement list, repeated, element;
            auto spec = primitive_spec(type.element(), element);
            if (!spec) unsupported(c);
            list.name = names_[c];
            list.repetition = Repetition::kOptional;
            list.num_children = 1;
            list.logical.kind = LogicalKind::kList;
            repeated.name = "list";
            repeated.repetition = Repetition::kRepeated;
            repeated.num_children = 1;
            element.name = "element";
            metadata_.schema.push_back(list);
            metadata_.schema.push_back(repeated);
            metadata_.schema.push_back(element);
            spec->shape = LeafShape::kList;
            spec->max_def = 3;
            spec->max_rep = 1;
            spec->path = {names_[c], "list", "element"};
            leaves_.push_back(make_leaf_writer(std::move(*spec), options_, *compressor_));
        } else if (type.id() == TypeId::kRow) {
            parquet::SchemaElement group;
            group.name = names_[c];
            group.repetition = Repetition::kOptional;
            group.num_children = static_cast<int32_t>(type.children().size());
            if (type.children().empty()) unsupported(c);
            metadata_.schema.push_back(group);
            for (size_t f = 0; f < type.children().size(); ++f) {
                parquet::SchemaElement field;
                auto spec = primitive_spec(type.children()[f], field);
                if (!spec) unsupported(c);
                field.name = type.field_names()[f];
                metadata_.schema.push_back(field);
                spec->shape = LeafShape::kStruct;
                spec->field = f;
                spec->max_def = 2;
                spec->path = {names_[c], field.name};
                leaves_.push_back(make_leaf_writer(std::move(*spec), options_, *compressor_));
            }
        } else {
            parquet::SchemaElement leaf;
            auto spec = primitive_spec(type, leaf);
            if (!spec) unsupported(c);
            leaf.name = names_[c];
            metadata_.schema.push_back(leaf);
            spec->path = {names_[c]};
            leaves_.push_back(make_leaf_writer(std::move(*spec), options_, *compressor_));
        }
    }
    leaf_begin_.push_back(leaves_.size());
    out_.append("PAR1");
    offset_ = 4;
}

ParquetWriter::~ParquetWriter() = default;

size_t ParquetWriter::buffered_bytes() const {
    size_t bytes = 0;
    for (const auto& leaf : leaves_) bytes += leaf->buffered_bytes();
    return bytes;
}

void ParquetWriter::write(const Batch& batch) {
    if (finished_) raise(ErrorCode::kInternal, "Parquet writer: write after finish");
    if (batch.num_columns() != types_.size())
        raise(ErrorCode::kInvalidParameter, "Parquet writer: batch has {} columns, the file {}",
              batch.num_columns(), types_.size());
    for (size_t c = 0; c < types_.size(); ++c) {
        if (batch.column(c).type() != types_[c])
            raise(ErrorCode::kInvalidParameter, "Parquet writer: column '{}' is {}, the batch gives {}",
                  names_[c], types_[c].to_string(), batch.column(c).type().to_string());
    }
    constexpr size_t kSliceRows = 4096;  // page and row group limits are checked between slices
    size_t position = 0;
    while (position < batch.num_rows) {
        size_t rows =
            std::min({batch.num_rows - position, kSliceRows, options_.row_group_rows - row_group_rows_});
        for (size_t c = 0; c < types_.size(); ++c) {
            const Column& column = batch.column(c);
            for (size_t l = leaf_begin_[c]; l < leaf_begin_[c + 1]; ++l)
                leaves_[l]->add_rows(column, position, position + rows);
        }
        position += rows;
        row_group_rows_ += rows;
        rows_ += rows;
        if (row_group_rows_ >= options_.row_group_rows || buffered_bytes() >= options_.row_group_bytes)
            flush_row_group();
    }
}

void ParquetWriter::flush_row_group() {
    if (row_group_rows_ == 0) return;
    parquet::RowGroup group;
    group.num_rows = static_cast<int64_t>(row_group_rows_);
    for (auto& leaf : leaves_) {
        group.columns.push_back(leaf->finish_chunk(out_, offset_));
        group.total_byte_size += group.columns.back().meta->total_uncompressed_size;
    }
    metadata_.row_groups.push_back(std::move(group));
    row_group_rows_ = 0;
}

void ParquetWriter::finish() {
    if (finished_) return;
    flush_row_group();
    metadata_.version = 1;
    metadata_.num_rows = static_cast<int64_t>(rows_);
    metadata_.created_by = "fedq";
    std::string footer;
    parquet::write_file_metadata(metadata_, footer);
    append_u32_le(footer, static_cast<uint32_t>(footer.size()));
    footer += "PAR1";
    out_.append(footer);
    offset_ += footer.size();
    finished_ = true;
}

}  // namespace fedq
