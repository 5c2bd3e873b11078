#include "api/system/system_resource.h"

#include <chrono>
#include <functional>

#include "api/resources.h"
#include "api/system/system_json.h"
#include "config/gateway_config.h"
#include "crypto/api_key.h"
#include "crypto/password_hash.h"
#include "util/json_text.h"

namespace lakegate::api {
namespace {

Result<int64_t> parse_id(const std::string& text) {
  char* end = nullptr;
  const long long value = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || value <= 0) {
    return Error(ErrorCode::kBadRequest, "Invalid id \"" + text + "\".");
  }
  return static_cast<int64_t>(value);
}

template <typename Record>
using Renderer = std::function<void(std::string&, const Record&)>;

template <typename Record>
http::Response list_json(const std::vector<Record>& records, const Renderer<Record>& render) {
  std::string body = "{\"resource\":[";
  for (size_t index = 0; index < records.size(); ++index) {
    if (index > 0) body.push_back(',');
    render(body, records[index]);
  }
  body += "]}";
  return http::Response::json(200, std::move(body));
}

template <typename Record>
http::Response one_json(const Record& record, const Renderer<Record>& render) {
  std::string body;
  render(body, record);
  return http::Response::json(200, std::move(body));
}

http::Response deleted(int64_t id) {
  return http::Response::json(200, "{\"id\":" + std::to_string(id) + "}");
}

// The generic CRUD of one entity over the store.
template <typename Record>
struct Entity {
  std::function<Result<std::vector<Record>>()> list;
  std::function<Result<Record>(int64_t)> get;
  std::function<Result<Record>(const std::string& json, Record base, bool create)> parse;
  std::function<Result<Record>(const Record&)> create;
  std::function<Result<Record>(const Record&)> update;
  std::function<Status(int64_t)> remove;
  Renderer<Record> render;
};

template <typename Record>
http::Response crud(const http::Request& request, Security& security, const Entity<Record>& entity,
                    const std::vector<std::string>& path) {
  if (path.size() > 1)
    return error_response(Error(ErrorCode::kNotFound, "no route for " + request.path));
  const std::string& method = request.method;
  if (path.empty()) {
    if (method == "GET") {
      auto records = entity.list();
      if (!records) return error_response(records.error());
      return list_json(*records, entity.render);
    }
    if (method != "POST") return method_not_allowed(request, "GET, POST");
    auto bodies = split_resource_body(request.body);
    if (!bodies) return error_response(bodies.error());
    std::vector<Record> created;
    for (const auto& json : *bodies) {
      auto record = entity.parse(json, Record{}, true);
      if (!record) return error_response(record.error());
      auto saved = entity.create(*record);
      if (!saved) return error_response(saved.error());
      created.push_back(std::move(*saved));
    }
    security.changed();
    return list_json(created, entity.render);
  }
  auto id = parse_id(path[0]);
  if (!id) return error_response(id.error());
  auto current = entity.get(*id);
  if (!current) return error_response(current.error());
  if (method == "GET") return one_json(*current, entity.render);
  if (method == "PUT" || method == "PATCH") {
    auto record = entity.parse(request.body, *current, false);
    if (!record) return error_response(record.error());
    auto saved = entity.update(*record);
    if (!saved) return error_response(saved.error());
    security.changed();
    return one_json(*saved, entity.render);
  }
  if (method == "DELETE") {
    if (Status removed = entity.remove(*id); !removed) return error_response(removed.error());
    security.changed();
    return deleted(*id);
  }
  return method_not_allowed(request, "GET, PUT, PATCH, DELETE");
}

Entity<store::ServiceRecord> service_entity(Security& security) {
  store::Store& store = security.store();
  Entity<store::ServiceRecord> e;
  e.list = [&store] { return store.list_services(); };
  e.get = [&store](int64_t id) { return store.get_service(id); };
  e.parse = [](const std::string& json, store::ServiceRecord base,
               bool create) -> Result<store::ServiceRecord> {
    if (!create && base.source == "config") {
      return Error(ErrorCode::kConflict, "Service \"" + base.config.name +
                                             "\" is defined in the config file; change it there.");
    }
    auto parsed = config::parse_service_json(json);
    if (!parsed) return parsed.error();
    if (!create && parsed->config.name != base.config.name) {
      return Error(ErrorCode::kBadRequest, "A service cannot be renamed.");
    }
    const std::string kept_token = base.config.access_token;
    base.config = parsed->config;
    if (base.config.access_token == kMaskedSecret) base.config.access_token = kept_token;
    base.description = parsed->description;
    base.is_active = parsed->is_active;
    base.source = "api";
    // Refuse a definition no backend can be made from (bad URL, ...).
    if (auto probe = make_service(base.config, 0, ""); !probe) {
      Error error = probe.error();
      error.code = ErrorCode::kBadRequest;
      return error;
    }
    return base;
  };
  e.create = [&store](const store::ServiceRecord& r) { return store.create_service(r); };
  e.update = [&store](const store::ServiceRecord& r) { return store.update_service(r); };
  e.remove = [&store](int64_t id) -> Status {
    auto current = store.get_service(id);
    if (!current) return current.error();
    if (current->source == "config") {
      return Error(ErrorCode::kConflict, "Service \"" + current->config.name +
                                             "\" is defined in the config file; remove it there.");
    }
    return store.delete_service(id);
  };
  e.render = [](std::string& out, const store::ServiceRecord& r) { append_service_json(out, r); };
  return e;
}

Entity<store::RoleRecord> role_entity(Security& security) {
  store::Store& store = security.store();
  Entity<store::RoleRecord> e;
  e.list = [&store] { return store.list_roles(); };
  e.get = [&store](int64_t id) { return store.get_role(id); };
  e.parse = [](const std::string& json, store::RoleRecord base, bool) {
    return parse_role_json(json, std::move(base));
  };
  e.create = [&store](const store::RoleRecord& r) { return store.create_role(r); };
  e.update = [&store](const store::RoleRecord& r) { return store.update_role(r); };
  e.remove = [&store](int64_t id) { return store.delete_role(id); };
  e.render = [](std::string& out, const store::RoleRecord& r) { append_role_json(out, r); };
  return e;
}

Entity<store::LimitRecord> limit_entity(Security& security) {
  store::Store& store = security.store();
  Entity<store::LimitRecord> e;
  e.list = [&store] { return store.list_limits(); };
  e.get = [&store](int64_t id) { return store.get_limit(id); };
  e.parse = [](const std::string& json, store::LimitRecord base, bool) {
    return parse_limit_json(json, std::move(base));
  };
  e.create = [&store](const store::LimitRecord& r) { return store.create_limit(r); };
  e.update = [&store](const store::LimitRecord& r) { return store.update_limit(r); };
  e.remove = [&store](int64_t id) { return store.delete_limit(id); };
  e.render = [](std::string& out, const store::LimitRecord& r) { append_limit_json(out, r); };
  return e;
}

Entity<store::AppRecord> app_entity(Security& security) {
  store::Store& store = security.store();
  Entity<store::AppRecord> e;
  e.list = [&store] { return store.list_apps(); };
  e.get = [&store](int64_t id) { return store.get_app(id); };
  e.parse = [](const std::string& json, store::AppRecord base, bool) {
    return parse_app_json(json, std::move(base));
  };
  e.create = [&store](const store::AppRecord& r) { return store.create_app(r); };
  e.update = [&store](const store::AppRecord& r) { return store.update_app(r); };
  e.remove = [&store](int64_t id) { return store.delete_app(id); };
  e.render = [](std::string& out, const store::AppRecord& r) { append_app_json(out, r); };
  return e;
}

// The app JSON plus its new key, shown this once.
void append_app_with_key(std::string& out, const store::AppRecord& app, const std::string& key) {
  append_app_json(out, app);
  out.pop_back();  // '}'
  out += ",\"api_key\":";
  util::append_json_string(out, key);
  out += "}";
}

http::Response apps(const http::Request& request, Security& security,
                    const std::vector<std::string>& path) {
  // Creating an app (or POST /app/{id}/key) generates its key server-side.
  if (request.method == "POST" && path.empty()) {
    auto bodies = split_resource_body(request.body);
    if (!bodies) return error_response(bodies.error());
    std::string body = "{\"resource\":[";
    for (size_t index = 0; index < bodies->size(); ++index) {
      auto app = parse_app_json((*bodies)[index], store::AppRecord{});
      if (!app) return error_response(app.error());
      const std::string key = crypto::generate_api_key();
      app->api_key_hash = crypto::api_key_hash(key);
      app->api_key_prefix = crypto::api_key_prefix(key);
      auto saved = security.store().create_app(*app);
      if (!saved) return error_response(saved.error());
      if (index > 0) body.push_back(',');
      append_app_with_key(body, *saved, key);
    }
    body += "]}";
    security.changed();
    return http::Response::json(200, std::move(body));
  }
  if (path.size() == 2 && path[1] == "key") {
    if (request.method != "POST") return method_not_allowed(request, "POST");
    auto id = parse_id(path[0]);
    if (!id) return error_response(id.error());
    auto app = security.store().get_app(*id);
    if (!app) return error_response(app.error());
    const std::string key = crypto::generate_api_key();
    app->api_key_hash = crypto::api_key_hash(key);
    app->api_key_prefix = crypto::api_key_prefix(key);
    auto saved = security.store().update_app(*app);
    if (!saved) return error_response(saved.error());
    security.changed();
    std::string body;
    append_app_with_key(body, *saved, key);
    return http::Response::json(200, std::move(body));
  }
  return crud(request, security, app_entity(security), path);
}

std::vector<store::UserAppRole> roles_of(const std::vector<store::UserAppRole>& all,
                                         int64_t user_id) {
  std::vector<store::UserAppRole> mine;
  for (const auto& row : all) {
    if (row.user_id == user_id) mine.push_back(row);
  }
  return mine;
}

// /system/user and /system/admin (admins are users with is_sys_admin).
http::Response users(const http::Request& request, Security& security,
                     const std::vector<std::string>& path, bool admins) {
  store::Store& store = security.store();
  auto app_roles = store.list_user_app_roles();
  if (!app_roles) return error_response(app_roles.error());
  const std::vector<store::UserAppRole> all_roles = *app_roles;
  Entity<store::UserRecord> e;
  e.list = [&store, admins]() -> Result<std::vector<store::UserRecord>> {
    auto users = store.list_users();
    if (!users) return users.error();
    std::vector<store::UserRecord> shown;
    for (auto& user : *users) {
      if (user.is_sys_admin == admins) shown.push_back(std::move(user));
    }
    return shown;
  };
  e.get = [&store, admins](int64_t id) -> Result<store::UserRecord> {
    auto user = store.get_user(id);
    if (user && user->is_sys_admin != admins) {
      return Error(ErrorCode::kNotFound,
                   "Record with identifier '" + std::to_string(id) + "' not found.");
    }
    return user;
  };
  // Passwords and per-app roles ride along with the record.
  auto pending_roles = std::make_shared<std::optional<std::vector<store::UserAppRole>>>();
  auto ends_sessions = std::make_shared<bool>(false);
  e.parse = [admins, pending_roles, ends_sessions](const std::string& json, store::UserRecord base,
                                                   bool create) -> Result<store::UserRecord> {
    auto parsed = parse_user_json(json, std::move(base));
    if (!parsed) return parsed.error();
    if (create && parsed->new_password.empty()) {
      return Error(ErrorCode::kBadRequest, "user.password: required");
    }
    if (!parsed->new_password.empty()) {
      auto hash = crypto::hash_password(parsed->new_password);
      if (!hash) return hash.error();
      parsed->user.password_hash = std::move(*hash);
    }
    *ends_sessions = !parsed->new_password.empty() || !parsed->user.is_active;
    parsed->user.is_sys_admin = admins;
    *pending_roles = parsed->app_roles_given
                         ? std::optional<std::vector<store::UserAppRole>>(parsed->app_roles)
                         : std::nullopt;
    return parsed->user;
  };
  auto with_roles = [&store,
                     pending_roles](Result<store::UserRecord> saved) -> Result<store::UserRecord> {
    if (!saved || !pending_roles->has_value()) return saved;
    auto rows = **pending_roles;
    for (auto& row : rows) row.user_id = saved->id;
    if (Status set = store.set_user_app_roles(saved->id, rows); !set) return set.error();
    return saved;
  };
  e.create = [&store, with_roles](const store::UserRecord& r) {
    return with_roles(store.create_user(r));
  };
  e.update = [&store, with_roles,
              ends_sessions](const store::UserRecord& r) -> Result<store::UserRecord> {
    auto saved = with_roles(store.update_user(r));
    // A deactivated user or a new password ends the user's sessions.
    if (saved && *ends_sessions) (void)store.revoke_user_sessions(saved->id);
    return saved;
  };
  e.remove = [&store](int64_t id) -> Status {
    (void)store.revoke_user_sessions(id);
    return store.delete_user(id);
  };
  e.render = [all_roles](std::string& out, const store::UserRecord& r) {
    append_user_json(out, r, roles_of(all_roles, r.id));
  };
  return crud(request, security, e, path);
}

http::Response audit(const http::Request& request, Security& security,
                     const std::vector<std::string>& path) {
  if (!path.empty())
    return error_response(Error(ErrorCode::kNotFound, "no route for " + request.path));
  if (request.method != "GET") return method_not_allowed(request, "GET");
  store::AuditQuery query;
  auto text = [&](const char* name, std::string& out) {
    if (const std::string* v = request.query_param(name)) out = *v;
  };
  text("user", query.user);
  text("app", query.app);
  text("service", query.service);
  text("verb", query.verb);
  text("resource", query.resource_prefix);
  text("since", query.since);
  text("until", query.until);
  auto number = [&](const char* name, int64_t min, int64_t max) -> Result<std::optional<int64_t>> {
    const std::string* v = request.query_param(name);
    if (v == nullptr) return std::optional<int64_t>();
    char* end = nullptr;
    const long long value = std::strtoll(v->c_str(), &end, 10);
    if (v->empty() || *end != '\0' || value < min || value > max) {
      return Error(ErrorCode::kBadRequest, std::string("Invalid ") + name + " \"" + *v + "\".");
    }
    return std::optional<int64_t>(value);
  };
  auto status = number("status", 100, 599);
  if (!status) return error_response(status.error());
  if (*status) query.status = static_cast<int>(**status);
  auto limit = number("limit", 1, 10000);
  if (!limit) return error_response(limit.error());
  if (*limit) query.limit = **limit;
  auto offset = number("offset", 0, INT64_MAX);
  if (!offset) return error_response(offset.error());
  if (*offset) query.offset = **offset;
  // Recent records first into the store; while the store is failing (the log
  // keeps retrying) this read does not wait for it longer than that.
  (void)security.audit().flush_for(std::chrono::seconds(5));
  auto records = security.store().query_audit(query);
  if (!records) return error_response(records.error());
  return list_json<store::AuditRecord>(
      *records, [](std::string& out, const store::AuditRecord& r) { append_audit_json(out, r); });
}

http::Response limit_cache(const http::Request& request, Security& security,
                           const std::vector<std::string>& path) {
  if (!path.empty())
    return error_response(Error(ErrorCode::kNotFound, "no route for " + request.path));
  if (request.method == "DELETE") {
    if (Status reset = security.limiter().reset(); !reset) return error_response(reset.error());
    return http::Response::json(200, "{\"success\":true}");
  }
  if (request.method != "GET") return method_not_allowed(request, "GET, DELETE");
  auto snapshot = security.state().snapshot();
  return list_json<store::LimitRecord>(
      snapshot->limits,
      [](std::string& out, const store::LimitRecord& r) { append_limit_json(out, r); });
}

// GET /system/cache[/{service}]: the result caches and their counters;
// DELETE empties them (all, or the named service's), as DreamFactory's
// system/cache does.
http::Response result_cache(const http::Request& request, Security& security,
                            const std::vector<std::string>& path) {
  if (path.size() > 1)
    return error_response(Error(ErrorCode::kNotFound, "no route for " + request.path));
  if (request.method != "GET" && request.method != "DELETE")
    return method_not_allowed(request, "GET, DELETE");
  std::vector<std::shared_ptr<Service>> services;
  if (path.empty()) {
    for (auto& service : security.services().all()) {
      if (service->results) services.push_back(std::move(service));
    }
  } else {
    auto service = security.services().find(path[0]);
    if (!service || !service->results) {
      return error_response(
          Error(ErrorCode::kNotFound, "No service \"" + path[0] + "\" keeps a result cache.")
              .with("service", path[0]));
    }
    services.push_back(std::move(service));
  }
  if (request.method == "DELETE") {
    for (auto& service : services) service->results->clear();
    return http::Response::json(200, "{\"success\":true}");
  }
  std::string body = path.empty() ? "{\"resource\":[" : "";
  for (size_t index = 0; index < services.size(); ++index) {
    if (index) body.push_back(',');
    append_cache_stats_json(body, services[index]->config.name, services[index]->results->stats(),
                            services[index]->results->ttl().count());
  }
  if (path.empty()) body += "]}";
  return http::Response::json(200, std::move(body));
}

}  // namespace

http::Response handle_system(const http::Request& request, Security& security,
                             const std::vector<std::string>& path) {
  if (path.empty()) {
    if (request.method != "GET") return method_not_allowed(request, "GET");
    return http::Response::json(
        200,
        R"({"resource":[{"name":"service"},{"name":"role"},{"name":"app"},{"name":"user"},{"name":"admin"},{"name":"limit"},{"name":"limit_cache"},{"name":"audit"},{"name":"cache"}]})");
  }
  const std::string& resource = path[0];
  const std::vector<std::string> rest(path.begin() + 1, path.end());
  if (resource == "service") return crud(request, security, service_entity(security), rest);
  if (resource == "role") return crud(request, security, role_entity(security), rest);
  if (resource == "limit") return crud(request, security, limit_entity(security), rest);
  if (resource == "app") return apps(request, security, rest);
  if (resource == "user") return users(request, security, rest, false);
  if (resource == "admin") return users(request, security, rest, true);
  if (resource == "audit") return audit(request, security, rest);
  if (resource == "limit_cache") return limit_cache(request, security, rest);
  if (resource == "cache") return result_cache(request, security, rest);
  return error_response(
      Error(ErrorCode::kNotFound, "Resource \"" + resource + "\" not found on service \"system\".")
          .with("resource", resource));
}

}  // namespace lakegate::api
