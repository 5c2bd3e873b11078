#include "api/access.h"

#include <algorithm>

#include "api/audit_notes.h"
#include "api/service_registry.h"
#include "auth/rbac.h"
#include "util/ascii.h"

namespace lakegate::api {
namespace {

Error forbidden(const Service& service, std::string_view component, std::string_view verb) {
  return Error(ErrorCode::kForbidden, auth::denied_message(verb, component, service.config.name))
      .with("service", service.config.name)
      .with("component", std::string(component));
}

}  // namespace

const std::vector<std::string>& Access::denied_functions() const {
  static const std::vector<std::string> kNone;
  return denied_functions_ != nullptr ? *denied_functions_ : kNone;
}

Access Access::open() {
  return Access(nullptr, nullptr);
}

Access::Access(std::shared_ptr<const auth::Principal> principal,
               std::shared_ptr<const auth::SecuritySnapshot> snapshot)
    : principal_(std::move(principal)),
      snapshot_(std::move(snapshot)),
      audit_notes_(std::make_shared<AuditNotes>()) {}

bool Access::allows(const Service& service, std::string_view component,
                    std::string_view verb) const {
  mark_checked();
  if (bypasses_rbac()) return true;
  if (!principal_->role) return false;
  return auth::decide(*principal_->role, service.id, component, verb, principal_->requestor)
      .allowed;
}

Status Access::authorize(const Service& service, std::string_view component,
                         std::string_view verb) const {
  if (allows(service, component, verb)) return {};
  return forbidden(service, component, verb);
}

Result<auth::TablePolicy> Access::table_policy(const Service& service, std::string_view component,
                                               std::string_view verb) const {
  mark_checked();
  if (bypasses_rbac()) return auth::TablePolicy{};
  if (!principal_->role) return forbidden(service, component, verb);
  auto decision =
      auth::decide(*principal_->role, service.id, component, verb, principal_->requestor);
  if (!decision.allowed) return forbidden(service, component, verb);
  return auth::build_table_policy(decision.rows, principal_->lookups());
}

bool Access::has_any_grant(const Service& service) const {
  mark_checked();
  if (bypasses_rbac()) return true;
  if (!principal_->role) return false;
  for (const auto& row : principal_->role->access) {
    if ((!row.service_id || *row.service_id == service.id) && row.verb_mask != 0 &&
        (row.requestor_mask & principal_->requestor) != 0) {
      return true;
    }
  }
  return false;
}

bool Access::restricted_on(const Service& service) const {
  if (bypasses_rbac()) return false;
  if (!principal_->role) return false;  // no role: nothing is granted at all
  for (const auto& row : principal_->role->access) {
    if (row.service_id && *row.service_id != service.id) continue;
    if (!row.filters.empty() || !row.hidden_fields.empty() || !row.read_only_fields.empty()) {
      return true;
    }
  }
  return false;
}

catalog::TableSchema visible_schema(const catalog::TableSchema& schema,
                                    const auth::TablePolicy& policy) {
  if (policy.hidden_columns.empty()) return schema;
  catalog::TableSchema visible = schema;
  visible.columns.clear();
  visible.columns_hidden = true;
  for (const auto& column : schema.columns) {
    if (!policy.hidden_columns.count(util::ascii_lower(column.name)))
      visible.columns.push_back(column);
  }
  std::vector<std::string> partitions;
  for (const auto& name : schema.partition_columns) {
    if (!policy.hidden_columns.count(util::ascii_lower(name))) partitions.push_back(name);
  }
  visible.partition_columns = std::move(partitions);
  return visible;
}

std::string table_component(const catalog::TableName& name) {
  return "_table/" + name.catalog + "." + name.schema + "." + name.table;
}

}  // namespace lakegate::api
