// The system store: services, roles, apps, users, limits, sessions and the
// audit trail, persisted in SQLite (default) or PostgreSQL (several nodes
// share one). Opening applies the versioned schema migrations (a
// schema_migrations table records each applied version; the same numbered
// steps exist for both dialects). Secrets (service access tokens, users'
// Databricks tokens) are sealed with the SecretBox before they are written
// and opened when read. Every write bumps a change counter so other nodes can
// notice and reload. Thread-safe: one connection behind a mutex.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "crypto/secret_box.h"
#include "store/database.h"
#include "store/records.h"
#include "util/result.h"

namespace lakegate::store {

class Store {
 public:
  // Opens `url` (see open_database) and migrates it to the latest version.
  static Result<std::unique_ptr<Store>> open(const std::string& url, crypto::SecretBox secrets);
  Store(std::unique_ptr<Database> db, crypto::SecretBox secrets);

  // Highest applied migration version.
  Result<int> schema_version();
  // Increases on every write (any node); cheap to poll.
  Result<int64_t> change_counter();

  // Services. Names are unique (kConflict). get_* → kNotFound when absent.
  Result<std::vector<ServiceRecord>> list_services();
  Result<ServiceRecord> get_service(int64_t id);
  Result<ServiceRecord> create_service(const ServiceRecord& record);
  Result<ServiceRecord> update_service(const ServiceRecord& record);  // by id
  Status delete_service(int64_t id);
  // Inserts or replaces the service named record.config.name with source "config".
  Result<ServiceRecord> upsert_config_service(const ServiceRecord& record);

  // Roles with their access rows (replaced as a whole on update).
  Result<std::vector<RoleRecord>> list_roles();
  Result<RoleRecord> get_role(int64_t id);
  Result<RoleRecord> create_role(const RoleRecord& record);
  Result<RoleRecord> update_role(const RoleRecord& record);
  Status delete_role(int64_t id);

  // Apps; api_key_hash is unique.
  Result<std::vector<AppRecord>> list_apps();
  Result<AppRecord> get_app(int64_t id);
  Result<AppRecord> create_app(const AppRecord& record);
  Result<AppRecord> update_app(const AppRecord& record);
  Status delete_app(int64_t id);

  // Users; email unique case-insensitively.
  Result<std::vector<UserRecord>> list_users();
  Result<UserRecord> get_user(int64_t id);
  Result<UserRecord> find_user_by_email(const std::string& email);  // kNotFound
  Result<UserRecord> create_user(const UserRecord& record);
  Result<UserRecord> update_user(const UserRecord& record);
  Status delete_user(int64_t id);
  Status set_last_login(int64_t user_id, const std::string& when);
  // user_to_app_to_role rows of one user, replaced as a whole.
  Result<std::vector<UserAppRole>> list_user_app_roles();
  Status set_user_app_roles(int64_t user_id, const std::vector<UserAppRole>& rows);

  // Limits.
  Result<std::vector<LimitRecord>> list_limits();
  Result<LimitRecord> get_limit(int64_t id);
  Result<LimitRecord> create_limit(const LimitRecord& record);
  Result<LimitRecord> update_limit(const LimitRecord& record);
  Status delete_limit(int64_t id);

  // Sessions (JWT ids). Revoked ids that have not expired yet are what nodes check.
  Status create_session(const SessionRecord& session);
  Status revoke_session(const std::string& id);
  Status revoke_user_sessions(int64_t user_id);
  Result<std::vector<std::string>> revoked_unexpired_sessions(int64_t now_seconds);

  // Audit trail.
  Status append_audit(const std::vector<AuditRecord>& records);
  Result<std::vector<AuditRecord>> query_audit(const AuditQuery& query);

  // The table write journal (not a change of the security state: the change
  // counter stays). Appends each write and keeps the newest `keep` rows.
  Status append_table_writes(const std::vector<TableWriteRecord>& writes, int64_t keep = 10000);
  // Writes after sequence number `after`, oldest first, at most `limit`.
  Result<std::vector<TableWriteRecord>> table_writes_after(int64_t after, int64_t limit = 1000);
  // The newest sequence number (0 when the journal is empty).
  Result<int64_t> last_table_write();

 private:
  std::mutex mutex_;
  std::unique_ptr<Database> db_;
  crypto::SecretBox secrets_;
};

}  // namespace lakegate::store
