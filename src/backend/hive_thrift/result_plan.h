// Decides how each column of a HiveServer2 result becomes Arrow data with
// exactly the type Spark Connect would report (so both backends render the
// same JSON), from the result metadata (TTypeId + qualifiers) and, when the
// metadata is not enough, the Spark types DESCRIBE QUERY reports:
//  - TIMESTAMP_TYPE stands for both TIMESTAMP and TIMESTAMP_NTZ: the Spark
//    type tells them apart (without it, LTZ is assumed);
//  - arrays, maps and structs arrive as Hive text that is not JSON, so the
//    statement is re-run as SELECT to_json(col, …) … FROM (<sql>) and the
//    JSON decoded with the Spark type;
//  - LTZ timestamps of a session whose time zone is not UTC are re-run as
//    unix_micros(col) (text in a zone with daylight saving is ambiguous).
// Re-running happens only for statements DESCRIBE QUERY accepts (queries),
// never for commands with side effects; those keep nested values as text.
// Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/record_batch.h"
#include "backend/hive_thrift/column_decoder.h"
#include "tcli/TCLIService_types.h"
#include "util/result.h"

namespace lakegate::backend::hive_thrift {

struct ResultPlan {
  std::vector<ColumnPlan> columns;
  // Non-empty: the statement to run instead of the original (same columns).
  std::string rerun_sql;
};

// True if the metadata alone cannot type the result (timestamps, nested).
bool needs_spark_types(const tcli::TTableSchema& schema);

// True for "UTC", "Etc/UTC", "GMT", "Z", "+00:00" and the like.
bool is_utc_zone(std::string_view zone);

// `spark_types`: one Spark type name per column (DESCRIBE QUERY), or empty
// when unknown. `sql` is the statement as sent (for the re-run wrapper).
Result<ResultPlan> plan_result(const tcli::TTableSchema& schema,
                               const std::vector<std::string>& spark_types,
                               std::string_view session_time_zone, std::string_view sql);

// The Arrow schema of a plan.
arrow::Schema schema_of(const ResultPlan& plan);

// "SELECT … FROM (\n<sql>\n) AS lakegate_result(c0, …)" with `expressions`
// over the aliases c0…; a trailing ';' of `sql` is dropped.
std::string wrap_statement(std::string_view sql, const std::vector<std::string>& expressions);

}  // namespace lakegate::backend::hive_thrift
