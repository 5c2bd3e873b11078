// Readers of Spark's metadata answers, as rows of text cells (TextRowsSink):
//   DESCRIBE TABLE EXTENDED   col_name | data_type | comment, in sections:
//       the columns; "# Partition Information" (v1 and Delta) or
//       "# Partitioning" (v2: "Part 0" | transform); "# Metadata Columns";
//       "# Detailed Table Information" (Type, Provider, Comment, Table
//       Properties "[k=v,k=v]", Location, ...).
//   SHOW TBLPROPERTIES        key | value
//   SHOW TABLE EXTENDED       namespace | tableName | isTemporary | information
//       ("Key: value" lines, among them Type: MANAGED|EXTERNAL|VIEW and Provider)
//   SHOW TABLES / SHOW VIEWS  namespace | tableName (viewName) | isTemporary
//   SHOW CATALOGS, SET        catalog; key | value
// Pure functions over the rows; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/record_batch.h"
#include "catalog/metadata_cache.h"
#include "core/table_schema.h"
#include "catalog/text_rows_sink.h"

namespace lakegate::catalog {

// The TableSchema (without `name`; every column nullable) of DESCRIBE TABLE
// EXTENDED's rows. kProtocol when the rows are not in DESCRIBE's shape.
Result<TableSchema> parse_describe_extended(const std::vector<TextRow>& rows);

// DESCRIBE's "[k=v,k=v]" property list. Best effort: Spark does not escape,
// so a value holding ",x=y" reads as two properties (SHOW TBLPROPERTIES is exact).
std::map<std::string, std::string> parse_property_list(std::string_view text);

// SHOW TBLPROPERTIES rows (key, value).
std::map<std::string, std::string> parse_tblproperties(const std::vector<TextRow>& rows);

// Sets each column's nullability from the Arrow schema of `SELECT * … LIMIT 0`
// (matched by name, else by position). Columns without a match stay nullable.
void apply_nullability(TableSchema& table, const arrow::Schema& schema);

// The value of line "Key: value" in SHOW TABLE EXTENDED's information text, or "".
std::string information_value(std::string_view information, std::string_view key);

// The tables of a listing, without temporary views (session-scoped, so
// meaningless behind a pool), sorted by name. `information_column` is -1 for
// SHOW TABLES (type "table", is_delta false), else SHOW TABLE EXTENDED's
// column (type and is_delta from its Type and Provider lines).
std::vector<TableEntry> parse_table_listing(const std::vector<TextRow>& rows, int name_column,
                                            int temporary_column, int information_column);

// The first column of every row, non-null, in order (SHOW CATALOGS, SHOW SCHEMAS).
std::vector<std::string> first_column(const std::vector<TextRow>& rows);

// Catalog names configured as `spark.sql.catalog.<name>` in SET's rows. SHOW
// CATALOGS lists only catalogs a session has already used, so these complete it.
std::vector<std::string> configured_catalogs(const std::vector<TextRow>& set_rows);

}  // namespace lakegate::catalog
