// An immutable in-memory snapshot of everything authentication and
// authorization read per request (apps by key hash, users, roles, per-app
// user roles, limits, revoked sessions, service ids), so the request path
// never touches the store. Reloaded after every local change and, when the
// store's change counter moved (another node wrote), by a poll. Readers take
// a shared_ptr to the current snapshot; a reload swaps it atomically.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "store/store.h"

namespace lakegate::auth {

struct SecuritySnapshot {
  int64_t change_counter = -1;
  std::unordered_map<std::string, store::AppRecord> apps_by_key_hash;
  std::unordered_map<int64_t, store::AppRecord> apps;
  std::unordered_map<int64_t, std::shared_ptr<const store::RoleRecord>> roles;
  std::unordered_map<int64_t, store::UserRecord> users;
  std::unordered_map<std::string, int64_t> user_ids_by_email;  // lower-case email
  std::map<std::pair<int64_t, int64_t>, int64_t> user_app_roles;  // (user, app) → role
  std::vector<store::LimitRecord> limits;
  std::unordered_set<std::string> revoked_sessions;
  std::unordered_map<std::string, int64_t> service_ids;  // name → id

  const store::UserRecord* find_user_by_email(const std::string& email) const;
  // The role for (user, app): user_to_app_to_role, else the user's default
  // role, else the app's role; null when none or inactive.
  std::shared_ptr<const store::RoleRecord> role_for(const store::UserRecord* user,
                                                    const store::AppRecord* app) const;
};

class SecurityState {
 public:
  explicit SecurityState(store::Store& store) : store_(store) {}
  // Loads everything from the store now.
  Status reload();
  // Reloads when `interval` has passed since the last check and the store's
  // change counter differs from the snapshot's. Cheap otherwise.
  void reload_if_changed(std::chrono::steady_clock::duration interval);
  std::shared_ptr<const SecuritySnapshot> snapshot() const;

 private:
  store::Store& store_;
  mutable std::mutex mutex_;
  std::shared_ptr<const SecuritySnapshot> snapshot_ = std::make_shared<SecuritySnapshot>();
  std::mutex reload_mutex_;
  std::atomic<int64_t> last_check_ns_{0};
};

}  // namespace lakegate::auth
