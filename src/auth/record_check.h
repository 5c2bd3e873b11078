// Checks a record a caller wants to insert against the role's row filter
// (DreamFactory validates POST bodies against server-side filters): the
// filter is evaluated on the record's own values, with `{lookup}` operands
// from the principal. Comparisons are numeric when both sides are numbers,
// else on the text; a column the record does not set is NULL (SQL logic: a
// comparison with NULL is not true). Operators the evaluator cannot decide
// exactly (LIKE patterns, BETWEEN on mixed types, nested JSON values) make
// the check fail closed. Pure.
#pragma once

#include <set>
#include <string>

#include "sql/filter_ast.h"
#include "sql/filter_binder.h"
#include "sql/table_request.h"

namespace lakegate::auth {

// True when `record` satisfies `filter` (false also when undecidable).
bool record_satisfies(const sql::filter::Node& filter, const sql::Record& record,
                      const sql::LookupValues& lookups);

// Lower-case names of the columns `filter` tests.
std::set<std::string> filter_columns(const sql::filter::Node& filter);

}  // namespace lakegate::auth
