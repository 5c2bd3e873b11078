// Store: services. A service's non-secret settings are JSON in config_json;
// its access token is sealed in access_token_sealed.
#include "store/store.h"
#include "store/store_internal.h"
#include "store/store_json.h"

namespace lakegate::store {
namespace {

constexpr char kColumns[] =
    "id, name, label, type, description, is_active, source, config_json, access_token_sealed, "
    "created_date, last_modified_date";

Result<ServiceRecord> decode_service(const DbRow& row, const crypto::SecretBox& secrets) {
  RowReader reader(row);
  ServiceRecord record;
  record.id = reader.integer();
  record.config.name = reader.text();
  record.config.label = reader.text();
  record.config.type = reader.text();
  record.description = reader.text();
  record.is_active = reader.flag();
  record.source = reader.text();
  const std::string settings = reader.text();
  const std::string sealed_token = reader.text();
  record.created_date = reader.text();
  record.last_modified_date = reader.text();
  if (auto status = reader.status(); !status) return status.error();
  if (auto parsed = parse_service_settings_json(settings, record.config); !parsed) {
    return parsed.error();
  }
  auto token =
      open_secret(secrets, sealed_token, "access token of service \"" + record.config.name + "\"");
  if (!token) return token.error();
  record.config.access_token = std::move(*token);
  return record;
}

Result<std::vector<ServiceRecord>> decode_services(const Result<std::vector<DbRow>>& rows,
                                                   const crypto::SecretBox& secrets) {
  if (!rows) return rows.error();
  std::vector<ServiceRecord> records;
  records.reserve(rows->size());
  for (const DbRow& row : *rows) {
    auto record = decode_service(row, secrets);
    if (!record) return record.error();
    records.push_back(std::move(*record));
  }
  return records;
}

Result<ServiceRecord> load_service(Database& db, const crypto::SecretBox& secrets, int64_t id) {
  auto records =
      decode_services(db.query(std::string("SELECT ") + kColumns + " FROM service WHERE id = ?",
                               {integer_param(id)}),
                      secrets);
  if (!records) return records.error();
  if (records->empty()) return not_found("service", id);
  return std::move(records->front());
}

// name, label, type, description, is_active, source, config_json, access_token_sealed.
std::vector<DbValue> service_params(const ServiceRecord& record, const crypto::SecretBox& secrets) {
  return {record.config.name,
          record.config.label,
          record.config.type,
          record.description,
          flag_param(record.is_active),
          record.source,
          service_settings_json(record.config),
          secrets.seal(record.config.access_token)};
}

// True when storing `wanted` as a config service would change nothing in `stored`.
bool same_config_service(const ServiceRecord& stored, const ServiceRecord& wanted) {
  return stored.source == "config" && stored.config == wanted.config &&
         stored.description == wanted.description && stored.is_active == wanted.is_active;
}

}  // namespace

Result<std::vector<ServiceRecord>> Store::list_services() {
  std::lock_guard lock(mutex_);
  return decode_services(
      db_->query(std::string("SELECT ") + kColumns + " FROM service ORDER BY id"), secrets_);
}

Result<ServiceRecord> Store::get_service(int64_t id) {
  std::lock_guard lock(mutex_);
  return load_service(*db_, secrets_, id);
}

Result<ServiceRecord> Store::create_service(const ServiceRecord& record) {
  std::lock_guard lock(mutex_);
  const std::string now = utc_now_iso8601();
  std::vector<DbValue> params = service_params(record, secrets_);
  params.insert(params.end(), {now, now});
  int64_t id = 0;
  auto written = run_write(*db_, [&]() -> Status {
    auto inserted = returned_id(db_->query(
        "INSERT INTO service (name, label, type, description, is_active, source, config_json, "
        "access_token_sealed, created_date, last_modified_date) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        params));
    if (!inserted) return inserted.error();
    id = *inserted;
    return ok_status();
  });
  if (!written) return written.error();
  return load_service(*db_, secrets_, id);
}

Result<ServiceRecord> Store::update_service(const ServiceRecord& record) {
  std::lock_guard lock(mutex_);
  std::vector<DbValue> params = service_params(record, secrets_);
  params.insert(params.end(), {utc_now_iso8601(), integer_param(record.id)});
  auto written = run_write(*db_, [&]() -> Status {
    auto updated = db_->query(
        "UPDATE service SET name = ?, label = ?, type = ?, description = ?, is_active = ?, "
        "source = ?, config_json = ?, access_token_sealed = ?, last_modified_date = ? "
        "WHERE id = ? RETURNING id",
        params);
    return expect_row(updated, "service", record.id);
  });
  if (!written) return written.error();
  return load_service(*db_, secrets_, record.id);
}

Status Store::delete_service(int64_t id) {
  std::lock_guard lock(mutex_);
  // role_service_access and limits rows of the service go with it (ON DELETE CASCADE).
  return delete_by_id(*db_, "service", "service", id);
}

Result<ServiceRecord> Store::upsert_config_service(const ServiceRecord& record) {
  std::lock_guard lock(mutex_);
  // Every node upserts the configured services at start; skipping unchanged
  // ones keeps the change counter (and every other node) quiet.
  auto existing =
      decode_services(db_->query(std::string("SELECT ") + kColumns + " FROM service WHERE name = ?",
                                 {record.config.name}),
                      secrets_);
  if (existing && !existing->empty() && same_config_service(existing->front(), record)) {
    return std::move(existing->front());
  }
  ServiceRecord wanted = record;
  wanted.source = "config";
  const std::string now = utc_now_iso8601();
  std::vector<DbValue> params = service_params(wanted, secrets_);
  params.insert(params.end(), {now, now});
  int64_t id = 0;
  auto written = run_write(*db_, [&]() -> Status {
    auto upserted = returned_id(db_->query(
        "INSERT INTO service (name, label, type, description, is_active, source, config_json, "
        "access_token_sealed, created_date, last_modified_date) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (name) DO UPDATE SET label = excluded.label, type = excluded.type, "
        "description = excluded.description, is_active = excluded.is_active, "
        "source = excluded.source, config_json = excluded.config_json, "
        "access_token_sealed = excluded.access_token_sealed, "
        "last_modified_date = excluded.last_modified_date RETURNING id",
        params));
    if (!upserted) return upserted.error();
    id = *upserted;
    return ok_status();
  });
  if (!written) return written.error();
  return load_service(*db_, secrets_, id);
}

}  // namespace lakegate::store
