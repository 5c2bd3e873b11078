#include "auth/security_state.h"

#include <algorithm>

#include "util/ascii.h"

namespace lakegate::auth {
namespace {}  // namespace

const store::UserRecord* SecuritySnapshot::find_user_by_email(const std::string& email) const {
  auto id = user_ids_by_email.find(util::ascii_lower(email));
  if (id == user_ids_by_email.end()) return nullptr;
  auto user = users.find(id->second);
  return user == users.end() ? nullptr : &user->second;
}

std::shared_ptr<const store::RoleRecord> SecuritySnapshot::role_for(
    const store::UserRecord* user, const store::AppRecord* app) const {
  std::optional<int64_t> role_id;
  if (user != nullptr && app != nullptr) {
    auto row = user_app_roles.find({user->id, app->id});
    if (row != user_app_roles.end()) role_id = row->second;
  }
  if (!role_id && user != nullptr && user->default_role_id) role_id = user->default_role_id;
  if (!role_id && app != nullptr && app->role_id) role_id = app->role_id;
  if (!role_id) return nullptr;
  auto role = roles.find(*role_id);
  if (role == roles.end() || !role->second->is_active) return nullptr;
  return role->second;
}

Status SecurityState::reload() {
  std::lock_guard reload_lock(reload_mutex_);
  auto next = std::make_shared<SecuritySnapshot>();
  auto counter = store_.change_counter();
  if (!counter) return counter.error();
  next->change_counter = *counter;
  auto apps = store_.list_apps();
  if (!apps) return apps.error();
  for (auto& app : *apps) {
    if (!app.api_key_hash.empty()) next->apps_by_key_hash[app.api_key_hash] = app;
    next->apps[app.id] = app;
  }
  auto roles = store_.list_roles();
  if (!roles) return roles.error();
  for (auto& role : *roles) {
    next->roles[role.id] = std::make_shared<const store::RoleRecord>(std::move(role));
  }
  auto users = store_.list_users();
  if (!users) return users.error();
  for (auto& user : *users) {
    next->user_ids_by_email[util::ascii_lower(user.email)] = user.id;
    next->users[user.id] = std::move(user);
  }
  auto rows = store_.list_user_app_roles();
  if (!rows) return rows.error();
  for (const auto& row : *rows) next->user_app_roles[{row.user_id, row.app_id}] = row.role_id;
  auto limits = store_.list_limits();
  if (!limits) return limits.error();
  next->limits = std::move(*limits);
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  auto revoked = store_.revoked_unexpired_sessions(now);
  if (!revoked) return revoked.error();
  next->revoked_sessions.insert(revoked->begin(), revoked->end());
  auto services = store_.list_services();
  if (!services) return services.error();
  for (const auto& service : *services) next->service_ids[service.config.name] = service.id;
  std::lock_guard lock(mutex_);
  snapshot_ = std::move(next);
  return {};
}

void SecurityState::reload_if_changed(std::chrono::steady_clock::duration interval) {
  const int64_t now = std::chrono::steady_clock::now().time_since_epoch().count();
  int64_t last = last_check_ns_.load();
  if (now - last < std::chrono::duration_cast<std::chrono::nanoseconds>(interval).count()) return;
  if (!last_check_ns_.compare_exchange_strong(last, now)) return;  // another thread checks
  auto counter = store_.change_counter();
  if (!counter || *counter == snapshot()->change_counter) return;
  (void)reload();
}

std::shared_ptr<const SecuritySnapshot> SecurityState::snapshot() const {
  std::lock_guard lock(mutex_);
  return snapshot_;
}

}  // namespace lakegate::auth
