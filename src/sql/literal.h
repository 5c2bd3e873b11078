// THE literal renderer: the one place where a value becomes Spark SQL text,
// for protocols without bind parameters (the open-source Spark Thrift
// Server). Everything else binds values natively. Audited rules:
//   string  '…' with every backslash doubled and every quote as \' — Spark's
//           parser unescapes \\ and \' (spark.sql.parser.escapedStringLiterals
//           must be false, the default); "${" becomes "$\{" because Spark
//           substitutes ${var} in the whole statement text, literals included
//           (spark.sql.variable.substitute); all other characters go through
//           as they are, newlines, control characters and NUL included. Text
//           that is not valid UTF-8 is refused.
//   binary  X'hex'
//   bigint  123L, negative values parenthesised: (-123L)
//   double  shortest round-trip digits with D: 1.5E300D, (-0.0D);
//           NaN/±Infinity as CAST('NaN' AS DOUBLE)
//   decimal exact digits with BD: 12.50BD (precision and scale follow the
//           digits, like a bound decimal), exponents applied first
//   boolean TRUE / FALSE; null NULL
// Proven by a round-trip test through `SELECT <literal>` against the real
// Spark (tests/unit/hive_thrift/literal_roundtrip_test.cc).
//
// find_markers() is a small scanner of Spark SQL that finds the parameter
// markers `?` and `:name` outside string literals ('…', "…", r'…'),
// backquoted identifiers and comments (--, nested /* */); `::` casts are not
// markers. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace lakegate::sql {

Result<std::string> string_literal(std::string_view utf8);
std::string binary_literal(std::string_view bytes);
std::string bigint_literal(int64_t value);
std::string double_literal(double value);
// `digits`: "[+-]digits[.digits][(e|E)[+-]digits]"; kBadRequest if
// malformed, kUnsupportedType beyond 38 digits.
Result<std::string> decimal_literal(std::string_view digits);
std::string boolean_literal(bool value);
inline std::string null_literal() {
  return "NULL";
}

struct Marker {
  size_t offset = 0;  // of '?' or ':'
  size_t length = 0;  // 1 for '?', 1 + name length for ':name'
  std::string name;   // empty for '?'
};

// Every marker of `sql` in order. kBadRequest for an unterminated string,
// identifier or comment.
Result<std::vector<Marker>> find_markers(std::string_view sql);

// `sql` with each marker replaced by its literal: `positional[i]` for the
// i-th '?', `named` (name → literal; names without ':') for ':name'. Only
// the kind of markers that has values is replaced (a statement without
// named values keeps its ':' text). kBadRequest if counts or names do not
// match.
Result<std::string> substitute_markers(
    std::string_view sql, const std::vector<std::string>& positional,
    const std::vector<std::pair<std::string, std::string>>& named);

}  // namespace lakegate::sql
