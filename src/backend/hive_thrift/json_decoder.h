// Decodes the JSON text Spark's to_json() produces for array, map and struct
// values into Arrow arrays of the exact Spark type (from DESCRIBE QUERY,
// spark_type_to_arrow.h), so a nested value over Thrift becomes the same
// Arrow data Spark Connect would send. Spark's own text form of nested values over
// Thrift is not JSON (strings are not escaped), which is why the backend asks
// for to_json with these options (json_options_sql()):
//   timestamps "yyyy-MM-dd HH:mm:ss.SSSSSS" in UTC, NTZ likewise, dates
//   "yyyy-MM-dd", null struct members written out (ignoreNullFields=false);
// binary arrives as base64, decimals as exact numbers, NaN/±Infinity as
// strings, map keys as strings (parsed back to the key type).
//
// Numbers are read from their text (decimals never pass through a double).
// Errors are kProtocol with the offending position. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/record_batch.h"
#include "backend/hive_thrift/owned_array.h"
#include "util/result.h"

namespace lakegate::backend::hive_thrift {

// Appends the value `json` (one JSON value, or `null`) to `array`.
Result<void> append_json(OwnedArray& array, const arrow::Field& field, std::string_view json);

// Appends a scalar given as text (a map key, or a string-encoded number) to
// `array`: the text of a string, integer, decimal, float, boolean, date or
// timestamp value.
Result<void> append_scalar_text(OwnedArray& array, const arrow::Field& field,
                                std::string_view text);

// The options map literal lakegate passes to to_json(col, options).
const char* json_options_sql();

}  // namespace lakegate::backend::hive_thrift
