#include "catalog/metadata_sql.h"

#include "util/sql_identifier.h"

namespace lakegate::catalog::metadata_sql {

using util::quote_sql_identifier;

std::string qualified(const TableName& name) {
  return quote_sql_identifier(name.catalog) + "." + quote_sql_identifier(name.schema) + "." +
         quote_sql_identifier(name.table);
}

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
  return "DESCRIBE TABLE EXTENDED " + qualified(name);
}

std::string empty_select(const TableName& name) {
  return "SELECT * FROM " + qualified(name) + " LIMIT 0";
}

std::string show_tblproperties(const TableName& name) {
  return "SHOW TBLPROPERTIES " + qualified(name);
}

std::string last_history_entry(const TableName& name) {
  return "DESCRIBE HISTORY " + qualified(name) + " LIMIT 1";
}

}  // namespace lakegate::catalog::metadata_sql
