// SqlFragment: SQL text plus the values bound to its `?` markers, built only
// from (1) fixed text written in lakegate's own source (FixedSql, enforced at
// compile time by a consteval constructor), (2) identifiers of checked schema
// columns and table names, back-quoted by util::quote_sql_identifier (pinned
// against the real Spark by sql_spark_check), (3) int64 numbers, (4) Spark
// type names that pass a strict character whitelist, and (5) bound
// parameters. No function here accepts client text as SQL, which is what makes
// injection impossible by construction. Value type; not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/backend.h"
#include "core/table_schema.h"
#include "util/result.h"

namespace lakegate::sql {

// Text that is a compile-time constant in lakegate's source. The consteval
// constructor refuses anything computed at run time.
class FixedSql {
 public:
  consteval FixedSql(const char* text) : text_(text) {}  // NOLINT: implicit on purpose
  const char* text() const { return text_; }

 private:
  const char* text_;
};

class SqlFragment {
 public:
  SqlFragment() = default;
  SqlFragment(FixedSql fixed) { text_ = fixed.text(); }  // NOLINT: implicit on purpose

  SqlFragment& add(FixedSql fixed);
  SqlFragment& add(const SqlFragment& other);
  // The column's name as Spark reports it, back-quoted.
  SqlFragment& add_column(const catalog::Column& column);
  // `prefix<column name>` as one back-quoted identifier (aggregate aliases: SUM_col).
  SqlFragment& add_alias(FixedSql prefix, const catalog::Column& column);
  SqlFragment& add_table(const catalog::TableName& name);
  SqlFragment& add_integer(int64_t number);
  // `?`, bound to `value`.
  SqlFragment& add_param(backend::Value value);
  // A scalar Spark type name such as `decimal(10,2)` for CAST(? AS …). Only
  // [a-z0-9_ (),] is accepted (case-insensitive); anything else is kInternal
  // (the type came from Spark, so a failure is a bug, never client text).
  Status add_scalar_type(std::string_view spark_type);

  bool empty() const { return text_.empty(); }
  const std::string& text() const { return text_; }
  const std::vector<backend::Value>& params() const { return params_; }
  // Moves text and parameters into a Statement (positional `?` parameters).
  backend::Statement to_statement() &&;

 private:
  std::string text_;
  std::vector<backend::Value> params_;
};

// `parts` joined by `separator` (e.g. ", " or " AND ").
SqlFragment join(const std::vector<SqlFragment>& parts, FixedSql separator);

}  // namespace lakegate::sql
