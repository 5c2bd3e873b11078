// Test helper: a BatchSink that renders every row as a JSON object with
// lakegate's own cell renderer (format/json_value.h), so tests compare the
// exact JSON a client would get. Can stop after a number of batches.
#pragma once

#include <string>
#include <vector>

#include "core/backend.h"
#include "format/json_value.h"
#include "util/json_text.h"

namespace lakegate::backend::testing {

class JsonSink final : public BatchSink {
 public:
  explicit JsonSink(int stop_after_batches = -1) : stop_after_(stop_after_batches) {}

  bool on_schema(const arrow::Schema& schema) override {
    schema_ = schema;
    ++schemas;
    return true;
  }
  bool on_batch(const arrow::RecordBatch& batch) override {
    ++batches;
    for (int64_t row = 0; row < batch.num_rows; ++row) {
      std::string text = "{";
      for (size_t column = 0; column < batch.columns.size(); ++column) {
        if (column > 0) text += ",";
        util::append_json_string(text, schema_.fields[column].name);
        text += ":";
        format::append_json_value(text, schema_.fields[column], batch.columns[column], row);
      }
      rows.push_back(text + "}");
    }
    return stop_after_ < 0 || batches < stop_after_;
  }
  const arrow::Schema& schema() const { return schema_; }

  std::vector<std::string> rows;
  int schemas = 0;
  int batches = 0;

 private:
  int stop_after_;
  arrow::Schema schema_;
};

}  // namespace lakegate::backend::testing
