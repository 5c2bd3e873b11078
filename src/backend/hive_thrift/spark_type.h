// Parses Spark SQL type names as DESCRIBE QUERY and typeof() print them
// (`array<struct<a b:int,c:timestamp_ntz>>`, `decimal(10,2)`, `map<string,int>`,
// `interval day to second`, `string collate UTF8_LCASE`, `void`) into the
// Arrow field the Spark Connect backend would produce for the same type, so
// both backends render identical JSON:
//   boolean Bool; tinyint..bigint Int8..Int64; float/double Float32/64;
//   decimal(p,s) Decimal128(p,s); string/char/varchar Utf8; binary Binary;
//   date Date32; timestamp Timestamp(µs, time zone); timestamp_ntz
//   Timestamp(µs); void Null; year-month intervals Interval(YEAR_MONTH);
//   day-time intervals Duration(µs); array List; map Map{entries{key,value}};
//   struct Struct.
// Struct field names are read up to the ':' (Spark prints them unquoted) or
// between backquotes. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "arrow/record_batch.h"
#include "util/result.h"

namespace lakegate::backend::hive_thrift {

// `time_zone` is the zone name put on LTZ timestamps (e.g. "UTC").
Result<arrow::Field> parse_spark_type(std::string_view text, std::string name,
                                      const std::string& time_zone);

// True for array, map and struct fields.
inline bool is_complex(const arrow::Field& field) {
  return field.type.is_nested();
}

// True if `field` or any descendant is an LTZ or NTZ timestamp.
bool contains_timestamp(const arrow::Field& field);

}  // namespace lakegate::backend::hive_thrift
