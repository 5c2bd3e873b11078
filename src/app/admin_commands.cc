// Scripted set-up on the system store, without a running server:
//   lakegate admin create  --config F --email E (--password-env VAR | --password-stdin) [--name N]
//   lakegate user create   --config F --email E (--password-env VAR | --password-stdin)
//                          [--name N] [--role ROLE]
//   lakegate role create   --config F --name N --access SERVICE:COMPONENT:VERBS ...
//   lakegate role list     --config F
//   lakegate app create    --config F --name N [--role ROLE]   (prints the API key once)
// Passwords never travel on the command line (visible to other users in ps).
// Output is JSON on stdout, in the admin API's shapes; a running server
// notices the change within security.reload_interval_seconds.
#include <iostream>
#include <sstream>

#include "api/security.h"
#include "api/system/system_json.h"
#include "app/commands.h"
#include "auth/rbac.h"
#include "crypto/api_key.h"
#include "crypto/password_hash.h"
#include "util/json_text.h"

namespace lakegate::app {
namespace {

int fail(const std::string& message) {
  std::cerr << "lakegate: " << message << "\n";
  return 1;
}

Result<std::unique_ptr<store::Store>> store_of(const std::string& config_path) {
  auto config = config::load_config(config_path);
  if (!config) return config.error();
  auto store = api::open_store(*config);
  if (!store) return store.error();
  if (Status saved = api::save_config_services(*config, **store); !saved) return saved.error();
  return store;
}

Result<std::string> read_password(const AdminOptions& options) {
  std::string password;
  if (!options.password_env.empty()) {
    const char* value = std::getenv(options.password_env.c_str());
    if (value == nullptr) {
      return Error(ErrorCode::kBadRequest, "environment variable " + options.password_env +
                                               " is not set");
    }
    password = value;
  } else if (options.password_stdin) {
    std::getline(std::cin, password);
  } else {
    return Error(ErrorCode::kBadRequest, "give --password-env VAR or --password-stdin");
  }
  if (password.size() < 8) {
    return Error(ErrorCode::kBadRequest, "the password must have at least 8 characters");
  }
  return password;
}

Result<int64_t> role_id_named(store::Store& store, const std::string& name) {
  auto roles = store.list_roles();
  if (!roles) return roles.error();
  for (const auto& role : *roles) {
    if (role.name == name) return role.id;
  }
  return Error(ErrorCode::kNotFound, "no role named \"" + name + "\"");
}

// "SERVICE:COMPONENT:VERBS": SERVICE a name or "*", VERBS "GET,POST" or a mask.
Result<store::RoleServiceAccess> parse_access(store::Store& store, const std::string& text) {
  const size_t first = text.find(':');
  const size_t last = text.rfind(':');
  if (first == std::string::npos || first == last) {
    return Error(ErrorCode::kBadRequest,
                 "--access expects SERVICE:COMPONENT:VERBS, got \"" + text + "\"");
  }
  store::RoleServiceAccess access;
  const std::string service = text.substr(0, first);
  access.component = text.substr(first + 1, last - first - 1);
  const std::string verbs = text.substr(last + 1);
  if (service != "*") {
    auto services = store.list_services();
    if (!services) return services.error();
    for (const auto& record : *services) {
      if (record.config.name == service) access.service_id = record.id;
    }
    if (!access.service_id) return Error(ErrorCode::kNotFound, "no service named \"" + service + "\"");
  }
  if (!verbs.empty() && std::isdigit(static_cast<unsigned char>(verbs[0]))) {
    access.verb_mask = std::atoi(verbs.c_str());
  } else {
    std::stringstream list(verbs);
    std::string verb;
    while (std::getline(list, verb, ',')) {
      const int bit = auth::verb_bit(verb);
      if (bit == 0) return Error(ErrorCode::kBadRequest, "unknown verb \"" + verb + "\"");
      access.verb_mask |= bit;
    }
  }
  return access;
}

int create_user(const AdminOptions& options, bool admin) {
  auto store = store_of(options.config_path);
  if (!store) return fail(store.error().message);
  auto password = read_password(options);
  if (!password) return fail(password.error().message);
  store::UserRecord user;
  user.email = options.email;
  user.name = options.name.empty() ? options.email : options.name;
  user.is_sys_admin = admin;
  if (user.email.find('@') == std::string::npos) return fail("--email: expected an email address");
  auto hash = crypto::hash_password(*password);
  if (!hash) return fail(hash.error().message);
  user.password_hash = *hash;
  if (!options.role.empty()) {
    auto role = role_id_named(**store, options.role);
    if (!role) return fail(role.error().message);
    user.default_role_id = *role;
  }
  auto saved = (*store)->create_user(user);
  if (!saved) return fail(saved.error().message);
  std::string out;
  api::append_user_json(out, *saved, {});
  std::cout << out << std::endl;
  return 0;
}

}  // namespace

int admin_command(const std::string& noun, const std::string& verb, const AdminOptions& options) {
  if (noun == "admin" && verb == "create") return create_user(options, true);
  if (noun == "user" && verb == "create") return create_user(options, false);
  auto store = store_of(options.config_path);
  if (!store) return fail(store.error().message);
  if (noun == "role" && verb == "list") {
    auto roles = (*store)->list_roles();
    if (!roles) return fail(roles.error().message);
    std::string out = "{\"resource\":[";
    for (size_t index = 0; index < roles->size(); ++index) {
      if (index > 0) out.push_back(',');
      api::append_role_json(out, (*roles)[index]);
    }
    std::cout << out << "]}" << std::endl;
    return 0;
  }
  if (noun == "role" && verb == "create") {
    store::RoleRecord role;
    role.name = options.name;
    if (role.name.empty()) return fail("--name is required");
    for (const auto& text : options.access) {
      auto access = parse_access(**store, text);
      if (!access) return fail(access.error().message);
      role.access.push_back(*access);
    }
    auto saved = (*store)->create_role(role);
    if (!saved) return fail(saved.error().message);
    std::string out;
    api::append_role_json(out, *saved);
    std::cout << out << std::endl;
    return 0;
  }
  if (noun == "app" && verb == "create") {
    store::AppRecord app;
    app.name = options.name;
    if (app.name.empty()) return fail("--name is required");
    if (!options.role.empty()) {
      auto role = role_id_named(**store, options.role);
      if (!role) return fail(role.error().message);
      app.role_id = *role;
    }
    const std::string key = crypto::generate_api_key();
    app.api_key_hash = crypto::api_key_hash(key);
    app.api_key_prefix = crypto::api_key_prefix(key);
    auto saved = (*store)->create_app(app);
    if (!saved) return fail(saved.error().message);
    std::string out;
    api::append_app_json(out, *saved);
    out.pop_back();
    out += ",\"api_key\":";
    util::append_json_string(out, key);
    std::cout << out << "}" << std::endl;
    return 0;
  }
  return fail("unknown command " + noun + " " + verb);
}

}  // namespace lakegate::app
