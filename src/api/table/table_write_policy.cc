// check_write_policy (table_handlers.h): what a role's policy forbids writes
// to do, checked before any statement is built. Row filters on UPDATE and
// DELETE are enforced inside the statement (ANDed into its WHERE).
#include <algorithm>

#include "api/table/table_handlers.h"
#include "auth/record_check.h"
#include "util/ascii.h"

namespace lakegate::api {
namespace {

Error denied(std::string detail) {
  return Error(ErrorCode::kForbidden, "Denied access to some of the requested fields.")
      .with("reason", std::move(detail));
}

}  // namespace

Status check_write_policy(const std::string& method, const TableTarget& target,
                          const TableOptions& options) {
  const auth::TablePolicy& policy = target.policy;
  if (!policy.restricts_anything()) return {};
  std::set<std::string> filtered_columns;
  if (policy.restricts_rows()) {
    if (method == "PUT") {
      return denied("PUT (upsert) is not available under a row filter; use PATCH or POST");
    }
    filtered_columns = auth::filter_columns(*policy.row_filter.expression);
  }
  for (size_t index = 0; index < options.records.size(); ++index) {
    const auto& values = options.records[index].values;
    for (const auto& [column, value] : values) {
      const std::string name = util::ascii_lower(column);
      if (policy.read_only_columns.count(name)) {
        return denied("column \"" + column + "\" is read-only for this role");
      }
      if (method == "PATCH" && filtered_columns.count(name)) {
        return denied("column \"" + column + "\" decides which rows this role may change");
      }
    }
    if (method == "POST" && policy.restricts_rows() &&
        !auth::record_satisfies(*policy.row_filter.expression, values, policy.row_filter.lookups)) {
      return denied("record " + std::to_string(index) + " is outside the rows this role may write");
    }
  }
  return {};
}

}  // namespace lakegate::api
