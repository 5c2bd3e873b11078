// Placeholder until the SQL builders land: identifier quoting is real, the
// statement builders answer 501.
#include "sql/table_statements.h"

namespace lakegate::sql {
namespace {
Error not_yet() { return Error(ErrorCode::kNotImplemented, "table statements are not implemented yet"); }
}  // namespace

std::string quote_identifier(std::string_view name) {
  std::string out = "`";
  for (char c : name) {
    if (c == '`') out.push_back('`');
    out.push_back(c);
  }
  out.push_back('`');
  return out;
}

std::string quote_table_name(const catalog::TableName& name) {
  return quote_identifier(name.catalog) + "." + quote_identifier(name.schema) + "." +
         quote_identifier(name.table);
}

Result<backend::Statement> build_select(const catalog::TableSchema&, const ReadRequest&, bool) {
  return not_yet();
}
Result<backend::Statement> build_count(const catalog::TableSchema&, const ReadRequest&) {
  return not_yet();
}
Result<backend::Statement> build_insert(const catalog::TableSchema&, const InsertRequest&) {
  return not_yet();
}
Result<backend::Statement> build_update(const catalog::TableSchema&, const UpdateRequest&) {
  return not_yet();
}
Result<backend::Statement> build_merge(const catalog::TableSchema&, const MergeRequest&) {
  return not_yet();
}
Result<backend::Statement> build_delete(const catalog::TableSchema&, const DeleteRequest&) {
  return not_yet();
}

}  // namespace lakegate::sql
