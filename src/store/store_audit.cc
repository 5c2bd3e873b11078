// Store: the audit trail. Appends are batched into one transaction and do not
// bump the change counter (nothing other nodes cache changes). Queries bind
// every filter as a parameter and return the newest entries first.
#include <algorithm>

#include "store/store.h"
#include "store/store_internal.h"
#include "store/transaction.h"

namespace lakegate::store {
namespace {

constexpr char kColumns[] =
    "id, event_time, request_id, app, user_name, role, service, resource, verb, status, "
    "row_count, byte_count, duration_ms, operation_id, sql_hash, remote_address, params_json";

// Longest page a query returns, whatever it asks for.
constexpr int64_t kMaxLimit = 10000;

// Stored times carry milliseconds ("…:SS.mmmZ") and compare as text, so a
// bound without them ("…:SSZ") is widened to the same shape; otherwise
// "…:00Z" would sort after "…:00.000Z" of the same second.
std::string comparable_time(const std::string& bound) {
  if (bound.size() == 20 && bound[19] == 'Z' && bound[10] == 'T') {
    return bound.substr(0, 19) + ".000Z";
  }
  return bound;
}

// Number of UTF-8 code points in `text` (substr() counts characters on both dialects).
int64_t character_count(std::string_view text) {
  int64_t count = 0;
  for (const char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

}  // namespace

Status Store::append_audit(const std::vector<AuditRecord>& records) {
  if (records.empty()) return ok_status();
  std::lock_guard lock(mutex_);
  return run_transaction(*db_, [&]() -> Status {
    for (const AuditRecord& record : records) {
      auto inserted = db_->query(
          "INSERT INTO audit (event_time, request_id, app, user_name, role, service, resource, "
          "verb, status, row_count, byte_count, duration_ms, operation_id, sql_hash, "
          "remote_address, params_json) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {record.time.empty() ? utc_now_rfc3339_millis() : record.time, record.request_id,
           record.app, record.user, record.role, record.service, record.resource, record.verb,
           integer_param(record.status), integer_param(record.rows), integer_param(record.bytes),
           real_param(record.duration_ms), record.operation_id, record.sql_hash,
           record.remote_address, record.params_json});
      if (!inserted) return inserted.error();
    }
    return ok_status();
  });
}

Result<std::vector<AuditRecord>> Store::query_audit(const AuditQuery& query) {
  std::string sql = std::string("SELECT ") + kColumns + " FROM audit WHERE 1 = 1";
  std::vector<DbValue> params;
  const auto equals = [&](const char* column, const std::string& value) {
    if (value.empty()) return;
    sql += std::string(" AND ") + column + " = ?";
    params.push_back(value);
  };
  equals("user_name", query.user);
  equals("app", query.app);
  equals("service", query.service);
  equals("verb", query.verb);
  if (!query.resource_prefix.empty()) {
    sql += " AND substr(resource, 1, ?) = ?";
    params.push_back(integer_param(character_count(query.resource_prefix)));
    params.push_back(query.resource_prefix);
  }
  if (query.status) {
    sql += " AND status = ?";
    params.push_back(integer_param(*query.status));
  }
  if (!query.since.empty()) {
    sql += " AND event_time >= ?";
    params.push_back(comparable_time(query.since));
  }
  if (!query.until.empty()) {
    sql += " AND event_time < ?";
    params.push_back(comparable_time(query.until));
  }
  sql += " ORDER BY event_time DESC, id DESC LIMIT ? OFFSET ?";
  params.push_back(integer_param(std::clamp<int64_t>(query.limit, 0, kMaxLimit)));
  params.push_back(integer_param(std::max<int64_t>(query.offset, 0)));

  std::lock_guard lock(mutex_);
  auto rows = db_->query(sql, params);
  if (!rows) return rows.error();
  std::vector<AuditRecord> records;
  records.reserve(rows->size());
  for (const DbRow& row : *rows) {
    RowReader reader(row);
    AuditRecord& record = records.emplace_back();
    record.id = reader.integer();
    record.time = reader.text();
    record.request_id = reader.text();
    record.app = reader.text();
    record.user = reader.text();
    record.role = reader.text();
    record.service = reader.text();
    record.resource = reader.text();
    record.verb = reader.text();
    record.status = static_cast<int>(reader.integer());
    record.rows = reader.integer();
    record.bytes = reader.integer();
    record.duration_ms = reader.real();
    record.operation_id = reader.text();
    record.sql_hash = reader.text();
    record.remote_address = reader.text();
    record.params_json = reader.text();
    if (auto status = reader.status(); !status) return status.error();
  }
  return records;
}

}  // namespace lakegate::store
