#include "format/json_envelope_writer.h"

#include <charconv>

namespace lakegate::format {

JsonEnvelopeWriter::JsonEnvelopeWriter(util::ByteSink& sink, JsonEnvelopeOptions options)
    : ResultWriter(sink, options), options_(std::move(options)) {}

void JsonEnvelopeWriter::append_row(TextBuffer& out, const arrow::RecordBatch& batch, int64_t row) {
  if (rows() != 0) out.push_back(',');
  row_.append_row(out, schema(), batch, row);
}

void JsonEnvelopeWriter::end(TextBuffer& out) {
  out.push_back(']');
  if (options_.row_count) {
    out.append(",\"row_count\":");
    char* p = out.reserve(24);
    out.commit(std::to_chars(p, p + 24, rows()).ptr);
  }
  if (options_.extra_members) {
    std::string members;
    options_.extra_members(members, rows());
    if (!members.empty()) {
      out.push_back(',');
      out.append(members);
    }
  }
  out.push_back('}');
}

}  // namespace lakegate::format
