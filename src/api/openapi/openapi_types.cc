#include "api/openapi/openapi_types.h"

#include <string>

namespace lakegate::api {
namespace {

using backend::SparkType;
using Kind = backend::SparkType::Kind;

// What a column's schema carries besides the value schema (top level only).
struct Annotations {
  const std::string* spark_type = nullptr;
  std::string description;
};

// Opens a schema object and writes the annotations, with `hint` (how the
// value is written) appended to the description.
void open_schema(JsonWriter& json, const Annotations* notes, const char* hint = nullptr) {
  json.begin_object();
  std::string description = notes != nullptr ? notes->description : std::string();
  if (hint != nullptr) description += description.empty() ? hint : std::string(" (") + hint + ")";
  if (!description.empty()) json.field("description", description);
  if (notes != nullptr && notes->spark_type != nullptr)
    json.field("x-spark-type", *notes->spark_type);
}

// "type": "<name>" or, when nullable, "type": ["<name>", "null"].
void write_type(JsonWriter& json, const char* name, bool nullable) {
  json.key("type");
  if (nullable) {
    json.begin_array().value(name).value("null").end_array();
  } else {
    json.value(name);
  }
}

void write_simple(JsonWriter& json, const char* type, const char* format, bool nullable,
                  const Annotations* notes, const char* hint = nullptr) {
  open_schema(json, notes, hint);
  write_type(json, type, nullable);
  if (format != nullptr) json.field("format", format);
  json.end_object();
}

void write_integer(JsonWriter& json, const char* format, int64_t minimum, int64_t maximum,
                   bool nullable, const Annotations* notes) {
  open_schema(json, notes);
  write_type(json, "integer", nullable);
  json.field("format", format);
  if (minimum != 0 || maximum != 0) json.field("minimum", minimum).field("maximum", maximum);
  json.end_object();
}

void write_floating(JsonWriter& json, const char* format, bool nullable, const Annotations* notes) {
  open_schema(json, notes);
  json.key("anyOf").begin_array();
  json.begin_object().field("type", "number").field("format", format).end_object();
  json.begin_object().field("type", "string").key("enum");
  json.begin_array().value("NaN").value("Infinity").value("-Infinity").end_array();
  json.end_object();
  if (nullable) json.begin_object().field("type", "null").end_object();
  json.end_array().end_object();
}

void write_schema(JsonWriter& json, const SparkType& type, bool nullable,
                  const Annotations* notes) {
  switch (type.kind) {
    case Kind::kBoolean:
      return write_simple(json, "boolean", nullptr, nullable, notes);
    case Kind::kTinyInt:
      return write_integer(json, "int32", -128, 127, nullable, notes);
    case Kind::kSmallInt:
      return write_integer(json, "int32", -32768, 32767, nullable, notes);
    case Kind::kInt:
      return write_integer(json, "int32", 0, 0, nullable, notes);
    case Kind::kBigInt:
      return write_integer(json, "int64", 0, 0, nullable, notes);
    case Kind::kFloat:
      return write_floating(json, "float", nullable, notes);
    case Kind::kDouble:
      return write_floating(json, "double", nullable, notes);
    case Kind::kDecimal:
      open_schema(json, notes, "exact decimal: parse without binary floating point");
      write_type(json, "number", nullable);
      json.field("x-decimal-precision", type.precision).field("x-decimal-scale", type.scale);
      json.end_object();
      return;
    case Kind::kString:
      return write_simple(json, "string", nullptr, nullable, notes);
    case Kind::kVarchar:
    case Kind::kChar:
      open_schema(json, notes);
      write_type(json, "string", nullable);
      json.field("maxLength", type.length).end_object();
      return;
    case Kind::kBinary:
      open_schema(json, notes);
      write_type(json, "string", nullable);
      json.field("contentEncoding", "base64").end_object();
      return;
    case Kind::kDate:
      return write_simple(json, "string", "date", nullable, notes);
    case Kind::kTimestamp:
      return write_simple(json, "string", "date-time", nullable, notes);
    case Kind::kTimestampNtz:
      return write_simple(json, "string", nullptr, nullable, notes,
                          "local date-time without offset: YYYY-MM-DDTHH:MM:SS[.ffffff]");
    case Kind::kYearMonthInterval:
    case Kind::kDayTimeInterval:
    case Kind::kCalendarInterval:
      return write_simple(json, "string", nullptr, nullable, notes,
                          "ISO 8601 duration, e.g. P1Y2M or -PT4.5S");
    case Kind::kArray:
      open_schema(json, notes);
      write_type(json, "array", nullable);
      json.key("items");
      write_schema(json, type.elements[0], true, nullptr);
      json.end_object();
      return;
    case Kind::kMap:
      open_schema(json, notes);
      if (type.elements[0].is_string()) {
        write_type(json, "object", nullable);
        json.key("additionalProperties");
        write_schema(json, type.elements[1], true, nullptr);
      } else {  // rendered as [{"key":…,"value":…},…]
        write_type(json, "array", nullable);
        json.key("items").begin_object().field("type", "object");
        json.key("properties").begin_object().key("key");
        write_schema(json, type.elements[0], false, nullptr);
        json.key("value");
        write_schema(json, type.elements[1], true, nullptr);
        json.end_object().end_object();
      }
      json.end_object();
      return;
    case Kind::kStruct:
      open_schema(json, notes);
      write_type(json, "object", nullable);
      json.key("properties").begin_object();
      for (const auto& field_type : type.fields) {
        const std::string& name = field_type.name;
        json.key(name);
        write_schema(json, field_type, true, nullptr);
      }
      json.end_object().end_object();
      return;
    case Kind::kVoid:
      return write_simple(json, "null", nullptr, false, notes);
    case Kind::kVariant:
      open_schema(json, notes, "any JSON value");
      json.end_object();
      return;
    case Kind::kUnknown:
      break;
  }
  open_schema(json, notes);  // any JSON value
  json.end_object();
}

}  // namespace

void write_value_schema(JsonWriter& json, const SparkType& type, bool nullable) {
  write_schema(json, type, nullable, nullptr);
}

void write_column_schema(JsonWriter& json, const catalog::Column& column) {
  Annotations notes;
  notes.spark_type = &column.spark_type;
  notes.description = column.comment;
  write_schema(json, backend::parse_spark_type(column.spark_type), column.nullable, &notes);
}

}  // namespace lakegate::api
