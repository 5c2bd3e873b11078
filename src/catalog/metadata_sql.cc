#include "catalog/metadata_sql.h"

#include "util/sql_identifier.h"

namespace lakegate::catalog::metadata_sql {

using util::quote_sql_identifier;

std::string show_schemas(const std::string& catalog) {
  return "SHOW SCHEMAS IN " + quote_sql_identifier(catalog);
}

std::string show_tables_extended(const std::string& catalog, const std::string& schema) {
  return "SHOW TABLE EXTENDED IN " + quote_sql_identifier(catalog) + "." +
         quote_sql_identifier(schema) + " LIKE '*'";
}

std::string show_tables(const std::string& catalog, const std::string& schema) {
  return "SHOW TABLES IN " + quote_sql_identifier(catalog) + "." + quote_sql_identifier(schema);
}

std::string describe_extended(const TableName& name) {
  return "DESCRIBE TABLE EXTENDED " + quote_table_name(name);
}

std::string empty_select(const TableName& name) {
  return "SELECT * FROM " + quote_table_name(name) + " LIMIT 0";
}

std::string show_tblproperties(const TableName& name) {
  return "SHOW TBLPROPERTIES " + quote_table_name(name);
}

std::string last_history_entry(const TableName& name) {
  return "DESCRIBE HISTORY " + quote_table_name(name) + " LIMIT 1";
}

}  // namespace lakegate::catalog::metadata_sql
