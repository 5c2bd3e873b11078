#include "store/migrations.h"

#include <charconv>
#include <string>
#include <string_view>
#include <utility>

#include "store/store_internal.h"
#include "store/transaction.h"

namespace lakegate::store {
namespace {

// Any constant works, as long as every lakegate uses the same one ("lakegate" in ASCII).
constexpr char kAdvisoryLock[] = "SELECT pg_advisory_xact_lock(7809645257489478757)";

constexpr char kCreateMigrationsTable[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)";

// Each step is written once, for both dialects: the few column types that
// differ are tokens that dialect_sql() replaces.
//   {id}             INTEGER PRIMARY KEY AUTOINCREMENT | BIGSERIAL PRIMARY KEY
//   {int64}          INTEGER (SQLite integers are 64-bit) | BIGINT
//   {flag_true}      INTEGER NOT NULL DEFAULT 1 | BOOLEAN NOT NULL DEFAULT TRUE
//   {flag_false}     INTEGER NOT NULL DEFAULT 0 | BOOLEAN NOT NULL DEFAULT FALSE
//   {real}           REAL | DOUBLE PRECISION
//   {sortable_text}  TEXT | TEXT COLLATE "C" (byte order, so RFC 3339 times sort)
std::string dialect_sql(std::string_view text, bool postgresql) {
  struct Token {
    std::string_view name, sqlite, postgresql;
  };
  static constexpr Token kDialectTokens[] = {
      {"{id}", "INTEGER PRIMARY KEY AUTOINCREMENT", "BIGSERIAL PRIMARY KEY"},
      {"{int64}", "INTEGER", "BIGINT"},
      {"{flag_true}", "INTEGER NOT NULL DEFAULT 1", "BOOLEAN NOT NULL DEFAULT TRUE"},
      {"{flag_false}", "INTEGER NOT NULL DEFAULT 0", "BOOLEAN NOT NULL DEFAULT FALSE"},
      {"{real}", "REAL", "DOUBLE PRECISION"},
      {"{sortable_text}", "TEXT", "TEXT COLLATE \"C\""},
  };
  std::string out;
  size_t position = 0;
  while (position < text.size()) {
    const size_t open = text.find('{', position);
    if (open == std::string_view::npos) break;
    out.append(text, position, open - position);
    const Token* match = nullptr;
    for (const Token& token : kDialectTokens) {
      if (text.substr(open, token.name.size()) == token.name) match = &token;
    }
    if (match == nullptr) {
      out.push_back('{');
      position = open + 1;
      continue;
    }
    out.append(postgresql ? match->postgresql : match->sqlite);
    position = open + match->name.size();
  }
  out.append(text, position, std::string_view::npos);
  return out;
}

// ---- 1: change counter and services ----------------------------------------
constexpr char kServices[] = R"sql(
CREATE TABLE change_counter (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  value {int64} NOT NULL
);
INSERT INTO change_counter (id, value) VALUES (1, 0);
CREATE TABLE service (
  id {id},
  name TEXT NOT NULL UNIQUE,
  label TEXT NOT NULL DEFAULT '',
  type TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  is_active {flag_true},
  source TEXT NOT NULL DEFAULT 'api',
  config_json TEXT NOT NULL DEFAULT '{}',
  access_token_sealed TEXT NOT NULL DEFAULT '',
  created_date TEXT NOT NULL,
  last_modified_date TEXT NOT NULL
);
)sql";

// ---- 2: roles and their service access rows ---------------------------------
constexpr char kRoles[] = R"sql(
CREATE TABLE role (
  id {id},
  name TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  is_active {flag_true},
  lookups_json TEXT NOT NULL DEFAULT '{}',
  created_date TEXT NOT NULL,
  last_modified_date TEXT NOT NULL
);
CREATE TABLE role_service_access (
  id {id},
  role_id {int64} NOT NULL REFERENCES role (id) ON DELETE CASCADE,
  service_id {int64} REFERENCES service (id) ON DELETE CASCADE,
  component TEXT NOT NULL DEFAULT '*',
  verb_mask INTEGER NOT NULL DEFAULT 0,
  requestor_mask INTEGER NOT NULL DEFAULT 1,
  filters_json TEXT NOT NULL DEFAULT '[]',
  filter_op TEXT NOT NULL DEFAULT 'AND',
  hidden_fields_json TEXT NOT NULL DEFAULT '[]',
  read_only_fields_json TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX role_service_access_role_id ON role_service_access (role_id);
CREATE INDEX role_service_access_service_id ON role_service_access (service_id);
)sql";

// ---- 3: apps, users and per-app user roles ----------------------------------
// api_key_hash is NULL for an app without a key, so several may lack one.
constexpr char kAppsUsers[] = R"sql(
CREATE TABLE app (
  id {id},
  name TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  is_active {flag_true},
  role_id {int64} REFERENCES role (id) ON DELETE SET NULL,
  api_key_hash TEXT UNIQUE,
  api_key_prefix TEXT NOT NULL DEFAULT '',
  created_date TEXT NOT NULL,
  last_modified_date TEXT NOT NULL
);
CREATE TABLE users (
  id {id},
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL DEFAULT '',
  first_name TEXT NOT NULL DEFAULT '',
  last_name TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL DEFAULT '',
  is_active {flag_true},
  is_sys_admin {flag_false},
  lookups_json TEXT NOT NULL DEFAULT '{}',
  databricks_token_sealed TEXT NOT NULL DEFAULT '',
  default_role_id {int64} REFERENCES role (id) ON DELETE SET NULL,
  last_login_date TEXT NOT NULL DEFAULT '',
  created_date TEXT NOT NULL,
  last_modified_date TEXT NOT NULL
);
CREATE TABLE user_to_app_to_role (
  id {id},
  user_id {int64} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  app_id {int64} NOT NULL REFERENCES app (id) ON DELETE CASCADE,
  role_id {int64} NOT NULL REFERENCES role (id) ON DELETE CASCADE,
  UNIQUE (user_id, app_id)
);
CREATE INDEX user_to_app_to_role_app_id ON user_to_app_to_role (app_id);
CREATE INDEX user_to_app_to_role_role_id ON user_to_app_to_role (role_id);
)sql";

// ---- 4: limits --------------------------------------------------------------
constexpr char kLimits[] = R"sql(
CREATE TABLE limits (
  id {id},
  type TEXT NOT NULL DEFAULT 'instance',
  name TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  rate {int64} NOT NULL DEFAULT 0,
  period INTEGER NOT NULL DEFAULT 0,
  user_id {int64} REFERENCES users (id) ON DELETE CASCADE,
  role_id {int64} REFERENCES role (id) ON DELETE CASCADE,
  service_id {int64} REFERENCES service (id) ON DELETE CASCADE,
  endpoint TEXT NOT NULL DEFAULT '',
  verb TEXT NOT NULL DEFAULT '',
  is_active {flag_true},
  created_date TEXT NOT NULL,
  last_modified_date TEXT NOT NULL
);
)sql";

// ---- 5: sessions ------------------------------------------------------------
constexpr char kSessions[] = R"sql(
CREATE TABLE session (
  id TEXT PRIMARY KEY,
  user_id {int64} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  expires_at {int64} NOT NULL,
  revoked {flag_false}
);
CREATE INDEX session_user_id ON session (user_id);
CREATE INDEX session_revoked_expires_at ON session (revoked, expires_at);
)sql";

// ---- 6: audit trail ---------------------------------------------------------
// event_time is RFC 3339 text compared byte-wise (COLLATE "C" on PostgreSQL,
// SQLite's default BINARY), so range filters and ordering follow time.
constexpr char kAudit[] = R"sql(
CREATE TABLE audit (
  id {id},
  event_time {sortable_text} NOT NULL,
  request_id TEXT NOT NULL DEFAULT '',
  app TEXT NOT NULL DEFAULT '',
  user_name TEXT NOT NULL DEFAULT '',
  role TEXT NOT NULL DEFAULT '',
  service TEXT NOT NULL DEFAULT '',
  resource TEXT NOT NULL DEFAULT '',
  verb TEXT NOT NULL DEFAULT '',
  status INTEGER NOT NULL DEFAULT 0,
  row_count {int64} NOT NULL DEFAULT -1,
  byte_count {int64} NOT NULL DEFAULT 0,
  duration_ms {real} NOT NULL DEFAULT 0,
  operation_id TEXT NOT NULL DEFAULT '',
  sql_hash TEXT NOT NULL DEFAULT '',
  remote_address TEXT NOT NULL DEFAULT '',
  params_json TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_event_time ON audit (event_time);
)sql";

// ---- 7: the table write journal ---------------------------------------------
// One row per write through any node to a table of a service (table_name
// "*" when the tables written are not known: SQL of a full grant, DDL), so
// other nodes drop what they cached about it. Pruned to the newest rows.
constexpr char kTableWrites[] = R"sql(
CREATE TABLE table_write (
  seq {id},
  service TEXT NOT NULL,
  table_name TEXT NOT NULL,
  is_ddl {flag_false},
  node TEXT NOT NULL DEFAULT ''
);
)sql";

}  // namespace

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> kSteps = [] {
    const std::pair<std::string_view, std::string_view> steps[] = {
        {"change counter and services", kServices},
        {"roles and role_service_access", kRoles},
        {"apps, users and user_to_app_to_role", kAppsUsers},
        {"limits", kLimits},
        {"sessions", kSessions},
        {"audit trail", kAudit},
        {"table write journal", kTableWrites},
    };
    std::vector<Migration> list;
    int version = 0;
    for (const auto& [summary, text] : steps) {
      list.push_back({++version, summary, dialect_sql(text, false), dialect_sql(text, true)});
    }
    return list;
  }();
  return kSteps;
}

Result<int> applied_schema_version(Database& db) {
  auto rows = db.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!rows) return rows.error();
  int version = 0;
  const DbValue& cell = rows->empty() || rows->front().empty() ? DbValue() : rows->front()[0];
  if (!cell ||
      std::from_chars(cell->data(), cell->data() + cell->size(), version).ec != std::errc()) {
    return Error(ErrorCode::kStore, "schema_migrations holds a malformed version");
  }
  return version;
}

Status migrate(Database& db) {
  const bool postgresql = db.dialect() == "postgresql";
  return run_transaction(db, [&]() -> Status {
    if (postgresql) {
      if (auto locked = db.query(kAdvisoryLock); !locked) return locked.error();
    }
    if (auto created = db.query(kCreateMigrationsTable); !created) return created.error();
    auto applied = applied_schema_version(db);
    if (!applied) return applied.error();
    const int latest = migrations().back().version;
    if (*applied > latest) {
      return Error(ErrorCode::kStore, "the store's schema version " + std::to_string(*applied) +
                                          " is newer than this lakegate's (" +
                                          std::to_string(latest) + "); upgrade lakegate");
    }
    for (const Migration& step : migrations()) {
      if (step.version <= *applied) continue;
      if (auto done = db.execute_script(postgresql ? step.postgresql_sql : step.sqlite_sql);
          !done) {
        return Error(ErrorCode::kStore, "migration " + std::to_string(step.version) + " (" +
                                            std::string(step.summary) +
                                            ") failed: " + done.error().message);
      }
      if (auto recorded =
              db.query("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                       {std::to_string(step.version), utc_now_iso8601()});
          !recorded) {
        return recorded.error();
      }
    }
    return ok_status();
  });
}

}  // namespace lakegate::store
