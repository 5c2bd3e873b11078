// Store: opening, the schema version and the change counter. The records
// live in store_services.cc, store_roles.cc, store_apps.cc, store_users.cc,
// store_limits.cc, store_sessions.cc and store_audit.cc.
#include "store/store.h"

#include "store/migrations.h"
#include "store/store_internal.h"

namespace lakegate::store {

Result<std::unique_ptr<Store>> Store::open(const std::string& url, crypto::SecretBox secrets) {
  auto db = open_database(url);
  if (!db) return db.error();
  if (auto migrated = migrate(**db); !migrated) return migrated.error();
  return std::make_unique<Store>(std::move(*db), std::move(secrets));
}

Store::Store(std::unique_ptr<Database> db, crypto::SecretBox secrets)
    : db_(std::move(db)), secrets_(std::move(secrets)) {}

Result<int> Store::schema_version() {
  std::lock_guard lock(mutex_);
  return applied_schema_version(*db_);
}

Result<int64_t> Store::change_counter() {
  std::lock_guard lock(mutex_);
  auto rows = db_->query("SELECT value FROM change_counter WHERE id = 1");
  if (!rows) return rows.error();
  if (rows->empty()) return corrupt("change_counter (no row)");
  RowReader reader(rows->front());
  const int64_t value = reader.integer();
  if (auto status = reader.status(); !status) return status.error();
  return value;
}

}  // namespace lakegate::store
