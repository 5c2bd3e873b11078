// The SQL text of every metadata lookup the cache runs, in one place so the
// statements (and their quoting) are pinned by tests. Identifiers only
// through util::quote_sql_identifier; no client value is ever spliced in
// except as a quoted identifier. Pure; thread-safe.
#pragma once

#include <string>

#include "core/table_schema.h"

namespace lakegate::catalog::metadata_sql {

inline std::string show_catalogs() {
  return "SHOW CATALOGS";
}
// All session settings; the cache reads the spark.sql.catalog.<name> keys.
inline std::string session_settings() {
  return "SET";
}
std::string show_schemas(const std::string& catalog);
// One statement for names, types and providers (Spark answers from the
// metastore for the session catalog; a v2 catalog loads each table).
std::string show_tables_extended(const std::string& catalog, const std::string& schema);
// Fallback for catalogs that reject SHOW TABLE EXTENDED.
std::string show_tables(const std::string& catalog, const std::string& schema);
std::string describe_extended(const TableName& name);
// Column nullability (DESCRIBE does not show it) from the result schema.
std::string empty_select(const TableName& name);
std::string show_tblproperties(const TableName& name);
std::string last_history_entry(const TableName& name);

}  // namespace lakegate::catalog::metadata_sql
