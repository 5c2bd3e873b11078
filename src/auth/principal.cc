#include "auth/principal.h"

namespace lakegate::auth {
namespace {

// Adds `prefix.<key>` for each custom lookup, never replacing a key already
// set: the built-in identity values (user.email, role.id, ...) always win
// over a custom attribute of the same name.
void add_custom(std::map<std::string, std::string>& out, const std::string& prefix,
                const std::map<std::string, std::string>& custom) {
  for (const auto& [key, value] : custom) {
    if (key.empty()) continue;
    out.emplace(prefix + key, value);
  }
}

}  // namespace

std::map<std::string, std::string> Principal::lookups() const {
  std::map<std::string, std::string> out;
  if (user) {
    out["user.id"] = std::to_string(user->id);
    out["user.email"] = user->email;
    out["user.name"] = user->name;
    out["user.first_name"] = user->first_name;
    out["user.last_name"] = user->last_name;
    add_custom(out, "user.", user->lookups);
  }
  if (role) {
    out["role.id"] = std::to_string(role->id);
    out["role.name"] = role->name;
    add_custom(out, "role.", role->lookups);
  }
  if (app) {
    out["app.id"] = std::to_string(app->id);
    out["app.name"] = app->name;
  }
  return out;
}

}  // namespace lakegate::auth
