#include "store/migrations.h"

#include <charconv>
#include <string>

#include "store/store_internal.h"
#include "store/transaction.h"

namespace lakegate::store {
namespace {

// Any constant works, as long as every lakegate uses the same one ("lakegate" in ASCII).
constexpr char kAdvisoryLock[] = "SELECT pg_advisory_xact_lock(7809645257489478757)";

constexpr char kCreateMigrationsTable[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)";

// ---- 1: change counter and services ----------------------------------------
constexpr char kServicesSqlite[] = R"sql(
CREATE TABLE change_counter (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  value INTEGER NOT NULL
);
INSERT INTO change_counter (id, value) VALUES (1, 0);
CREATE TABLE service (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  label TEXT NOT NULL DEFAULT '',
  type TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  is_active INTEGER NOT NULL DEFAULT 1,
  source TEXT NOT NULL DEFAULT 'api',
  config_json TEXT NOT NULL DEFAULT '{}',
  access_token_sealed TEXT NOT NULL DEFAULT '',
  created_date TEXT NOT NULL,
  last_modified_date TEXT NOT NULL
);
)sql";
constexpr char kServicesPostgresql[] = R"sql(
CREATE TABLE change_counter (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  value BIGINT NOT NULL
);
INSERT INTO change_counter (id, value) VALUES (1, 0);
CREATE TABLE service (
  id BIGSERIAL PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  label TEXT NOT NULL DEFAULT '',
  type TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  is_active BOOLEAN NOT NULL DEFAULT TRUE,
  source TEXT NOT NULL DEFAULT 'api',
  config_json TEXT NOT NULL DEFAULT '{}',
  access_token_sealed TEXT NOT NULL DEFAULT '',
  created_date TEXT NOT NULL,
  last_modified_date TEXT NOT NULL
);
)sql";

// ---- 2: roles and their service access rows ---------------------------------
constexpr char kRolesSqlite[] = R"sql(
CREATE TABLE role (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  is_active INTEGER NOT NULL DEFAULT 1,
  lookups_json TEXT NOT NULL DEFAULT '{}',
  created_date TEXT NOT NULL,
  last_modified_date TEXT NOT NULL
);
CREATE TABLE role_service_access (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  role_id INTEGER NOT NULL REFERENCES role (id) ON DELETE CASCADE,
  service_id INTEGER REFERENCES service (id) ON DELETE CASCADE,
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
constexpr char kRolesPostgresql[] = R"sql(
CREATE TABLE role (
  id BIGSERIAL PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  is_active BOOLEAN NOT NULL DEFAULT TRUE,
  lookups_json TEXT NOT NULL DEFAULT '{}',
  created_date TEXT NOT NULL,
  last_modified_date TEXT NOT NULL
);
CREATE TABLE role_service_access (
  id BIGSERIAL PRIMARY KEY,
  role_id BIGINT NOT NULL REFERENCES role (id) ON DELETE CASCADE,
  service_id BIGINT REFERENCES service (id) ON DELETE CASCADE,
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
constexpr char kAppsUsersSqlite[] = R"sql(
CREATE TABLE app (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  is_active INTEGER NOT NULL DEFAULT 1,
  role_id INTEGER REFERENCES role (id) ON DELETE SET NULL,
  api_key_hash TEXT UNIQUE,
  api_key_prefix TEXT NOT NULL DEFAULT '',
  created_date TEXT NOT NULL,
  last_modified_date TEXT NOT NULL
);
CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL DEFAULT '',
  first_name TEXT NOT NULL DEFAULT '',
  last_name TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL DEFAULT '',
  is_active INTEGER NOT NULL DEFAULT 1,
  is_sys_admin INTEGER NOT NULL DEFAULT 0,
  lookups_json TEXT NOT NULL DEFAULT '{}',
  databricks_token_sealed TEXT NOT NULL DEFAULT '',
  default_role_id INTEGER REFERENCES role (id) ON DELETE SET NULL,
  last_login_date TEXT NOT NULL DEFAULT '',
  created_date TEXT NOT NULL,
  last_modified_date TEXT NOT NULL
);
CREATE TABLE user_to_app_to_role (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  app_id INTEGER NOT NULL REFERENCES app (id) ON DELETE CASCADE,
  role_id INTEGER NOT NULL REFERENCES role (id) ON DELETE CASCADE,
  UNIQUE (user_id, app_id)
);
CREATE INDEX user_to_app_to_role_app_id ON user_to_app_to_role (app_id);
CREATE INDEX user_to_app_to_role_role_id ON user_to_app_to_role (role_id);
)sql";
constexpr char kAppsUsersPostgresql[] = R"sql(
CREATE TABLE app (
  id BIGSERIAL PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  is_active BOOLEAN NOT NULL DEFAULT TRUE,
  role_id BIGINT REFERENCES role (id) ON DELETE SET NULL,
  api_key_hash TEXT UNIQUE,
  api_key_prefix TEXT NOT NULL DEFAULT '',
  created_date TEXT NOT NULL,
  last_modified_date TEXT NOT NULL
);
CREATE TABLE users (
  id BIGSERIAL PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL DEFAULT '',
  first_name TEXT NOT NULL DEFAULT '',
  last_name TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL DEFAULT '',
  is_active BOOLEAN NOT NULL DEFAULT TRUE,
  is_sys_admin BOOLEAN NOT NULL DEFAULT FALSE,
  lookups_json TEXT NOT NULL DEFAULT '{}',
  databricks_token_sealed TEXT NOT NULL DEFAULT '',
  default_role_id BIGINT REFERENCES role (id) ON DELETE SET NULL,
  last_login_date TEXT NOT NULL DEFAULT '',
  created_date TEXT NOT NULL,
  last_modified_date TEXT NOT NULL
);
CREATE TABLE user_to_app_to_role (
  id BIGSERIAL PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  app_id BIGINT NOT NULL REFERENCES app (id) ON DELETE CASCADE,
  role_id BIGINT NOT NULL REFERENCES role (id) ON DELETE CASCADE,
  UNIQUE (user_id, app_id)
);
CREATE INDEX user_to_app_to_role_app_id ON user_to_app_to_role (app_id);
CREATE INDEX user_to_app_to_role_role_id ON user_to_app_to_role (role_id);
)sql";

// ---- 4: limits --------------------------------------------------------------
constexpr char kLimitsSqlite[] = R"sql(
CREATE TABLE limits (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  type TEXT NOT NULL DEFAULT 'instance',
  name TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  rate INTEGER NOT NULL DEFAULT 0,
  period INTEGER NOT NULL DEFAULT 0,
  user_id INTEGER REFERENCES users (id) ON DELETE CASCADE,
  role_id INTEGER REFERENCES role (id) ON DELETE CASCADE,
  service_id INTEGER REFERENCES service (id) ON DELETE CASCADE,
  endpoint TEXT NOT NULL DEFAULT '',
  verb TEXT NOT NULL DEFAULT '',
  is_active INTEGER NOT NULL DEFAULT 1,
  created_date TEXT NOT NULL,
  last_modified_date TEXT NOT NULL
);
)sql";
constexpr char kLimitsPostgresql[] = R"sql(
CREATE TABLE limits (
  id BIGSERIAL PRIMARY KEY,
  type TEXT NOT NULL DEFAULT 'instance',
  name TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  rate BIGINT NOT NULL DEFAULT 0,
  period INTEGER NOT NULL DEFAULT 0,
  user_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
  role_id BIGINT REFERENCES role (id) ON DELETE CASCADE,
  service_id BIGINT REFERENCES service (id) ON DELETE CASCADE,
  endpoint TEXT NOT NULL DEFAULT '',
  verb TEXT NOT NULL DEFAULT '',
  is_active BOOLEAN NOT NULL DEFAULT TRUE,
  created_date TEXT NOT NULL,
  last_modified_date TEXT NOT NULL
);
)sql";

// ---- 5: sessions ------------------------------------------------------------
constexpr char kSessionsSqlite[] = R"sql(
CREATE TABLE session (
  id TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  expires_at INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX session_user_id ON session (user_id);
CREATE INDEX session_revoked_expires_at ON session (revoked, expires_at);
)sql";
constexpr char kSessionsPostgresql[] = R"sql(
CREATE TABLE session (
  id TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  expires_at BIGINT NOT NULL,
  revoked BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX session_user_id ON session (user_id);
CREATE INDEX session_revoked_expires_at ON session (revoked, expires_at);
)sql";

// ---- 6: audit trail ---------------------------------------------------------
// event_time is RFC 3339 text compared byte-wise (COLLATE "C" on PostgreSQL,
// SQLite's default BINARY), so range filters and ordering follow time.
constexpr char kAuditSqlite[] = R"sql(
CREATE TABLE audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  event_time TEXT NOT NULL,
  request_id TEXT NOT NULL DEFAULT '',
  app TEXT NOT NULL DEFAULT '',
  user_name TEXT NOT NULL DEFAULT '',
  role TEXT NOT NULL DEFAULT '',
  service TEXT NOT NULL DEFAULT '',
  resource TEXT NOT NULL DEFAULT '',
  verb TEXT NOT NULL DEFAULT '',
  status INTEGER NOT NULL DEFAULT 0,
  row_count INTEGER NOT NULL DEFAULT -1,
  byte_count INTEGER NOT NULL DEFAULT 0,
  duration_ms REAL NOT NULL DEFAULT 0,
  operation_id TEXT NOT NULL DEFAULT '',
  sql_hash TEXT NOT NULL DEFAULT '',
  remote_address TEXT NOT NULL DEFAULT '',
  params_json TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_event_time ON audit (event_time);
)sql";
constexpr char kAuditPostgresql[] = R"sql(
CREATE TABLE audit (
  id BIGSERIAL PRIMARY KEY,
  event_time TEXT COLLATE "C" NOT NULL,
  request_id TEXT NOT NULL DEFAULT '',
  app TEXT NOT NULL DEFAULT '',
  user_name TEXT NOT NULL DEFAULT '',
  role TEXT NOT NULL DEFAULT '',
  service TEXT NOT NULL DEFAULT '',
  resource TEXT NOT NULL DEFAULT '',
  verb TEXT NOT NULL DEFAULT '',
  status INTEGER NOT NULL DEFAULT 0,
  row_count BIGINT NOT NULL DEFAULT -1,
  byte_count BIGINT NOT NULL DEFAULT 0,
  duration_ms DOUBLE PRECISION NOT NULL DEFAULT 0,
  operation_id TEXT NOT NULL DEFAULT '',
  sql_hash TEXT NOT NULL DEFAULT '',
  remote_address TEXT NOT NULL DEFAULT '',
  params_json TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_event_time ON audit (event_time);
)sql";

}  // namespace

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> kSteps = {
      {1, "change counter and services", kServicesSqlite, kServicesPostgresql},
      {2, "roles and role_service_access", kRolesSqlite, kRolesPostgresql},
      {3, "apps, users and user_to_app_to_role", kAppsUsersSqlite, kAppsUsersPostgresql},
      {4, "limits", kLimitsSqlite, kLimitsPostgresql},
      {5, "sessions", kSessionsSqlite, kSessionsPostgresql},
      {6, "audit trail", kAuditSqlite, kAuditPostgresql},
  };
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
