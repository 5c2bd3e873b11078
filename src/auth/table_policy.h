// What a role's matching access rows impose on one table: the row filter
// (their {name, operator, value} filters joined with filter_op, as a parsed
// DreamFactory filter whose `{lookup}` values are bound after parsing, never
// spliced as text), the columns hidden from the caller and the columns it
// may read but not write. Built from an AccessDecision; pure.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "sql/filter_binder.h"
#include "store/records.h"
#include "util/result.h"

namespace lakegate::auth {

struct TablePolicy {
  sql::PolicyFilter row_filter;          // expression null = no row filter
  std::set<std::string> hidden_columns;   // lower-case names
  std::set<std::string> read_only_columns;  // lower-case names

  bool restricts_rows() const { return row_filter.expression != nullptr; }
  bool restricts_anything() const {
    return restricts_rows() || !hidden_columns.empty() || !read_only_columns.empty();
  }
};

// Combines `rows` (ORed grants at one level): a row without filters grants
// unfiltered access, so the policy has a row filter only when every row has
// one (then they are ORed together); hidden/read-only columns are those that
// every row hides (resp. marks read-only or hides). `lookups` are the
// principal's lookup values. kBadRequest when a stored filter does not parse
// (an admin error: named in the message) .
Result<TablePolicy> build_table_policy(const std::vector<const store::RoleServiceAccess*>& rows,
                                       const std::map<std::string, std::string>& lookups);

// The filter text of one access row's filters, e.g. "(`region` = 'EU') AND (owner = {user.email})":
// values are quoted literals unless they are exactly one `{lookup}` token.
std::string role_filter_text(const store::RoleServiceAccess& row);

}  // namespace lakegate::auth
