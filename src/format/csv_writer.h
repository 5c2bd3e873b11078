// Writes a result as CSV (RFC 4180): a header row of column names, then one
// record per row, CRLF line ends. A field is quoted when it holds a comma,
// quote, CR or LF (quotes doubled). A null is an empty field; an empty string
// is `""` so the two stay apart. Strings are written as-is, binary as base64,
// numbers/temporals/intervals as their JSON text without quotes, nested
// values (list, map, struct) as their JSON text. A result without a schema
// (no on_schema call) is an empty body.
#pragma once

#include <string>

#include "format/result_writer.h"

namespace lakegate::format {

class CsvWriter final : public ResultWriter {
 public:
  explicit CsvWriter(util::ByteSink& sink, WriterOptions options = {})
      : ResultWriter(sink, options) {}
  std::string_view content_type() const override { return "text/csv; charset=utf-8"; }

 private:
  void prepare(const arrow::Schema& schema) override;
  void begin(TextBuffer& out) override;
  void append_row(TextBuffer& out, const arrow::RecordBatch& batch, int64_t row) override;
  void end(TextBuffer&) override {}

  std::string header_;   // the header record, CRLF included
  std::string scratch_;  // a field needing quotes, reused
};

}  // namespace lakegate::format
