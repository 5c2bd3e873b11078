// How one client value is written into a column (internal to sql/, used by
// INSERT, UPDATE and MERGE): a typed SQL expression around bound parameters.
//   scalar types       CAST(? AS <type>)      (type text from Spark, whitelisted)
//   binary             CAST(? AS BINARY)      (the client's base64 decoded here)
//   array/map/struct   from_json(?, ?, map('mode', 'FAILFAST'))  (JSON text, type text bound)
//   variant            parse_json(?)
// A value of the wrong kind for the column (an object for an int, a number
// for a date, bad base64, null for a NOT NULL column) is a 400 naming
// `where` (e.g. "record 2") and the column. Pure.
#pragma once

#include <string_view>

#include "core/table_schema.h"
#include "sql/sql_fragment.h"
#include "sql/table_request.h"
#include "util/result.h"

namespace lakegate::sql {

Result<SqlFragment> write_value(const catalog::Column& column, const ClientValue& value,
                                std::string_view where);

}  // namespace lakegate::sql
