// Store: df-limits' limit rows.
#include "store/store.h"
#include "store/store_internal.h"

namespace lakegate::store {
namespace {

constexpr char kColumns[] =
    "id, type, name, description, rate, period, user_id, role_id, service_id, endpoint, verb, "
    "is_active, created_date, last_modified_date";

Result<std::vector<LimitRecord>> decode_limits(const Result<std::vector<DbRow>>& rows) {
  if (!rows) return rows.error();
  std::vector<LimitRecord> records;
  records.reserve(rows->size());
  for (const DbRow& row : *rows) {
    RowReader reader(row);
    LimitRecord& record = records.emplace_back();
    record.id = reader.integer();
    record.type = reader.text();
    record.name = reader.text();
    record.description = reader.text();
    record.rate = reader.integer();
    record.period = static_cast<int>(reader.integer());
    record.user_id = reader.optional_integer();
    record.role_id = reader.optional_integer();
    record.service_id = reader.optional_integer();
    record.endpoint = reader.text();
    record.verb = reader.text();
    record.is_active = reader.flag();
    record.created_date = reader.text();
    record.last_modified_date = reader.text();
    if (auto status = reader.status(); !status) return status.error();
  }
  return records;
}

Result<LimitRecord> load_limit(Database& db, int64_t id) {
  auto records = decode_limits(db.query(
      std::string("SELECT ") + kColumns + " FROM limits WHERE id = ?", {integer_param(id)}));
  if (!records) return records.error();
  if (records->empty()) return not_found("limit", id);
  return std::move(records->front());
}

// type, name, description, rate, period, user_id, role_id, service_id, endpoint, verb, is_active.
std::vector<DbValue> limit_params(const LimitRecord& record) {
  return {record.type,
          record.name,
          record.description,
          integer_param(record.rate),
          integer_param(record.period),
          optional_id_param(record.user_id),
          optional_id_param(record.role_id),
          optional_id_param(record.service_id),
          record.endpoint,
          record.verb,
          flag_param(record.is_active)};
}

}  // namespace

Result<std::vector<LimitRecord>> Store::list_limits() {
  std::lock_guard lock(mutex_);
  return decode_limits(db_->query(std::string("SELECT ") + kColumns + " FROM limits ORDER BY id"));
}

Result<LimitRecord> Store::get_limit(int64_t id) {
  std::lock_guard lock(mutex_);
  return load_limit(*db_, id);
}

Result<LimitRecord> Store::create_limit(const LimitRecord& record) {
  std::lock_guard lock(mutex_);
  const std::string now = utc_now_iso8601();
  std::vector<DbValue> params = limit_params(record);
  params.insert(params.end(), {now, now});
  int64_t id = 0;
  auto written = run_write(*db_, [&]() -> Status {
    auto inserted = returned_id(
        db_->query("INSERT INTO limits (type, name, description, rate, period, user_id, role_id, "
                   "service_id, endpoint, verb, is_active, created_date, last_modified_date) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                   params));
    if (!inserted) return inserted.error();
    id = *inserted;
    return ok_status();
  });
  if (!written) return written.error();
  return load_limit(*db_, id);
}

Result<LimitRecord> Store::update_limit(const LimitRecord& record) {
  std::lock_guard lock(mutex_);
  std::vector<DbValue> params = limit_params(record);
  params.insert(params.end(), {utc_now_iso8601(), integer_param(record.id)});
  auto written = run_write(*db_, [&]() -> Status {
    return expect_row(
        db_->query("UPDATE limits SET type = ?, name = ?, description = ?, rate = ?, period = ?, "
                   "user_id = ?, role_id = ?, service_id = ?, endpoint = ?, verb = ?, "
                   "is_active = ?, last_modified_date = ? WHERE id = ? RETURNING id",
                   params),
        "limit", record.id);
  });
  if (!written) return written.error();
  return load_limit(*db_, record.id);
}

Status Store::delete_limit(int64_t id) {
  std::lock_guard lock(mutex_);
  return delete_by_id(*db_, "limits", "limit", id);
}

}  // namespace lakegate::store
