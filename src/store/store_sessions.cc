// Store: sessions, one row per issued JWT (its jti). Nodes poll the revoked
// ones that have not expired yet.
#include "store/store.h"
#include "store/store_internal.h"

namespace lakegate::store {

Status Store::create_session(const SessionRecord& session) {
  std::lock_guard lock(mutex_);
  return run_write(*db_, [&]() -> Status {
    auto inserted =
        db_->query("INSERT INTO session (id, user_id, expires_at, revoked) VALUES (?, ?, ?, ?)",
                   {session.id, integer_param(session.user_id), integer_param(session.expires_at),
                    flag_param(session.revoked)});
    if (!inserted) return inserted.error();
    return ok_status();
  });
}

Status Store::revoke_session(const std::string& id) {
  std::lock_guard lock(mutex_);
  return run_write(*db_, [&]() -> Status {
    auto updated = db_->query("UPDATE session SET revoked = TRUE WHERE id = ? RETURNING id", {id});
    if (!updated) return updated.error();
    if (updated->empty()) return Error(ErrorCode::kNotFound, "session not found");
    return ok_status();
  });
}

Status Store::revoke_user_sessions(int64_t user_id) {
  std::lock_guard lock(mutex_);
  return run_write(*db_, [&]() -> Status {
    auto updated =
        db_->query("UPDATE session SET revoked = TRUE WHERE user_id = ?", {integer_param(user_id)});
    if (!updated) return updated.error();
    return ok_status();
  });
}

Result<std::vector<std::string>> Store::revoked_unexpired_sessions(int64_t now_seconds) {
  std::lock_guard lock(mutex_);
  auto rows =
      db_->query("SELECT id FROM session WHERE revoked = TRUE AND expires_at > ? ORDER BY id",
                 {integer_param(now_seconds)});
  if (!rows) return rows.error();
  std::vector<std::string> ids;
  ids.reserve(rows->size());
  for (const DbRow& row : *rows) {
    RowReader reader(row);
    ids.push_back(reader.text());
  }
  return ids;
}

}  // namespace lakegate::store
