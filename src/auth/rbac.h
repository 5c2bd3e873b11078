// The RBAC engine (pure; no I/O): decides whether a role may use a verb on a
// component of a service, with DreamFactory's matching order (df-core
// Session::getServicePermissions), case-insensitive:
//   1. an exact component match            ("_table/sales.orders")
//   2. a wildcard-prefix match             ("_table/*", "_table/sales.*")
//   3. a service-wide "*"
//   4. an all-services row (service_id null), tried with the same 1-3 order
// The first level with a matching row decides; masks of the rows at that
// level are ORed (so a specific row can narrow a broader one). Text in
// parentheses in a component is ignored. Deny by default.
//
// Table components name tables as the request resolved them:
// "_table/<catalog>.<schema>.<table>"; a pattern with fewer parts
// ("_table/sales.orders", "_table/orders") matches the trailing parts.
// Same for "_schema/…". Other components: "" (service root), "_query",
// "_catalog", "_catalog/<c>[/<s>]", "_spec", "_table" (the table list).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/records.h"

namespace lakegate::auth {

// A verb name ("GET", "POST", …) as its VerbBit; 0 for an unknown verb.
int verb_bit(std::string_view verb);

struct AccessDecision {
  bool allowed = false;
  // The rows of the deciding level whose mask includes the verb (their
  // filters and column rules apply); empty when denied.
  std::vector<const store::RoleServiceAccess*> rows;
};

// REQUIRES: `role` outlives the decision (rows point into it).
AccessDecision decide(const store::RoleRecord& role, int64_t service_id,
                      std::string_view component, std::string_view verb,
                      int requestor = store::kApiRequestor);

// True when `pattern` (a role component) matches `component` at any level;
// exposed for tests and for listing which tables a role can see.
bool component_matches(std::string_view pattern, std::string_view component);

// DreamFactory's 403 message: "{Verb} access to component '{component}' of
// service '{service}' is not allowed by this user's role."
std::string denied_message(std::string_view verb, std::string_view component,
                           std::string_view service);

}  // namespace lakegate::auth
