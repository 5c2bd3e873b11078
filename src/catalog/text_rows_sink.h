// A BatchSink that keeps a small result whole, every cell as text: how the
// metadata cache reads the answers of SHOW/DESCRIBE statements, which are a
// few hundred rows at most. Strings and binary cells are kept as their bytes,
// NULL as std::nullopt, every other type as its JSON text (format/json_value.h:
// numbers and booleans as written, dates quoted). Stops the statement (and
// reports overflow()) past `max_rows`. Not thread-safe; one per statement.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/record_batch.h"
#include "core/backend.h"

namespace lakegate::catalog {

using TextCell = std::optional<std::string>;
using TextRow = std::vector<TextCell>;

class TextRowsSink final : public backend::BatchSink {
 public:
  explicit TextRowsSink(int64_t max_rows = 100000) : max_rows_(max_rows) {}

  bool on_schema(const arrow::Schema& schema) override;
  bool on_batch(const arrow::RecordBatch& batch) override;

  const arrow::Schema& schema() const { return schema_; }
  const std::vector<TextRow>& rows() const { return rows_; }
  std::vector<TextRow>& rows() { return rows_; }
  // True when the result had more than max_rows rows (the statement was stopped).
  bool overflow() const { return overflow_; }
  // Index of the column named `name`, or -1.
  int column_index(std::string_view name) const;

 private:
  int64_t max_rows_;
  arrow::Schema schema_;
  std::vector<TextRow> rows_;
  bool overflow_ = false;
};

// The text of one cell (see the file comment).
TextCell cell_text(const arrow::Field& field, const arrow::ArrayView& array, int64_t row);

}  // namespace lakegate::catalog
