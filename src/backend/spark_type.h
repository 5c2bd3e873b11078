// Spark's type text, as DESCRIBE, DESCRIBE QUERY and typeof() print it
// ("int", "decimal(10,2)", "array<struct<a:int,b:string>>",
// "string collate UTF8_LCASE", "interval day to second", ...), parsed into a
// tree: the one reader of Spark type text. Used by catalog/ and api/ to map
// columns to DreamFactory's simple types (_schema) and to JSON Schema
// (OpenAPI), and by the Thrift backend to type nested result columns as
// Arrow. Names and keywords are case-insensitive; a struct field name is
// back-quoted (`` for a backquote) or everything up to the next ':' (Spark
// prints names unquoted, so "a b" and "x,y" are names). Never fails: text it
// cannot read (e.g. a struct DESCRIBE truncated with "... N more fields")
// becomes kUnknown and keeps its text. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lakegate::backend {

struct SparkType {
  enum class Kind {
    kUnknown,
    kVoid,
    kBoolean,
    kTinyInt,
    kSmallInt,
    kInt,
    kBigInt,
    kFloat,
    kDouble,
    kDecimal,  // precision, scale
    kString,   // also "string collate X"
    kVarchar,  // length
    kChar,     // length
    kBinary,
    kDate,
    kTimestamp,     // with local time zone (rendered with an offset)
    kTimestampNtz,  // without time zone
    kYearMonthInterval,
    kDayTimeInterval,
    kCalendarInterval,
    kArray,   // elements[0]
    kMap,     // elements[0] key, elements[1] value
    kStruct,  // fields
    kVariant,
  };

  Kind kind = Kind::kUnknown;
  std::string text;  // the type text this node was parsed from (trimmed)
  int precision = 0;
  int scale = 0;
  int length = 0;
  std::vector<SparkType> elements;
  std::vector<SparkType> fields;  // struct fields; each carries its `name`
  std::string name;               // the field name when this node is a struct field

  bool is_integer() const {
    return kind == Kind::kTinyInt || kind == Kind::kSmallInt || kind == Kind::kInt ||
           kind == Kind::kBigInt;
  }
  bool is_string() const {
    return kind == Kind::kString || kind == Kind::kVarchar || kind == Kind::kChar;
  }
};

SparkType parse_spark_type(std::string_view text);

}  // namespace lakegate::backend
