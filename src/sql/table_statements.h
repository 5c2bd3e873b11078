// Builds the SQL Statement of each _table operation from a request and the
// table's schema. This is where injection is made impossible by
// construction: identifiers come only from the TableSchema (checked, then
// back-quoted by util::quote_sql_identifier), operators only from a closed
// set, and every client value becomes a bound `?` parameter
// (sql/sql_fragment.h is the only way text enters a statement). Errors are kBadRequest naming what
// was wrong ("Invalid field requested: x", filter position, ...).
//
// `policy` (optional, default none) is a server-side row filter ANDed into
// the WHERE of every SELECT, count, UPDATE and DELETE; its lookup values
// also fill `{name}` tokens of the client's filter.
#pragma once

#include "core/backend.h"
#include "core/table_schema.h"
#include "sql/filter_binder.h"
#include "sql/sql_fragment.h"
#include "sql/table_request.h"
#include "util/result.h"

namespace lakegate::sql {

// SELECT for a read. Fetches `limit + 1` rows when `fetch_one_more` is set so
// the caller can tell whether another page exists (no hidden COUNT).
// Time travel: `VERSION AS OF <n>` (Spark's grammar takes no marker there;
// the int64 is rendered) or `TIMESTAMP AS OF ?` (bound; text checked first).
Result<backend::Statement> build_select(const catalog::TableSchema& table,
                                        const ReadRequest& request, bool fetch_one_more,
                                        const PolicyFilter& policy = {});
// SELECT count(*) AS `count` under the same filter/ids/time travel (include_count /
// count_only); with `group`, the number of groups.
Result<backend::Statement> build_count(const catalog::TableSchema& table,
                                       const ReadRequest& request, const PolicyFilter& policy = {});
// One INSERT INTO … (union of record keys) VALUES (…),(…) of every record;
// values cast to column types (nested types via from_json, binary from base64).
Result<backend::Statement> build_insert(const catalog::TableSchema& table,
                                        const InsertRequest& request);
// UPDATE … SET … WHERE <filter and/or ids>; refuses an empty WHERE.
Result<backend::Statement> build_update(const catalog::TableSchema& table,
                                        const UpdateRequest& request,
                                        const PolicyFilter& policy = {});
// MERGE INTO … AS target USING (SELECT * FROM VALUES …) AS source ON <id_fields>
// WHEN MATCHED THEN UPDATE SET <the columns each record sent> WHEN NOT MATCHED
// THEN INSERT. Records may send different columns: a column some records
// lack keeps its target value for those records.
Result<backend::Statement> build_merge(const catalog::TableSchema& table,
                                       const MergeRequest& request);
// DELETE FROM … WHERE <filter and/or ids>; refuses an empty WHERE.
Result<backend::Statement> build_delete(const catalog::TableSchema& table,
                                        const DeleteRequest& request,
                                        const PolicyFilter& policy = {});

}  // namespace lakegate::sql
