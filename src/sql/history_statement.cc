#include "sql/history_statement.h"

#include "sql/table_statements.h"

namespace lakegate::sql {

Result<backend::Statement> build_history(const catalog::TableName& table, int64_t limit) {
  if (table.catalog.empty() || table.schema.empty() || table.table.empty()) {
    return Error(ErrorCode::kInternal, "history of an unresolved table name");
  }
  backend::Statement statement;
  statement.sql = "DESCRIBE HISTORY " + catalog::quote_table_name(table);
  if (limit > 0) statement.sql += " LIMIT " + std::to_string(limit);
  return statement;
}

}  // namespace lakegate::sql
