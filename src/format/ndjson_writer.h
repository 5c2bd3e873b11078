// Writes a result as NDJSON: one JSON object per row ({"col":value,...},
// as in the JSON envelope), each followed by "\n". An empty result is an
// empty body.
#pragma once

#include "format/json_row.h"
#include "format/result_writer.h"

namespace lakegate::format {

class NdjsonWriter final : public ResultWriter {
 public:
  explicit NdjsonWriter(util::ByteSink& sink, WriterOptions options = {})
      : ResultWriter(sink, options) {}
  std::string_view content_type() const override { return "application/x-ndjson"; }

 private:
  void prepare(const arrow::Schema& schema) override { row_.prepare(schema); }
  void begin(TextBuffer&) override {}
  void append_row(TextBuffer& out, const arrow::RecordBatch& batch, int64_t row) override {
    row_.append_row(out, schema(), batch, row);
    out.push_back('\n');
  }
  void end(TextBuffer&) override {}

  JsonRowRenderer row_;
};

}  // namespace lakegate::format
