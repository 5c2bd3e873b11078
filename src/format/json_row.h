// Renders a result row as a JSON object keyed by column name, with the
// quoted keys precomputed once per schema. Shared by the JSON envelope and
// NDJSON writers. Duplicate column names are kept, in order (JSON objects
// may repeat keys; a client keeps the last or sees all, by its parser).
#pragma once

#include <string>
#include <vector>

#include "core/record_batch.h"
#include "format/json_value.h"
#include "format/text_buffer.h"

namespace lakegate::format {

class JsonRowRenderer {
 public:
  void prepare(const arrow::Schema& schema);
  // Appends {"col":value,...} for `row` of `batch`. REQUIRES: prepare() with its schema.
  void append_row(TextBuffer& out, const arrow::Schema& schema, const arrow::RecordBatch& batch,
                  int64_t row) const;

 private:
  // `{"name":` for the first column, `,"name":` after; `text` is zero-padded
  // to a multiple of 16 bytes so it is copied in fixed 16-byte blocks.
  struct Key {
    std::string text;
    size_t length = 0;
    CellRenderer render = nullptr;
  };
  std::vector<Key> keys_;
};

}  // namespace lakegate::format
