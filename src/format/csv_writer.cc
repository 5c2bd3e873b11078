#include "format/csv_writer.h"

#include <cstring>

#include "format/json_value.h"
#include "util/json_text.h"

namespace lakegate::format {
namespace {

using arrow::TypeId;

bool needs_quotes(std::string_view text) {
  return text.find_first_of(",\"\r\n") != std::string_view::npos;
}

template <typename Out>
void append_quoted(Out& out, std::string_view text) {
  out.push_back('"');
  for (const char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

void append_field(TextBuffer& out, std::string_view text) {
  if (text.empty()) {
    out.append("\"\"");
  } else if (needs_quotes(text)) {
    append_quoted(out, text);
  } else {
    out.append(text);
  }
}

// Removes the quotes around the JSON string rendered from `start` on.
void strip_quotes(TextBuffer& out, size_t start) {
  char* text = out.data() + start;
  const size_t length = out.size() - start;
  std::memmove(text, text + 1, length - 2);
  out.truncate(start + length - 2);
}

}  // namespace

void CsvWriter::prepare(const arrow::Schema& schema) {
  header_.clear();
  for (size_t k = 0; k < schema.fields.size(); ++k) {
    if (k != 0) header_.push_back(',');
    const std::string& name = schema.fields[k].name;
    if (needs_quotes(name)) {
      append_quoted(header_, name);
    } else {
      header_.append(name);
    }
  }
  header_.append("\r\n");
}

void CsvWriter::begin(TextBuffer& out) {
  out.append(header_);
}

void CsvWriter::append_row(TextBuffer& out, const arrow::RecordBatch& batch, int64_t row) {
  const auto& fields = schema().fields;
  for (size_t k = 0; k < fields.size(); ++k) {
    if (k != 0) out.push_back(',');
    const arrow::ArrayView& column = batch.columns[k];
    if (!column.is_valid(row)) continue;
    const arrow::DataType& type = fields[k].type;
    switch (type.id) {
      case TypeId::kUtf8:
      case TypeId::kLargeUtf8:
        append_field(out, column.bytes(row));
        continue;
      case TypeId::kBinary:
      case TypeId::kLargeBinary:
      case TypeId::kFixedSizeBinary: {
        const size_t start = out.size();
        append_json_value(out, fields[k], column, row);        // "<base64>": no escapes inside
        if (out.size() - start > 2) strip_quotes(out, start);  // empty stays ""
        continue;
      }
      default:
        break;
    }
    const size_t start = out.size();
    append_json_value(out, fields[k], column, row);
    const std::string_view text = out.view().substr(start);
    if (!type.is_nested() && text.size() >= 2 && text.front() == '"') {
      strip_quotes(out, start);  // a temporal or NaN string: no escapes inside
    } else if (needs_quotes(text)) {
      scratch_.assign(text);
      out.truncate(start);
      append_quoted(out, scratch_);
    }
  }
  out.append("\r\n");
}

}  // namespace lakegate::format
