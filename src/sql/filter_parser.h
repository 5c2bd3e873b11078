// Parses DreamFactory filter text into a filter::Node tree (sql/filter_ast.h).
// The grammar is the reference's EBNF made strict, plus BETWEEN and a
// general NOT; precedence NOT > AND > OR, parentheses optional:
//
//   filter   := or_expr
//   or_expr  := and_expr { ("OR" | "||") and_expr }
//   and_expr := unary { ("AND" | "&&") unary }
//   unary    := "NOT" unary | "(" or_expr ")" | cond
//   cond     := col ["NOT"] cmp value
//             | col ["NOT"] ("LIKE" | "CONTAINS" | "STARTS" "WITH" | "ENDS" "WITH") value
//             | col ["NOT"] "IN" "(" value { "," value } ")"
//             | col ["NOT"] "BETWEEN" value "AND" value
//             | col "IS" ["NOT"] "NULL"
//   cmp      := = | == | != | <> | > | >= | < | <= | EQ | NE | GT | GTE | LT | LTE
//   value    := 'text' | "text" | :name | {lookup} | bare_token
//   col      := bare_word | `back-quoted`
//
// Keywords are case-insensitive. A bare value is typed: integer → int64
// (decimal if it overflows), fraction → decimal (exact digits), exponent →
// double, true/false → bool, anything else → string; `null` only after IS.
// NOT at the start of a condition is negation (a column named `not`, `and`,
// `or`, ... must be back-quoted there). Rejected with 400 and the position:
// NOR/XOR, raw-SQL `(…)` values, a missing value or operator, unbalanced
// parentheses, nesting deeper than kMaxFilterDepth. Pure.
#pragma once

#include <string_view>

#include "sql/filter_ast.h"
#include "util/result.h"

namespace lakegate::sql::filter {

// Parentheses and NOTs nested deeper than this are refused (stack safety).
inline constexpr int kMaxFilterDepth = 64;

// Parses `text`. REQUIRES: `text` is not blank (an empty filter means "no
// filter" and is the caller's case); blank text is a 400.
Result<Node> parse(std::string_view text);

}  // namespace lakegate::sql::filter
