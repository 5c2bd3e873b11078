// Turns the columns of one HiveServer2 TRowSet into Arrow arrays the sinks
// can read, following a ColumnPlan per result column: how the server encodes
// the column (native Thrift values, text, or to_json text) and the Arrow
// field it becomes. The nulls bitmap of a TColumn may be shorter than the
// row count (Spark trims trailing zero bytes): missing bits mean "not null".
//
// Decodings (see spark_type_to_arrow.h for the Arrow types):
//   kBool/kInt8/kInt16/kInt32/kInt64/kDouble/kString/kBinary  native values
//   kFloat      doubleVal holding a float's decimal text value → Float32
//   kDecimal    BigDecimal plain text → Decimal128(p,s)
//   kDate       "yyyy-MM-dd" → Date32
//   kTimestamp  "yyyy-MM-dd HH:mm:ss[.f]" in UTC → Timestamp(µs[, tz])
//   kMicros     i64 microseconds (unix_micros()) → Timestamp(µs, tz)
//   kYearMonth / kDayTime  Hive interval text → Interval(YEAR_MONTH) / Duration(µs)
//   kNull       → Null
//   kJson       to_json text → List/Map/Struct (json_decoder.h)
//   kText       any value as its text → Utf8 (last resort for nested values
//               of statements that cannot be re-run, e.g. DESCRIBE DETAIL)
// Pure; thread-safe.
#pragma once

#include <vector>

#include "core/record_batch.h"
#include "backend/hive_thrift/owned_array.h"
#include "tcli/TCLIService_types.h"
#include "util/result.h"

namespace lakegate::backend::hive_thrift {

enum class Decode : uint8_t {
  kBool,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kFloat,
  kDouble,
  kString,
  kBinary,
  kDecimal,
  kDate,
  kTimestamp,
  kMicros,
  kYearMonth,
  kDayTime,
  kNull,
  kJson,
  kText
};

struct ColumnPlan {
  arrow::Field field;  // what the sink sees
  Decode decode = Decode::kString;
};

// Converts `row_set` (columnar) into `batch`, reusing its buffers. The row
// count is that of the first column; a rowset without columns has 0 rows.
Result<void> decode_row_set(const tcli::TRowSet& row_set, const std::vector<ColumnPlan>& plans,
                            OwnedBatch& batch);

}  // namespace lakegate::backend::hive_thrift
