// Who is calling: the app (from its API key), the user (from a session JWT
// or basic auth), and the role that applies (user_to_app_to_role row for
// (user, app), else the user's default role, else the app's default role).
// Sys-admins bypass RBAC and limits. Built per request by the Authenticator.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "store/records.h"

namespace lakegate::auth {

struct Principal {
  std::optional<store::AppRecord> app;    // api_key_hash is cleared
  std::optional<store::UserRecord> user;  // password_hash is cleared
  std::shared_ptr<const store::RoleRecord> role;  // null = no role (denied everything)
  std::string session_id;  // JWT jti when authenticated by session
  int requestor = store::kApiRequestor;

  bool is_sys_admin() const { return user && user->is_sys_admin; }
  std::string app_name() const { return app ? app->name : ""; }
  std::string user_email() const { return user ? user->email : ""; }
  std::string role_name() const { return role ? role->name : ""; }

  // Values for `{name}` lookups in role filters: user.id, user.email,
  // user.name, user.first_name, user.last_name, user.<custom attribute>,
  // role.id, role.name, role.<custom>, app.id, app.name.
  std::map<std::string, std::string> lookups() const;
};

}  // namespace lakegate::auth
