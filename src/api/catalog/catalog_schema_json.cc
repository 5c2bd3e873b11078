#include "api/catalog/catalog_schema_json.h"

#include <algorithm>
#include <set>
#include <string_view>

#include "api/catalog/catalog_common.h"

namespace lakegate::api {

using backend::SparkType;
using Kind = backend::SparkType::Kind;

std::string dreamfactory_type(const SparkType& type) {
  switch (type.kind) {
    case Kind::kBoolean:
      return "boolean";
    case Kind::kTinyInt:
      return "tinyint";
    case Kind::kSmallInt:
      return "smallint";
    case Kind::kInt:
      return "integer";
    case Kind::kBigInt:
      return "bigint";
    case Kind::kFloat:
      return "float";
    case Kind::kDouble:
      return "double";
    case Kind::kDecimal:
      return "decimal";
    case Kind::kString:
    case Kind::kVarchar:
    case Kind::kChar:
      return "string";
    case Kind::kBinary:
      return "binary";
    case Kind::kDate:
      return "date";
    case Kind::kTimestamp:
      return "timestamptz";
    case Kind::kTimestampNtz:
      return "timestamp";
    case Kind::kArray:
      return "array";
    case Kind::kMap:
    case Kind::kStruct:
      return "object";
    case Kind::kVariant:
      return "json";
    case Kind::kYearMonthInterval:
    case Kind::kDayTimeInterval:
    case Kind::kCalendarInterval:
    case Kind::kVoid:
    case Kind::kUnknown:
      break;
  }
  return "string";
}

void write_field_description(JsonWriter& json, const catalog::TableSchema& table,
                             const catalog::Column& column) {
  const SparkType type = backend::parse_spark_type(column.spark_type);
  const auto key = table.default_id_fields();
  const bool is_key = std::find(key.begin(), key.end(), column.name) != key.end();
  json.begin_object()
      .field("name", column.name)
      .field("label", label_of(column.name))
      .field("description", column.comment)
      .field("type", dreamfactory_type(type))
      .field("db_type", column.spark_type);
  if (type.kind == Kind::kVarchar || type.kind == Kind::kChar) {
    json.field("length", type.length);
  } else {
    json.null_field("length");
  }
  if (type.kind == Kind::kDecimal) {
    json.field("precision", type.precision).field("scale", type.scale);
  } else {
    json.null_field("precision").null_field("scale");
  }
  json.null_field("default")
      .field("allow_null", column.nullable)
      .field("auto_increment", false)
      .field("fixed_length", type.kind == Kind::kChar)
      .field("is_primary_key", is_key)
      .field("is_unique", false)
      .field("is_index", false)
      .field("is_foreign_key", false)
      .null_field("ref_table")
      .null_field("ref_field")
      .field("is_virtual", false)
      .field("is_aggregate", false)
      .field("is_partition", column.is_partition)
      .end_object();
}

void write_table_description(JsonWriter& json, const catalog::TableSchema& table,
                             const std::string& display_name) {
  const std::string label = label_of(table.name.table);
  json.begin_object()
      .field("name", display_name)
      .field("label", label)
      .field("plural", label)
      .field("description", table.comment)
      .field("catalog", table.name.catalog)
      .field("schema", table.name.schema)
      .field("table", table.name.table)
      .field("is_view", table.is_view);
  json.key("primary_key").string_array(table.default_id_fields());
  json.null_field("name_field");
  json.key("field").begin_array();
  for (const auto& column : table.columns) write_field_description(json, table, column);
  json.end_array();
  json.key("related").begin_array().end_array();
  json.key("partition_columns").string_array(table.partition_columns);
  json.field("provider", table.provider).field("is_delta", table.is_delta);
  json.key("properties").begin_object();
  for (const auto& [name, value] : table.properties) json.field(name, value);
  json.end_object();
  json.key("native").begin_object();
  std::set<std::string_view> written;
  for (const auto& [name, value] : table.details) {
    // Table Properties are already under "properties"; keep the first of repeated keys.
    if (name == "Table Properties" || !written.insert(name).second) continue;
    json.field(name, value);
  }
  json.end_object();
  json.end_object();
}

}  // namespace lakegate::api
