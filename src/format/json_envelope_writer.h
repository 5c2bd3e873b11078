// Writes a result as lakegate's JSON envelope:
//   {"resource":[{"col":value,...},...],"row_count":N<extra members>}
// Rows are objects keyed by column name (json_row.h), cells rendered by
// json_value.h. Streams through ResultWriter's chunked buffer.
#pragma once

#include <functional>
#include <string>

#include "format/json_row.h"
#include "format/result_writer.h"

namespace lakegate::format {

struct JsonEnvelopeOptions : WriterOptions {
  // Write "row_count":N after "resource". Default: true.
  bool row_count = true;
  // Appends extra top-level members at finish(), e.g. `"meta":{"count":12}`
  // (several separated by commas, no leading comma: the writer adds it if
  // anything was appended). Gets the row count. Default: none.
  std::function<void(std::string& out, int64_t rows)> extra_members;
};

class JsonEnvelopeWriter final : public ResultWriter {
 public:
  explicit JsonEnvelopeWriter(util::ByteSink& sink, JsonEnvelopeOptions options = {});
  std::string_view content_type() const override { return "application/json"; }

 private:
  void prepare(const arrow::Schema& schema) override { row_.prepare(schema); }
  void begin(TextBuffer& out) override { out.append("{\"resource\":["); }
  void append_row(TextBuffer& out, const arrow::RecordBatch& batch, int64_t row) override;
  void end(TextBuffer& out) override;

  JsonEnvelopeOptions options_;
  JsonRowRenderer row_;
};

}  // namespace lakegate::format
