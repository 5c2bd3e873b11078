#include "api/gateway.h"

#include <algorithm>

#include "api/filters/edge_filters.h"
#include "api/filters/security_filters.h"
#include "api/filters/service_filters.h"
#include "api/resources.h"
#include "api/session/session_resource.h"
#include "api/system/system_resource.h"
#include "auth/rbac.h"
#include "http/cors.h"
#include "http/error_envelope.h"
#include "http/request_target.h"
#include "util/ascii.h"
#include "util/blocking_guard.h"
#include "util/json_text.h"

namespace lakegate::api {

namespace {

// CORS outermost (its headers go on every answer), then the filters that
// need no identity, then security, then the service.
std::vector<std::unique_ptr<RequestFilter>> build_chain(ServiceRegistry& services,
                                                        Security* security,
                                                        const std::vector<config::CorsRule>& cors) {
  std::vector<std::unique_ptr<RequestFilter>> chain;
  chain.push_back(std::make_unique<CorsFilter>(cors));
  chain.push_back(std::make_unique<HealthFilter>());
  if (security != nullptr) chain.push_back(std::make_unique<AuditFilter>(*security));
  chain.push_back(std::make_unique<PathFilter>());
  if (security != nullptr) {
    chain.push_back(std::make_unique<LoginFilter>(*security));
    chain.push_back(std::make_unique<AuthenticateFilter>(*security));
  }
  chain.push_back(std::make_unique<ServiceFilter>(services));
  if (security != nullptr) {
    chain.push_back(std::make_unique<RateLimitFilter>(*security));
    chain.push_back(std::make_unique<UnityCatalogFilter>(services, *security));
  }
  return chain;
}

}  // namespace

Gateway::Gateway(ServiceRegistry& services, Security* security, std::vector<config::CorsRule> cors)
    : services_(services),
      security_(security),
      cors_(std::move(cors)),
      filters_(build_chain(services_, security_, cors_)) {}

Gateway::~Gateway() = default;

std::string join_segments(const std::vector<std::string>& segments, size_t from) {
  std::string out;
  for (size_t index = from; index < segments.size(); ++index) {
    if (!out.empty()) out.push_back('/');
    out += segments[index];
  }
  return out;
}

http::Response error_response(const Error& error) {
  http::Response response =
      http::Response::json(http_status(error.code), http::error_envelope(error));
  // An error that passes when asked again later says when (a lost write race).
  if (std::string_view after = error.context_value("retryAfter"); !after.empty()) {
    response.headers.emplace_back("Retry-After", std::string(after));
  }
  return response;
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
  FilterChainRun run(filters_, request, [this](RequestContext& c) { return route(c); });
  return std::move(*run.run());
}

http::Start Gateway::start(const http::Request& request) {
  auto run = std::make_shared<FilterChainRun>(filters_, request,
                                              [this](RequestContext& c) { return route(c); });
  http::Start start;
  start.answer = run->run();
  if (!start.answer) {
    start.lane = lane(request);
    start.rest = [run] { return std::move(*run->run()); };
  }
  return start;
}

namespace {

// Reads that may finish on the event loop when their metadata is cached:
// the service list, a service's root, and the small catalog answers. The
// rest (writes, /system, OpenAPI documents, whose size grows with the
// catalog) goes to a worker before anything runs, whatever it touches.
bool may_answer_on_event_loop(const RequestContext& context) {
  if (context.request.method != "GET") return false;
  const std::vector<std::string>& segments = context.segments;
  if (segments.empty()) return true;
  if (context.service == nullptr) return false;
  if (segments.size() == 1) return true;
  const std::string& resource = segments[1];
  return resource == "_table" || resource == "_schema" || resource == "_catalog";
}

}  // namespace

http::Response Gateway::route(RequestContext& context) {
  if (!util::may_block() && !may_answer_on_event_loop(context)) {
    return error_response(util::refuse_blocking("a request that may take long"));
  }
  http::Response response = route_to_resource(context);
  // A streamed body is written by a worker: the resource runs again there
  // (it has not produced anything yet).
  if (!util::may_block() && response.producer) {
    return error_response(util::refuse_blocking("a streamed body"));
  }
  return response;
}

http::Response Gateway::route_to_resource(RequestContext& context) {
  const http::Request& request = context.request;
  const std::vector<std::string>& segments = context.segments;
  const Access& access = context.access;
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
    context.service_name = "system";
    context.resource = join_segments(segments, 1);
    return handle_system(request, *security_,
                         std::vector<std::string>(segments.begin() + 1, segments.end()));
  }
  if (segments[0] == "user") {
    return error_response(Error(ErrorCode::kNotFound, "no route for " + request.path));
  }
  if (segments[0] == "api_docs") {
    return handle_api_docs(request, services_,
                           std::vector<std::string>(segments.begin() + 1, segments.end()), access);
  }
  http::Response response =
      handle_service(request, context.service,
                     std::vector<std::string>(segments.begin() + 1, segments.end()), access);
  if (security_ != nullptr && !access.checked() && response.status < 400) {
    // A resource answered without asking for authorization: a bug, never a grant.
    return error_response(Error(ErrorCode::kInternal, "authorization was not checked"));
  }
  return response;
}

http::Response Gateway::handle_service(const http::Request& request,
                                       const std::shared_ptr<Service>& service,
                                       const std::vector<std::string>& resource,
                                       const Access& access) {
  if (resource.empty()) {
    if (request.method != "GET" && request.method != "HEAD")
      return method_not_allowed(request, "GET");
    // The service root lists resource names only: any grant on the service suffices.
    if (!access.has_any_grant(*service)) {
      return error_response(
          Error(ErrorCode::kForbidden, auth::denied_message("GET", "", service->config.name)));
    }
    return http::Response::json(
        200,
        R"({"resource":[{"name":"_table"},{"name":"_query"},{"name":"_catalog"},{"name":"_schema"},{"name":"_spec"}]})");
  }
  using Handler = http::Response (*)(const http::Request&, const std::shared_ptr<Service>&,
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
                                                        service->config.name + "\".")
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

}  // namespace lakegate::api
