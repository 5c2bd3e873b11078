// JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1) of the JSON values
// lakegate renders for each Spark type (DESIGN.md §4):
//   boolean → boolean; tinyint/smallint/int → integer int32 (with bounds);
//   bigint → integer int64 (exact digits); float/double → number, or the
//   strings "NaN"/"Infinity"/"-Infinity"; decimal(p,s) → number written with
//   exactly s fraction digits (parse it as a decimal, not a double);
//   string → string (varchar/char: maxLength); binary → base64 string
//   (contentEncoding); date → string date; timestamp → string date-time
//   (with offset); timestamp_ntz → string without offset; intervals →
//   ISO 8601 duration string; array → array; map with string keys → object,
//   other maps → array of {key, value}; struct → object; variant → any JSON.
// A nullable value adds "null" to the type. Unknown type text → {}.
#pragma once

#include "api/catalog/catalog_json.h"
#include "backend/spark_type.h"
#include "core/table_schema.h"

namespace lakegate::api {

// Writes the schema of one value of `type`.
void write_value_schema(JsonWriter& json, const backend::SparkType& type, bool nullable);

// Writes the schema of a column's values, with its comment as description
// and Spark's type text as "x-spark-type".
void write_column_schema(JsonWriter& json, const catalog::Column& column);

}  // namespace lakegate::api
