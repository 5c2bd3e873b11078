// Builds the SQL Statement of each _table operation from a request and the
// table's schema. This is where injection is made impossible by
// construction: identifiers come only from the TableSchema (checked, then
// back-quoted by quote_identifier), operators only from a closed set, and
// every client value becomes a bound `?` parameter. Errors are kBadRequest
// naming what was wrong ("Invalid field requested: x", filter position, ...).
#pragma once

#include "backend/backend.h"
#include "catalog/table_schema.h"
#include "sql/table_request.h"
#include "util/result.h"

namespace lakegate::sql {

// `name` back-quoted for Spark: `a``b` (embedded backticks doubled).
std::string quote_identifier(std::string_view name);
// `catalog`.`schema`.`table`
std::string quote_table_name(const catalog::TableName& name);

// SELECT for a read. Fetches `limit + 1` rows when `fetch_one_more` is set so
// the caller can tell whether another page exists (no hidden COUNT).
Result<backend::Statement> build_select(const catalog::TableSchema& table,
                                        const ReadRequest& request, bool fetch_one_more);
// SELECT count(*) AS `count` under the same filter/ids/time travel (include_count / count_only).
Result<backend::Statement> build_count(const catalog::TableSchema& table,
                                       const ReadRequest& request);
// One INSERT INTO … VALUES (…),(…) of every record; values cast to column types.
Result<backend::Statement> build_insert(const catalog::TableSchema& table,
                                        const InsertRequest& request);
// UPDATE … SET … WHERE <filter and/or ids>; refuses an empty WHERE.
Result<backend::Statement> build_update(const catalog::TableSchema& table,
                                        const UpdateRequest& request);
// MERGE INTO … USING (VALUES …) ON <id_fields> WHEN MATCHED UPDATE SET * WHEN NOT MATCHED INSERT *.
Result<backend::Statement> build_merge(const catalog::TableSchema& table,
                                       const MergeRequest& request);
// DELETE FROM … WHERE <filter and/or ids>; refuses an empty WHERE.
Result<backend::Statement> build_delete(const catalog::TableSchema& table,
                                        const DeleteRequest& request);

}  // namespace lakegate::sql
