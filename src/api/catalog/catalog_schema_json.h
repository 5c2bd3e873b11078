// DreamFactory's table description (GET /_schema/{name}) of a Spark table:
//   {"name","label","plural","description","catalog","schema","table",
//    "is_view","primary_key":[…],"name_field":null,"field":[…],"related":[],
//    "partition_columns":[…],"provider","is_delta","properties":{…},
//    "native":{DESCRIBE's detailed table information}}
// and of each column ("field"): name, label, description (the comment),
// type (DreamFactory's simple type), db_type (Spark's type text), length,
// precision, scale, default, allow_null, auto_increment, fixed_length,
// is_primary_key, is_unique, is_index, is_foreign_key, ref_table, ref_field,
// is_virtual, is_aggregate, is_partition.
// Spark has no primary keys: primary_key is TableSchema::default_id_fields()
// (table property lakegate.id_field, else a column named id, else empty).
#pragma once

#include <string>

#include "api/catalog/catalog_json.h"
#include "backend/spark_type.h"
#include "core/table_schema.h"

namespace lakegate::api {

// DreamFactory's simple type of a Spark type (DbSimpleTypes): boolean,
// tinyint, smallint, integer, bigint, float, double, decimal, string, binary,
// date, timestamptz (Spark timestamp: an instant), timestamp (timestamp_ntz),
// array, object (map, struct), json (variant); intervals and unknown → string.
std::string dreamfactory_type(const backend::SparkType& type);

// Writes the description of `table`, named `display_name` in this service.
void write_table_description(JsonWriter& json, const catalog::TableSchema& table,
                             const std::string& display_name);
// Writes the description of one column of `table`.
void write_field_description(JsonWriter& json, const catalog::TableSchema& table,
                             const catalog::Column& column);

}  // namespace lakegate::api
