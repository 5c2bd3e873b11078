// The records of the system store, in DreamFactory's shapes (df-system,
// df-user, df-limits): services, roles with their role_service_access rows,
// apps, users, per-app user roles, limits, sessions and audit entries. Plain
// structs; secrets are held in plaintext here and sealed only in the store.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/service_config.h"

namespace lakegate::store {

// Verb bits of role_service_access.verb_mask and limits (DreamFactory's VerbsMask).
enum VerbBit : int { kGet = 1, kPost = 2, kPut = 4, kPatch = 8, kDelete = 16, kOptions = 32, kHead = 64 };
// requestor_mask bits.
enum RequestorBit : int { kApiRequestor = 1, kScriptRequestor = 2 };

struct ServiceRecord {
  int64_t id = 0;
  config::ServiceConfig config;  // name, label, type, description live in config
  std::string description;
  bool is_active = true;
  std::string source = "api";  // "config" (from lakegate.yaml, read-only via API) or "api"
  std::string created_date, last_modified_date;  // ISO 8601 UTC, set by the store
};

// One {name, operator, value} server-side filter of a role (DreamFactory shape).
// `value` may be a lookup such as "{user.email}".
struct RoleFilter {
  std::string name, op, value;
};

struct RoleServiceAccess {
  int64_t id = 0;
  std::optional<int64_t> service_id;  // nullopt = all services
  std::string component = "*";        // "*", "_table/*", "_table/sales.orders", "_query", ...
  int verb_mask = 0;
  int requestor_mask = kApiRequestor;
  std::vector<RoleFilter> filters;
  std::string filter_op = "AND";             // AND | OR
  std::vector<std::string> hidden_fields;     // columns never readable nor writable
  std::vector<std::string> read_only_fields;  // readable, never writable
};

struct RoleRecord {
  int64_t id = 0;
  std::string name, description;
  bool is_active = true;
  std::vector<RoleServiceAccess> access;        // role_service_access_by_role_id
  std::map<std::string, std::string> lookups;   // custom {role.x}-style lookups
  std::string created_date, last_modified_date;
};

struct AppRecord {
  int64_t id = 0;
  std::string name, description;
  bool is_active = true;
  std::optional<int64_t> role_id;  // default role of callers using this app's key
  std::string api_key_hash;        // sha256 hex; the key itself is never stored
  std::string api_key_prefix;      // display only
  std::string created_date, last_modified_date;
};

struct UserRecord {
  int64_t id = 0;
  std::string email;  // unique, compared case-insensitively
  std::string name, first_name, last_name;
  std::string password_hash;  // argon2id encoded; never returned by any API
  bool is_active = true;
  bool is_sys_admin = false;
  std::map<std::string, std::string> lookups;  // custom attributes: {user.<key>}
  std::string databricks_token;  // plaintext in memory, sealed at rest; "" = none
  std::optional<int64_t> default_role_id;  // role when no user_to_app_to_role row matches
  std::string last_login_date, created_date, last_modified_date;
};

struct UserAppRole {
  int64_t user_id = 0, app_id = 0, role_id = 0;
};

// df-limits' limit row; period index 0 minute, 1 hour, 2 day, 3 7-day, 4 30-day.
struct LimitRecord {
  int64_t id = 0;
  std::string type = "instance";  // instance, instance.user, instance.each_user, ...
  std::string name, description;
  int64_t rate = 0;  // requests allowed per period
  int period = 0;
  std::optional<int64_t> user_id, role_id, service_id;
  std::string endpoint;  // "" = any; may end in '*'
  std::string verb;      // "" = all verbs
  bool is_active = true;
  std::string created_date, last_modified_date;
};

struct SessionRecord {
  std::string id;  // the JWT's jti
  int64_t user_id = 0;
  int64_t expires_at = 0;  // epoch seconds
  bool revoked = false;
};

struct AuditRecord {
  int64_t id = 0;         // assigned by the store
  std::string time;       // RFC 3339 UTC with milliseconds
  std::string request_id;
  std::string app, user, role, service, resource, verb;
  int status = 0;
  int64_t rows = -1;  // -1 = not a row-returning request
  int64_t bytes = 0;
  double duration_ms = 0;
  std::string operation_id;  // backend operation id, when known
  std::string sql_hash;      // sha256 hex of the statement text, when one ran
  std::string remote_address;
  std::string params_json;  // only when audit.include_params is on; else ""
};

// One write through a node to a service's table (the table write journal).
struct TableWriteRecord {
  int64_t seq = 0;         // assigned by the store, increasing
  std::string service;     // service name
  std::string table_name;  // resolved catalog.schema.table as displayed; "*": unknown tables
  bool is_ddl = false;     // the statement may have changed what tables exist or their schema
  std::string node;        // the writing node's id (its own rows are skipped)
};

struct AuditQuery {
  std::string user, app, service, verb, resource_prefix;
  std::optional<int> status;
  std::string since, until;  // RFC 3339 bounds (inclusive since, exclusive until)
  int64_t limit = 100, offset = 0;
};

}  // namespace lakegate::store
