// Store: apps. Only the API key's hash and display prefix are kept; an app
// without a key stores NULL, so the unique index admits several of those.
#include "store/store.h"
#include "store/store_internal.h"

namespace lakegate::store {
namespace {

constexpr char kColumns[] =
    "id, name, description, is_active, role_id, api_key_hash, api_key_prefix, created_date, "
    "last_modified_date";

Result<std::vector<AppRecord>> decode_apps(const Result<std::vector<DbRow>>& rows) {
  if (!rows) return rows.error();
  std::vector<AppRecord> records;
  records.reserve(rows->size());
  for (const DbRow& row : *rows) {
    RowReader reader(row);
    AppRecord& record = records.emplace_back();
    record.id = reader.integer();
    record.name = reader.text();
    record.description = reader.text();
    record.is_active = reader.flag();
    record.role_id = reader.optional_integer();
    record.api_key_hash = reader.text();
    record.api_key_prefix = reader.text();
    record.created_date = reader.text();
    record.last_modified_date = reader.text();
    if (auto status = reader.status(); !status) return status.error();
  }
  return records;
}

Result<AppRecord> load_app(Database& db, int64_t id) {
  auto records = decode_apps(
      db.query(std::string("SELECT ") + kColumns + " FROM app WHERE id = ?", {integer_param(id)}));
  if (!records) return records.error();
  if (records->empty()) return not_found("app", id);
  return std::move(records->front());
}

// name, description, is_active, role_id, api_key_hash, api_key_prefix.
std::vector<DbValue> app_params(const AppRecord& record) {
  return {record.name,
          record.description,
          flag_param(record.is_active),
          optional_id_param(record.role_id),
          nullable_text_param(record.api_key_hash),
          record.api_key_prefix};
}

}  // namespace

Result<std::vector<AppRecord>> Store::list_apps() {
  std::lock_guard lock(mutex_);
  return decode_apps(db_->query(std::string("SELECT ") + kColumns + " FROM app ORDER BY id"));
}

Result<AppRecord> Store::get_app(int64_t id) {
  std::lock_guard lock(mutex_);
  return load_app(*db_, id);
}

Result<AppRecord> Store::create_app(const AppRecord& record) {
  std::lock_guard lock(mutex_);
  const std::string now = utc_now_iso8601();
  std::vector<DbValue> params = app_params(record);
  params.insert(params.end(), {now, now});
  int64_t id = 0;
  auto written = run_write(*db_, [&]() -> Status {
    auto inserted = returned_id(db_->query(
        "INSERT INTO app (name, description, is_active, role_id, api_key_hash, api_key_prefix, "
        "created_date, last_modified_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        params));
    if (!inserted) return inserted.error();
    id = *inserted;
    return ok_status();
  });
  if (!written) return written.error();
  return load_app(*db_, id);
}

Result<AppRecord> Store::update_app(const AppRecord& record) {
  std::lock_guard lock(mutex_);
  std::vector<DbValue> params = app_params(record);
  params.insert(params.end(), {utc_now_iso8601(), integer_param(record.id)});
  auto written = run_write(*db_, [&]() -> Status {
    auto updated = db_->query(
        "UPDATE app SET name = ?, description = ?, is_active = ?, role_id = ?, api_key_hash = ?, "
        "api_key_prefix = ?, last_modified_date = ? WHERE id = ? RETURNING id",
        params);
    return expect_row(updated, "app", record.id);
  });
  if (!written) return written.error();
  return load_app(*db_, record.id);
}

Status Store::delete_app(int64_t id) {
  std::lock_guard lock(mutex_);
  // Its user_to_app_to_role rows go with it (ON DELETE CASCADE).
  return delete_by_id(*db_, "app", "app", id);
}

}  // namespace lakegate::store
