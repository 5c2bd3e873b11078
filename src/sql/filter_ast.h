// The parsed form of a DreamFactory filter: a tree of AND/OR/NOT nodes over
// predicates (column, operator from a closed set, operands). Column names
// and placeholder/lookup names are unresolved client text here; only the
// binder (sql/filter_binder.h) checks them against a TableSchema and turns
// the tree into SQL. Positions are 1-based character offsets in the filter
// text, for error messages. Plain values, no ownership subtleties: a tree
// owns its children by value.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/value.h"

namespace lakegate::sql::filter {

// A value on the right-hand side of a predicate.
struct Operand {
  enum class Kind {
    kLiteral,      // a quoted string or a bare token, already typed in `literal`
    kPlaceholder,  // `:name`, filled from the request's params
    kLookup,       // `{name}` / `{modifier.name}`, filled from lookup values
  };
  Kind kind = Kind::kLiteral;
  backend::Value literal;  // kLiteral only
  std::string text;        // kLiteral: the token as written (unquoted); else the name
  size_t position = 0;     // 1-based character offset of the operand in the filter
  bool bare = false;       // kLiteral written unquoted (the binder may retype it by column)
};

enum class Operator {
  kEqual,
  kNotEqual,
  kGreater,
  kGreaterOrEqual,
  kLess,
  kLessOrEqual,
  kIn,          // operands: the list (at least one)
  kLike,        // pattern as given
  kContains,    // LIKE '%v%' with v escaped
  kStartsWith,  // LIKE 'v%'
  kEndsWith,    // LIKE '%v'
  kBetween,     // operands: low, high
  kIsNull,      // no operands
};

struct Node {
  enum class Kind { kAnd, kOr, kNot, kPredicate };
  Kind kind = Kind::kPredicate;

  // kAnd / kOr: two or more children; kNot: exactly one.
  std::vector<Node> children;

  // kPredicate only.
  std::string column;  // as written (back-quotes removed)
  size_t column_position = 0;
  Operator op = Operator::kEqual;
  bool negated = false;  // NOT IN, NOT LIKE, IS NOT NULL, NOT BETWEEN, col NOT = v
  std::vector<Operand> operands;
};

// A readable, canonical rendering for tests and logs (not SQL):
// (a = 1 AND NOT (b IN ('x', :p, {user.id}))).
std::string to_string(const Node& node);

}  // namespace lakegate::sql::filter
