#include "api/audit_notes.h"

#include "crypto/crypto.h"
#include "util/json_text.h"

namespace lakegate::api {
namespace {

void append_value(std::string& out, const backend::Value& value) {
  using Kind = backend::Value::Kind;
  switch (value.kind) {
    case Kind::kNull:
      out += "null";
      return;
    case Kind::kBool:
      out += value.bool_value ? "true" : "false";
      return;
    case Kind::kInt64:
      out += std::to_string(value.int_value);
      return;
    case Kind::kDouble:
      out += std::to_string(value.double_value);
      return;
    case Kind::kDecimal:
    case Kind::kString:
      util::append_json_string(out, value.text);
      return;
    case Kind::kBinary:
      out.push_back('"');
      util::append_base64(out, value.text);
      out.push_back('"');
      return;
  }
}

}  // namespace

void note_statement(AuditNotes& notes, const backend::Statement& statement,
                    const Result<backend::Summary>& summary) {
  notes.sql_hash = crypto::sha256_hex(statement.sql);
  std::string params = "[";
  for (size_t index = 0; index < statement.positional.size(); ++index) {
    if (index > 0) params.push_back(',');
    append_value(params, statement.positional[index]);
  }
  for (size_t index = 0; index < statement.named.size(); ++index) {
    if (index > 0 || !statement.positional.empty()) params.push_back(',');
    params += "{\"name\":";
    util::append_json_string(params, statement.named[index].first);
    params += ",\"value\":";
    append_value(params, statement.named[index].second);
    params += "}";
  }
  params += "]";
  notes.params_json = std::move(params);
  if (summary) {
    notes.rows = (notes.rows < 0 ? 0 : notes.rows) + summary->rows;
    if (!summary->operation_id.empty()) notes.operation_id = summary->operation_id;
  }
}

}  // namespace lakegate::api
