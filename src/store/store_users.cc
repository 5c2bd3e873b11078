// Store: users and their per-app roles. Emails are stored lower-cased, so the
// unique index and lookups are case-insensitive; the Databricks token is
// sealed in databricks_token_sealed.
#include "store/store.h"
#include "store/store_internal.h"
#include "store/store_json.h"
#include "util/ascii.h"

namespace lakegate::store {
namespace {

constexpr char kColumns[] =
    "id, email, name, first_name, last_name, password_hash, is_active, is_sys_admin, "
    "lookups_json, databricks_token_sealed, default_role_id, last_login_date, created_date, "
    "last_modified_date";

Result<std::vector<UserRecord>> decode_users(const Result<std::vector<DbRow>>& rows,
                                             const crypto::SecretBox& secrets) {
  if (!rows) return rows.error();
  std::vector<UserRecord> records;
  records.reserve(rows->size());
  for (const DbRow& row : *rows) {
    RowReader reader(row);
    UserRecord& record = records.emplace_back();
    record.id = reader.integer();
    record.email = reader.text();
    record.name = reader.text();
    record.first_name = reader.text();
    record.last_name = reader.text();
    record.password_hash = reader.text();
    record.is_active = reader.flag();
    record.is_sys_admin = reader.flag();
    const std::string lookups = reader.text();
    const std::string sealed_token = reader.text();
    record.default_role_id = reader.optional_integer();
    record.last_login_date = reader.text();
    record.created_date = reader.text();
    record.last_modified_date = reader.text();
    if (auto status = reader.status(); !status) return status.error();
    auto parsed = parse_string_map_json(lookups);
    if (!parsed) return parsed.error();
    record.lookups = std::move(*parsed);
    auto token =
        open_secret(secrets, sealed_token, "Databricks token of user " + std::to_string(record.id));
    if (!token) return token.error();
    record.databricks_token = std::move(*token);
  }
  return records;
}

Result<UserRecord> load_user(Database& db, const crypto::SecretBox& secrets, int64_t id) {
  auto records = decode_users(
      db.query(std::string("SELECT ") + kColumns + " FROM users WHERE id = ?", {integer_param(id)}),
      secrets);
  if (!records) return records.error();
  if (records->empty()) return not_found("user", id);
  return std::move(records->front());
}

// email, name, first_name, last_name, password_hash, is_active, is_sys_admin,
// lookups_json, databricks_token_sealed, default_role_id.
std::vector<DbValue> user_params(const UserRecord& record, const crypto::SecretBox& secrets) {
  return {util::ascii_lower(record.email),
          record.name,
          record.first_name,
          record.last_name,
          record.password_hash,
          flag_param(record.is_active),
          flag_param(record.is_sys_admin),
          string_map_json(record.lookups),
          secrets.seal(record.databricks_token),
          optional_id_param(record.default_role_id)};
}

}  // namespace

Result<std::vector<UserRecord>> Store::list_users() {
  std::lock_guard lock(mutex_);
  return decode_users(db_->query(std::string("SELECT ") + kColumns + " FROM users ORDER BY id"),
                      secrets_);
}

Result<UserRecord> Store::get_user(int64_t id) {
  std::lock_guard lock(mutex_);
  return load_user(*db_, secrets_, id);
}

Result<UserRecord> Store::find_user_by_email(const std::string& email) {
  std::lock_guard lock(mutex_);
  auto records =
      decode_users(db_->query(std::string("SELECT ") + kColumns + " FROM users WHERE email = ?",
                              {util::ascii_lower(email)}),
                   secrets_);
  if (!records) return records.error();
  if (records->empty()) return Error(ErrorCode::kNotFound, "no user with that email");
  return std::move(records->front());
}

Result<UserRecord> Store::create_user(const UserRecord& record) {
  std::lock_guard lock(mutex_);
  const std::string now = utc_now_iso8601();
  std::vector<DbValue> params = user_params(record, secrets_);
  params.insert(params.end(), {record.last_login_date, now, now});
  int64_t id = 0;
  auto written = run_write(*db_, [&]() -> Status {
    auto inserted = returned_id(db_->query(
        "INSERT INTO users (email, name, first_name, last_name, password_hash, is_active, "
        "is_sys_admin, lookups_json, databricks_token_sealed, default_role_id, last_login_date, "
        "created_date, last_modified_date) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        params));
    if (!inserted) return inserted.error();
    id = *inserted;
    return ok_status();
  });
  if (!written) return written.error();
  return load_user(*db_, secrets_, id);
}

Result<UserRecord> Store::update_user(const UserRecord& record) {
  std::lock_guard lock(mutex_);
  std::vector<DbValue> params = user_params(record, secrets_);
  params.insert(params.end(), {utc_now_iso8601(), integer_param(record.id)});
  auto written = run_write(*db_, [&]() -> Status {
    return expect_row(
        db_->query("UPDATE users SET email = ?, name = ?, first_name = ?, last_name = ?, "
                   "password_hash = ?, is_active = ?, is_sys_admin = ?, lookups_json = ?, "
                   "databricks_token_sealed = ?, default_role_id = ?, last_modified_date = ? "
                   "WHERE id = ? RETURNING id",
                   params),
        "user", record.id);
  });
  if (!written) return written.error();
  return load_user(*db_, secrets_, record.id);
}

Status Store::delete_user(int64_t id) {
  std::lock_guard lock(mutex_);
  // Its user_to_app_to_role rows, sessions and limits go with it (ON DELETE CASCADE).
  return delete_by_id(*db_, "users", "user", id);
}

Status Store::set_last_login(int64_t user_id, const std::string& when) {
  std::lock_guard lock(mutex_);
  return run_write(*db_, [&] {
    return expect_row(db_->query("UPDATE users SET last_login_date = ? WHERE id = ? RETURNING id",
                                 {when, integer_param(user_id)}),
                      "user", user_id);
  });
}

Result<std::vector<UserAppRole>> Store::list_user_app_roles() {
  std::lock_guard lock(mutex_);
  auto rows = db_->query(
      "SELECT user_id, app_id, role_id FROM user_to_app_to_role ORDER BY user_id, app_id");
  if (!rows) return rows.error();
  std::vector<UserAppRole> result;
  result.reserve(rows->size());
  for (const DbRow& row : *rows) {
    RowReader reader(row);
    UserAppRole& entry = result.emplace_back();
    entry.user_id = reader.integer();
    entry.app_id = reader.integer();
    entry.role_id = reader.integer();
    if (auto status = reader.status(); !status) return status.error();
  }
  return result;
}

Status Store::set_user_app_roles(int64_t user_id, const std::vector<UserAppRole>& rows) {
  for (const UserAppRole& row : rows) {
    if (row.user_id != 0 && row.user_id != user_id) {
      return Error(ErrorCode::kBadRequest, "user_to_app_to_role row names another user");
    }
  }
  std::lock_guard lock(mutex_);
  return run_write(*db_, [&]() -> Status {
    auto user = db_->query("SELECT id FROM users WHERE id = ?", {integer_param(user_id)});
    if (auto found = expect_row(user, "user", user_id); !found) return found;
    auto cleared =
        db_->query("DELETE FROM user_to_app_to_role WHERE user_id = ?", {integer_param(user_id)});
    if (!cleared) return cleared.error();
    for (const UserAppRole& row : rows) {
      auto inserted = db_->query(
          "INSERT INTO user_to_app_to_role (user_id, app_id, role_id) VALUES (?, ?, ?)",
          {integer_param(user_id), integer_param(row.app_id), integer_param(row.role_id)});
      if (!inserted) return inserted.error();
    }
    return ok_status();
  });
}

}  // namespace lakegate::store
