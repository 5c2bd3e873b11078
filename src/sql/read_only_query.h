// The read-only sandbox for a caller's raw SQL (a `_query` GET grant), as a
// pure engine: no backend, no I/O. Three layers, so no single trick defeats
// them all:
//   1. Grammar position. The caller's text runs only as
//      `SELECT * FROM (\n<text>\n) AS q`: Spark's grammar admits nothing but a
//      query there (INSERT, MERGE, SET, CACHE, USE … fail to parse), and the
//      text sits on lines of its own so a trailing `--` or an unclosed comment
//      cannot swallow the closing parenthesis.
//   2. The printed plan of `EXPLAIN EXTENDED <wrapped>` (nothing runs), split
//      at exact header lines that must each appear once and in order (a
//      literal that prints a header makes it ambiguous: refused). The parsed
//      plan must be our wrapper around a closed list of query operators (only
//      `range` as table-valued function, no `format.`path`` relation); no
//      denied function (reflect, java_method, try_reflect + configured ones)
//      appears anywhere, including the analyzed and optimized plans, where
//      IDENTIFIER('…') and aliases are already resolved; the analyzed plan
//      reads no file relation.
//   3. Spark's own switches: the session runs with spark.sql.runSQLOnFiles=false
//      and prints plan lists in full (backend::kReadOnlySessionSettings, applied
//      by the backend for backend::SessionUse::kReadOnly); a plan with a
//      list cut short ("... N more fields") is refused all the same.
// Errors never echo the wrapper: Spark's messages are cut before their
// "== SQL ==" excerpt and line numbers are given relative to the caller's text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace lakegate::sql {

// `SELECT * FROM (\n<text>\n) AS q`, the caller's trailing whitespace and
// semicolons removed first.
std::string wrap_as_query(std::string_view caller_sql);
// Lines the wrapper adds before the caller's first line.
inline constexpr int kWrapperLinesBefore = 1;

// The four sections of EXPLAIN EXTENDED output. When analysis failed, Spark
// prints the error in place of the analyzed plan and the last two are empty.
struct ExplainedPlan {
  std::string_view parsed, analyzed, optimized, physical;
  bool analysis_failed = false;
};

// kForbidden unless each header is on a line of its own exactly once, in
// order; Spark's error (kSparkAnalysis) when it failed while planning.
Result<ExplainedPlan> split_explained_plan(std::string_view explain_text);

// The functions refused in read-only SQL whatever the configuration.
const std::vector<std::string>& always_denied_functions();

// kForbidden naming what was refused; when the plan is fine but analysis
// failed, the analysis error (kTableNotFound or kSparkAnalysis) with Spark's
// error class, cleaned of internals.
Status check_read_only_plan(const ExplainedPlan& plan,
                            const std::vector<std::string>& denied_functions);

// Spark's message without internals: cut before "== SQL ==" excerpts,
// plans and JVM stack traces, without "pkg.SomeException: " prefixes.
// Idempotent.
std::string strip_spark_internals(std::string_view message);

// strip_spark_internals, and "line N" made relative to the caller's text of
// `caller_lines` lines (a position past it is named the statement's end).
// Apply once, to the final error of a wrapped statement.
std::string caller_facing_spark_message(std::string_view message, int caller_lines);

// The caller's line count, from the wrapped text.
int caller_lines_of_wrapped(std::string_view wrapped_sql);

}  // namespace lakegate::sql
