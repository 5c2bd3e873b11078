#include "api/gateway.h"

#include <algorithm>
#include <chrono>
#include <ctime>

#include "api/audit_notes.h"
#include "api/authenticate.h"
#include "api/resources.h"
#include "api/session_resource.h"
#include "api/system_resource.h"
#include "auth/rbac.h"
#include "http/cors.h"
#include "http/error_envelope.h"
#include "http/request_target.h"
#include "lakegate_version.h"
#include "util/ascii.h"
#include "util/json_text.h"

namespace lakegate::api {

struct Gateway::RequestInfo {
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  std::chrono::system_clock::time_point wall = std::chrono::system_clock::now();
  std::shared_ptr<const auth::Principal> principal;
  std::shared_ptr<Service> service;  // keeps the service alive while a body streams
  std::string service_name, resource;
  bool audited = false;  // false for /health, CORS preflights and requests refused admission
  auth::AuditTicket audit_ticket;  // the audit slot taken before the request runs
};

namespace {

std::string rfc3339_millis(std::chrono::system_clock::time_point when) {
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[40];
  const size_t n = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buffer + n, sizeof buffer - n, ".%03dZ", static_cast<int>(millis % 1000));
  return buffer;
}

std::string join(const std::vector<std::string>& parts, size_t from) {
  std::string out;
  for (size_t index = from; index < parts.size(); ++index) {
    if (!out.empty()) out.push_back('/');
    out += parts[index];
  }
  return out;
}

// Counts the bytes of a streamed body for the audit record.
class CountingSink final : public util::ByteSink {
 public:
  explicit CountingSink(util::ByteSink& out) : out_(out) {}
  bool write(std::string_view bytes) override {
    count += bytes.size();
    return out_.write(bytes);
  }
  uint64_t count = 0;

 private:
  util::ByteSink& out_;
};

http::Response rate_limited(const auth::LimitVerdict& verdict) {
  std::string context = "[";
  for (size_t index = 0; index < verdict.exceeded.size(); ++index) {
    const store::LimitRecord& limit = *verdict.exceeded[index];
    if (index > 0) context.push_back(',');
    context += "{\"id\":" + std::to_string(limit.id) + ",\"name\":";
    util::append_json_string(context, limit.name);
    context += ",\"rate\":" + std::to_string(limit.rate) + ",\"period\":";
    util::append_json_string(context, auth::period_name(limit.period));
    context += "}";
  }
  context += "]";
  std::string body = http::error_envelope(429, "API limit(s) exceeded. ", context, 429);
  auto response = http::Response::json(429, std::move(body));
  response.headers.emplace_back("Retry-After", std::to_string(verdict.retry_after_seconds));
  response.headers.emplace_back("X-RateLimit-Limit", std::to_string(verdict.limit));
  response.headers.emplace_back("X-RateLimit-Remaining", std::to_string(verdict.remaining));
  response.headers.emplace_back("X-RateLimit-Reset", std::to_string(verdict.reset_epoch));
  return response;
}

}  // namespace

http::Response error_response(const Error& error) {
  return http::Response::json(http_status(error.code), http::error_envelope(error));
}

http::Response method_not_allowed(const http::Request& request, const std::string& allowed) {
  auto response = error_response(Error(ErrorCode::kMethodNotAllowed,
                                       request.method + " is not supported here; use " + allowed));
  response.headers.emplace_back("Allow", allowed);
  return response;
}

bool split_api_path(const std::string& path, std::vector<std::string>& segments,
                    bool percent_encoded) {
  segments.clear();
  size_t start = 0;
  while (start < path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) {
      std::string segment = path.substr(start, end - start);
      if (percent_encoded) {
        std::string decoded;
        if (!http::percent_decode(segment, /*plus_is_space=*/false, decoded)) return false;
        segment = std::move(decoded);
      }
      segments.push_back(std::move(segment));
    }
    start = end + 1;
  }
  if (segments.empty() || segments.front() != "api") return false;
  segments.erase(segments.begin());
  // An API version segment: "v" followed by digits and dots (v2, v2.1).
  auto is_version = [](const std::string& segment) {
    return segment.size() > 1 && segment[0] == 'v' &&
           segment.find_first_not_of("0123456789.", 1) == std::string::npos;
  };
  if (!segments.empty() && is_version(segments.front())) {
    segments.erase(segments.begin());
  }
  return true;
}

bool split_api_path(const http::Request& request, std::vector<std::string>& segments) {
  if (request.raw_path.empty()) return split_api_path(request.path, segments);
  return split_api_path(request.raw_path, segments, /*percent_encoded=*/true);
}

http::WorkLane Gateway::lane(const http::Request& request) const {
  if (request.path == "/health" || request.path == "/health/" ||
      (!cors_.empty() && http::is_preflight(request))) {
    return http::WorkLane::inline_lane();
  }
  std::vector<std::string> segments;
  if (split_api_path(request, segments) && !segments.empty()) {
    if (std::shared_ptr<Service> service = services_.find(segments.front())) {
      // Lane names come from configured services only, never from the path.
      return http::WorkLane::queue("service:" + service->config.name,
                                   static_cast<size_t>(service->config.max_concurrent_requests),
                                   static_cast<size_t>(service->config.max_queued_requests));
    }
  }
  return http::WorkLane::queue("gateway");
}

http::Response Gateway::handle(const http::Request& request) {
  if (!cors_.empty() && http::is_preflight(request)) {
    return http::preflight_response(cors_, request);
  }
  reset_audit_notes();
  RequestInfo info;
  http::Response response = route(request, info);
  if (!cors_.empty()) http::add_cors_headers(cors_, request, response);
  if (security_ != nullptr && info.audited) audit(request, info, response);
  return response;
}

http::Response Gateway::route(const http::Request& request, RequestInfo& info) {
  if (request.path == "/health" || request.path == "/health/") {
    if (request.method != "GET" && request.method != "HEAD")
      return method_not_allowed(request, "GET");
    return http::Response::json(
        200, std::string("{\"status\":\"ok\",\"version\":\"") + LAKEGATE_VERSION + "\"}");
  }
  info.audited = true;
  if (security_ != nullptr) {
    // Admission: nothing audited runs unless its record has a place to go.
    const int full_wait_ms = security_->config().audit.full_wait_ms;
    auto ticket = security_->audit().admit(std::chrono::milliseconds(full_wait_ms));
    if (!ticket) {
      info.audited = false;  // counted as refused by the audit log; nothing ran
      auto response = error_response(ticket.error());
      response.headers.emplace_back("Retry-After",
                                    std::to_string(std::max(1, (full_wait_ms + 999) / 1000)));
      return response;
    }
    info.audit_ticket = std::move(*ticket);
  }
  std::vector<std::string> segments;
  if (!split_api_path(request, segments)) {
    return error_response(Error(ErrorCode::kNotFound, "no route for " + request.path));
  }
  info.resource = join(segments, 0);

  // Logging in needs no credentials.
  if (security_ != nullptr && segments.size() == 2 && segments[0] == "user" &&
      segments[1] == "session") {
    return handle_session(request, *security_, false);
  }
  if (security_ != nullptr && segments.size() == 3 && segments[0] == "system" &&
      segments[1] == "admin" && segments[2] == "session") {
    return handle_session(request, *security_, true);
  }

  Access access = Access::open();
  std::shared_ptr<const auth::SecuritySnapshot> snapshot;
  if (security_ != nullptr) {
    snapshot = security_->state().snapshot();
    auto principal = authenticate(request, snapshot, *security_);
    if (!principal) return error_response(principal.error());
    info.principal = *principal;
    access = Access(*principal, snapshot);
    access.deny_functions(&security_->config().security.denied_functions);
  }

  std::shared_ptr<Service> service;
  if (!segments.empty() && segments[0] != "system" && segments[0] != "api_docs" &&
      segments[0] != "user") {
    service = services_.find(segments[0]);
    if (service == nullptr) {
      return error_response(
          Error(ErrorCode::kNotFound, "Service \"" + segments.front() + "\" not found.")
              .with("service", segments.front()));
    }
    info.service_name = service->config.name;
    info.resource = join(segments, 1);
  }

  // Rate limits (sys-admins are exempt).
  if (security_ != nullptr && !access.bypasses_rbac() && !snapshot->limits.empty()) {
    auth::LimitRequest limit_request;
    const auth::Principal& who = *info.principal;
    if (who.user) limit_request.user_id = who.user->id;
    if (who.role) limit_request.role_id = who.role->id;
    limit_request.service_id = service ? service->id : 0;
    limit_request.endpoint = service ? join(segments, 1) : join(segments, 0);
    limit_request.verb = request.head_only ? "HEAD" : request.method;
    auto verdict =
        security_->limiter().check(snapshot->limits, limit_request, now_seconds_fractional());
    if (!verdict) return error_response(verdict.error());
    if (!verdict->allowed) return rate_limited(*verdict);
  }

  if (segments.empty()) {
    if (request.method != "GET" && request.method != "HEAD")
      return method_not_allowed(request, "GET");
    return list_services(access);
  }
  if (segments[0] == "system") {
    if (security_ == nullptr) {
      return error_response(Error(ErrorCode::kNotFound, "the system service needs security on"));
    }
    if (!access.principal()->is_sys_admin()) {
      return error_response(Error(ErrorCode::kForbidden,
                                  "Access to the system service is allowed to sys-admins only."));
    }
    info.service_name = "system";
    info.resource = join(segments, 1);
    return handle_system(request, *security_,
                         std::vector<std::string>(segments.begin() + 1, segments.end()));
  }
  if (segments[0] == "user") {
    return error_response(Error(ErrorCode::kNotFound, "no route for " + request.path));
  }
  if (segments[0] == "api_docs") {
    segments.erase(segments.begin());
    return handle_api_docs(request, services_, segments, access);
  }

  // Unity Catalog mode: the caller's own Databricks identity runs the request.
  if (security_ != nullptr && service->config.use_unity_catalog) {
    std::string token;
    const std::string header =
        util::ascii_lower(security_->config().security.unity_catalog_token_header);
    if (const std::string* given = request.header(header)) token = *given;
    if (token.empty() && info.principal->user) token = info.principal->user->databricks_token;
    if (token.empty()) {
      return error_response(Error(
          ErrorCode::kAuthRequired,
          "Service \"" + service->config.name +
              "\" runs requests as the caller's Databricks identity (Unity Catalog): send your "
              "token in " +
              security_->config().security.unity_catalog_token_header +
              " or store it on your user."));
    }
    auto as_caller = services_.as_caller(service, token);
    if (!as_caller) return error_response(as_caller.error());
    service = *as_caller;
  }
  info.service = service;
  http::Response response = handle_service(
      request, *service, std::vector<std::string>(segments.begin() + 1, segments.end()), access);
  if (security_ != nullptr && !access.checked() && response.status < 400) {
    // A resource answered without asking for authorization: a bug, never a grant.
    return error_response(Error(ErrorCode::kInternal, "authorization was not checked"));
  }
  return response;
}

http::Response Gateway::handle_service(const http::Request& request, Service& service,
                                       const std::vector<std::string>& resource,
                                       const Access& access) {
  if (resource.empty()) {
    if (request.method != "GET" && request.method != "HEAD")
      return method_not_allowed(request, "GET");
    // The service root lists resource names only: any grant on the service suffices.
    if (!access.has_any_grant(service)) {
      return error_response(
          Error(ErrorCode::kForbidden, auth::denied_message("GET", "", service.config.name)));
    }
    return http::Response::json(
        200,
        R"({"resource":[{"name":"_table"},{"name":"_query"},{"name":"_catalog"},{"name":"_schema"},{"name":"_spec"}]})");
  }
  using Handler = http::Response (*)(const http::Request&, Service&,
                                     const std::vector<std::string>&, const Access&);
  static const std::pair<const char*, Handler> kResources[] = {
      {"_query", handle_query},   {"_table", handle_table}, {"_catalog", handle_catalog},
      {"_schema", handle_schema}, {"_spec", handle_spec},
  };
  const std::vector<std::string> rest(resource.begin() + 1, resource.end());
  for (const auto& [name, handler] : kResources) {
    if (resource.front() == name) return handler(request, service, rest, access);
  }
  return error_response(Error(ErrorCode::kNotFound, "Resource \"" + resource.front() +
                                                        "\" not found on service \"" +
                                                        service.config.name + "\".")
                            .with("resource", resource.front()));
}

http::Response Gateway::list_services(const Access& access) const {
  std::string body = "{\"services\":[";
  bool first = true;
  for (const auto& service : services_.all()) {
    // Only services the caller's role has some grant on.
    if (!access.has_any_grant(*service)) continue;
    access.mark_checked();
    if (!first) body.push_back(',');
    first = false;
    body.append("{\"id\":" + std::to_string(service->id) + ",\"name\":");
    util::append_json_string(body, service->config.name);
    body.append(",\"label\":");
    util::append_json_string(body, service->config.label);
    body.append(",\"description\":");
    util::append_json_string(body, service->description);
    body.append(",\"type\":");
    util::append_json_string(body, service->config.type);
    body.append(",\"spec_url\":");
    util::append_json_string(body, "/api/v2/" + service->config.name + "/_spec");
    body.append("}");
  }
  access.mark_checked();
  body.append("]}");
  return http::Response::json(200, std::move(body));
}

void Gateway::audit(const http::Request& request, RequestInfo& info, http::Response& response) {
  store::AuditRecord record;
  record.time = rfc3339_millis(info.wall);
  record.request_id = request.request_id;
  if (info.principal) {
    record.app = info.principal->app_name();
    record.user = info.principal->user_email();
    record.role = info.principal->role_name();
  }
  record.service = info.service_name;
  record.resource = info.resource;
  record.verb = request.head_only ? "HEAD" : request.method;
  record.remote_address = request.remote_address;
  record.status = response.status;
  const bool include_params = security_->config().audit.include_params;
  auto finish = [include_params](store::AuditRecord& r, const RequestInfo& i) {
    const AuditNotes& notes = audit_notes();
    r.rows = notes.rows;
    r.operation_id = notes.operation_id;
    r.sql_hash = notes.sql_hash;
    if (include_params) r.params_json = notes.params_json;
    r.duration_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - i.start)
            .count();
  };
  if (!response.producer) {
    record.bytes = static_cast<int64_t>(response.body.size());
    finish(record, info);
    security_->audit().record(std::move(info.audit_ticket), std::move(record));
    return;
  }
  auto shared_info = std::make_shared<RequestInfo>(std::move(info));
  response.producer = [inner = std::move(response.producer), record = std::move(record),
                       shared_info, finish, security = security_](util::ByteSink& out) mutable {
    CountingSink counting(out);
    http::StreamEnd end = inner(counting);
    record.bytes = static_cast<int64_t>(counting.count);
    if (end.kind == http::StreamEnd::Kind::kReplaced) {
      record.status = end.status;
      record.bytes = static_cast<int64_t>(end.body.size());
    } else if (end.kind == http::StreamEnd::Kind::kAborted) {
      record.resource += " (aborted)";
    }
    finish(record, *shared_info);
    security->audit().record(std::move(shared_info->audit_ticket), std::move(record));
    return end;
  };
}

}  // namespace lakegate::api
