// The Arrow field the Spark Connect backend would produce for a Spark type
// named in text (as DESCRIBE QUERY and typeof() print it, read by
// backend::parse_spark_type), so both backends render identical JSON:
//   boolean Bool; tinyint..bigint Int8..Int64; float/double Float32/64;
//   decimal(p,s) Decimal128(p,s); string/char/varchar Utf8; binary Binary;
//   date Date32; timestamp Timestamp(µs, time zone); timestamp_ntz
//   Timestamp(µs); void Null; year-month intervals Interval(YEAR_MONTH);
//   day-time intervals Duration(µs); array List; map Map{entries{key,value}};
//   struct Struct.
// Types without an Arrow form here (variant, calendar interval, unreadable
// text) are kUnsupportedType. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/record_batch.h"
#include "util/result.h"

namespace lakegate::backend::hive_thrift {

// `time_zone` is the zone name put on LTZ timestamps (e.g. "UTC").
Result<arrow::Field> spark_type_to_arrow(std::string_view spark_type, std::string name,
                                         const std::string& time_zone);

// True for array, map and struct fields.
inline bool is_complex(const arrow::Field& field) {
  return field.type.is_nested();
}

// True if `field` or any descendant is an LTZ or NTZ timestamp.
bool contains_timestamp(const arrow::Field& field);

}  // namespace lakegate::backend::hive_thrift
