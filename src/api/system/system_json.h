// JSON shapes of the system resources (DreamFactory's df-system / df-user /
// df-limits records): rendering a record for a response and parsing a
// request body into one. Secrets never leave: API key hashes, password
// hashes, service access tokens and users' Databricks tokens are rendered
// as absent or masked ("access_token": "********" when set, "" when not), and
// a masked value sent back in an update means "keep the stored secret".
// Parsing validates types and names the offending field (kBadRequest).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cache/result_cache.h"
#include "store/records.h"
#include "util/result.h"

namespace lakegate::api {

inline constexpr std::string_view kMaskedSecret = "********";

// Each appends one JSON object to `out`.
void append_service_json(std::string& out, const store::ServiceRecord& record);
// role_service_access_by_role_id is included as an array of
// {id, role_id, service_id, component, verb_mask, requestor_mask, filters:[{name,operator,value}],
//  filter_op, hidden_fields:[…], read_only_fields:[…]}; lookups as
// "lookup_by_role_id": [{name, value}].
void append_role_json(std::string& out, const store::RoleRecord& record);
// {id, name, description, is_active, role_id, api_key_prefix, created_date, last_modified_date}
// (never the key or its hash).
void append_app_json(std::string& out, const store::AppRecord& record);
// {id, email, name, first_name, last_name, is_active, is_sys_admin, default_role_id,
//  lookup_by_user_id:[{name,value}], databricks_token: masked, last_login_date, …,
//  user_to_app_to_role_by_user_id:[{app_id, role_id}]} — `app_roles` are that user's rows.
void append_user_json(std::string& out, const store::UserRecord& record,
                      const std::vector<store::UserAppRole>& app_roles);
// DreamFactory's limit row; `period` rendered as its name ("minute", …).
void append_limit_json(std::string& out, const store::LimitRecord& record);
void append_audit_json(std::string& out, const store::AuditRecord& record);
// A service's result cache: {"name", "cache_ttl", "hits", "misses", …}.
void append_cache_stats_json(std::string& out, std::string_view service,
                             const cache::CacheStats& stats, int64_t ttl_seconds);

// Parsing: `json` is one object. For updates, `base` holds the current record
// and only fields present in `json` change (PATCH semantics); for creates
// `base` is a default-constructed record. Unknown fields are refused.
Result<store::RoleRecord> parse_role_json(std::string_view json, store::RoleRecord base);
// The app's api key is never taken from the body (the server generates it).
Result<store::AppRecord> parse_app_json(std::string_view json, store::AppRecord base);
// "password" (plaintext, min 8 characters) is returned separately so the
// caller hashes it; "databricks_token" equal to kMaskedSecret keeps `base`'s.
struct ParsedUser {
  store::UserRecord user;
  std::string new_password;  // "" = unchanged
  bool app_roles_given = false;
  std::vector<store::UserAppRole> app_roles;  // user_to_app_to_role_by_user_id
};
Result<ParsedUser> parse_user_json(std::string_view json, store::UserRecord base);
// "period" accepts the index (0-4) or its name.
Result<store::LimitRecord> parse_limit_json(std::string_view json, store::LimitRecord base);

// Splits a DreamFactory request body into records: {"resource":[{…},…]}, a
// bare array, or a single object → the raw JSON text of each object.
Result<std::vector<std::string>> split_resource_body(std::string_view body);

}  // namespace lakegate::api
