// Store: roles and their role_service_access rows. The rows are written in
// the role's transaction and replaced as a whole on update.
#include <map>

#include "store/store.h"
#include "store/store_internal.h"
#include "store/store_json.h"

namespace lakegate::store {
namespace {

constexpr char kRoleColumns[] =
    "id, name, description, is_active, lookups_json, created_date, last_modified_date";
constexpr char kAccessColumns[] =
    "id, role_id, service_id, component, verb_mask, requestor_mask, filters_json, filter_op, "
    "hidden_fields_json, read_only_fields_json";

Result<RoleRecord> decode_role(const DbRow& row) {
  RowReader reader(row);
  RoleRecord record;
  record.id = reader.integer();
  record.name = reader.text();
  record.description = reader.text();
  record.is_active = reader.flag();
  const std::string lookups = reader.text();
  record.created_date = reader.text();
  record.last_modified_date = reader.text();
  if (auto status = reader.status(); !status) return status.error();
  auto parsed = parse_string_map_json(lookups);
  if (!parsed) return parsed.error();
  record.lookups = std::move(*parsed);
  return record;
}

// The access row and the id of its role.
Result<std::pair<int64_t, RoleServiceAccess>> decode_access(const DbRow& row) {
  RowReader reader(row);
  RoleServiceAccess access;
  access.id = reader.integer();
  const int64_t role_id = reader.integer();
  access.service_id = reader.optional_integer();
  access.component = reader.text();
  access.verb_mask = static_cast<int>(reader.integer());
  access.requestor_mask = static_cast<int>(reader.integer());
  const std::string filters = reader.text();
  access.filter_op = reader.text();
  const std::string hidden_fields = reader.text();
  const std::string read_only_fields = reader.text();
  if (auto status = reader.status(); !status) return status.error();
  auto parsed_filters = parse_role_filters_json(filters);
  if (!parsed_filters) return parsed_filters.error();
  access.filters = std::move(*parsed_filters);
  auto parsed_hidden = parse_string_list_json(hidden_fields);
  if (!parsed_hidden) return parsed_hidden.error();
  access.hidden_fields = std::move(*parsed_hidden);
  auto parsed_read_only = parse_string_list_json(read_only_fields);
  if (!parsed_read_only) return parsed_read_only.error();
  access.read_only_fields = std::move(*parsed_read_only);
  return std::make_pair(role_id, std::move(access));
}

// All roles, or only the one with `only_id`, each with its access rows.
Result<std::vector<RoleRecord>> load_roles(Database& db, std::optional<int64_t> only_id) {
  std::string role_sql = std::string("SELECT ") + kRoleColumns + " FROM role";
  std::string access_sql = std::string("SELECT ") + kAccessColumns + " FROM role_service_access";
  std::vector<DbValue> params;
  if (only_id) {
    role_sql += " WHERE id = ?";
    access_sql += " WHERE role_id = ?";
    params.push_back(integer_param(*only_id));
  }
  auto role_rows = db.query(role_sql + " ORDER BY id", params);
  if (!role_rows) return role_rows.error();
  auto access_rows = db.query(access_sql + " ORDER BY id", params);
  if (!access_rows) return access_rows.error();

  std::vector<RoleRecord> roles;
  std::map<int64_t, size_t> index_of_role;
  for (const DbRow& row : *role_rows) {
    auto role = decode_role(row);
    if (!role) return role.error();
    index_of_role[role->id] = roles.size();
    roles.push_back(std::move(*role));
  }
  for (const DbRow& row : *access_rows) {
    auto access = decode_access(row);
    if (!access) return access.error();
    // A role created between the two reads may show rows without its role row.
    if (auto found = index_of_role.find(access->first); found != index_of_role.end()) {
      roles[found->second].access.push_back(std::move(access->second));
    }
  }
  return roles;
}

Result<RoleRecord> load_role(Database& db, int64_t id) {
  auto roles = load_roles(db, id);
  if (!roles) return roles.error();
  if (roles->empty()) return not_found("role", id);
  return std::move(roles->front());
}

Status insert_access_rows(Database& db, int64_t role_id,
                          const std::vector<RoleServiceAccess>& rows) {
  for (const RoleServiceAccess& access : rows) {
    auto inserted = db.query(
        "INSERT INTO role_service_access (role_id, service_id, component, verb_mask, "
        "requestor_mask, filters_json, filter_op, hidden_fields_json, read_only_fields_json) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {integer_param(role_id), optional_id_param(access.service_id), access.component,
         integer_param(access.verb_mask), integer_param(access.requestor_mask),
         role_filters_json(access.filters), access.filter_op,
         string_list_json(access.hidden_fields), string_list_json(access.read_only_fields)});
    if (!inserted) return inserted.error();
  }
  return ok_status();
}

}  // namespace

Result<std::vector<RoleRecord>> Store::list_roles() {
  std::lock_guard lock(mutex_);
  return load_roles(*db_, std::nullopt);
}

Result<RoleRecord> Store::get_role(int64_t id) {
  std::lock_guard lock(mutex_);
  return load_role(*db_, id);
}

Result<RoleRecord> Store::create_role(const RoleRecord& record) {
  std::lock_guard lock(mutex_);
  const std::string now = utc_now_iso8601();
  int64_t id = 0;
  auto written = run_write(*db_, [&]() -> Status {
    auto inserted = returned_id(
        db_->query("INSERT INTO role (name, description, is_active, lookups_json, created_date, "
                   "last_modified_date) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                   {record.name, record.description, flag_param(record.is_active),
                    string_map_json(record.lookups), now, now}));
    if (!inserted) return inserted.error();
    id = *inserted;
    return insert_access_rows(*db_, id, record.access);
  });
  if (!written) return written.error();
  return load_role(*db_, id);
}

Result<RoleRecord> Store::update_role(const RoleRecord& record) {
  std::lock_guard lock(mutex_);
  auto written = run_write(*db_, [&]() -> Status {
    auto updated = db_->query(
        "UPDATE role SET name = ?, description = ?, is_active = ?, lookups_json = ?, "
        "last_modified_date = ? WHERE id = ? RETURNING id",
        {record.name, record.description, flag_param(record.is_active),
         string_map_json(record.lookups), utc_now_iso8601(), integer_param(record.id)});
    if (auto found = expect_row(updated, "role", record.id); !found) return found;
    auto cleared =
        db_->query("DELETE FROM role_service_access WHERE role_id = ?", {integer_param(record.id)});
    if (!cleared) return cleared.error();
    return insert_access_rows(*db_, record.id, record.access);
  });
  if (!written) return written.error();
  return load_role(*db_, record.id);
}

Status Store::delete_role(int64_t id) {
  std::lock_guard lock(mutex_);
  // Access rows, user_to_app_to_role rows and limits of the role go with it
  // (ON DELETE CASCADE); apps and users that defaulted to it keep no role.
  return delete_by_id(*db_, "role", "role", id);
}

}  // namespace lakegate::store
