// Coarse categories of Spark column types (from Spark's DDL type text, e.g.
// "decimal(10,2)", "array<int>", "timestamp_ntz"), used to decide how a
// client value is bound for a column: retyped to text for string columns,
// CAST(? AS type) for scalars, from_json for nested types. Pure.
#pragma once

#include <string>
#include <string_view>

#include "core/value.h"

namespace lakegate::sql {

enum class TypeCategory {
  kBoolean,
  kIntegral,    // tinyint/byte, smallint/short, int/integer, bigint/long
  kFractional,  // float/real, double, decimal/numeric
  kString,      // string, varchar(n), char(n) (collations included)
  kBinary,
  kDate,
  kTimestamp,  // timestamp, timestamp_ltz, timestamp_ntz
  kNested,     // array<…>, map<…>, struct<…>
  kVariant,
  kOther,  // intervals, void, anything newer
};

TypeCategory categorize(std::string_view spark_type);

// The value's text: integers and decimals as digits, doubles in shortest
// round-trip form, booleans as true/false, strings and bytes as they are.
// REQUIRES: value.kind != kNull.
std::string value_text(const backend::Value& value);

}  // namespace lakegate::sql
