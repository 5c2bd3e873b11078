#include "catalog/text_rows_sink.h"

#include "format/json_value.h"

namespace lakegate::catalog {

TextCell cell_text(const arrow::Field& field, const arrow::ArrayView& array, int64_t row) {
  if (array.is_null(row)) return std::nullopt;
  switch (field.type.id) {
    case arrow::TypeId::kUtf8:
    case arrow::TypeId::kLargeUtf8:
    case arrow::TypeId::kBinary:
    case arrow::TypeId::kLargeBinary:
      return std::string(array.bytes(row));
    default: {
      std::string text;
      format::append_json_value(text, field, array, row);
      return text;
    }
  }
}

bool TextRowsSink::on_schema(const arrow::Schema& schema) {
  schema_ = schema;
  return true;
}

bool TextRowsSink::on_batch(const arrow::RecordBatch& batch) {
  for (int64_t row = 0; row < batch.num_rows; ++row) {
    if (static_cast<int64_t>(rows_.size()) >= max_rows_) {
      overflow_ = true;
      return false;
    }
    TextRow cells;
    cells.reserve(batch.columns.size());
    for (size_t column = 0; column < batch.columns.size() && column < schema_.fields.size();
         ++column) {
      cells.push_back(cell_text(schema_.fields[column], batch.columns[column], row));
    }
    rows_.push_back(std::move(cells));
  }
  return true;
}

int TextRowsSink::column_index(std::string_view name) const {
  for (size_t i = 0; i < schema_.fields.size(); ++i) {
    if (schema_.fields[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace lakegate::catalog
