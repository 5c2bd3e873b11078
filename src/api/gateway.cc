#include "api/gateway.h"

#include <regex>

#include "api/resources.h"
#include "http/error_envelope.h"
#include "lakegate_version.h"
#include "util/json_text.h"

namespace lakegate::api {

http::Response error_response(const Error& error) {
  return http::Response::json(http_status(error.code), http::error_envelope(error));
}

http::Response method_not_allowed(const http::Request& request, const std::string& allowed) {
  auto response = error_response(Error(ErrorCode::kMethodNotAllowed,
                                       request.method + " is not supported here; use " + allowed));
  response.headers.emplace_back("Allow", allowed);
  return response;
}

bool split_api_path(const std::string& path, std::vector<std::string>& segments) {
  segments.clear();
  size_t start = 0;
  while (start < path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) segments.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  if (segments.empty() || segments.front() != "api") return false;
  segments.erase(segments.begin());
  static const std::regex kVersion("v[0-9.]+");
  if (!segments.empty() && std::regex_match(segments.front(), kVersion)) {
    segments.erase(segments.begin());
  }
  return true;
}

http::Response Gateway::handle(const http::Request& request) {
  if (request.path == "/health" || request.path == "/health/") {
    if (request.method != "GET" && request.method != "HEAD")
      return method_not_allowed(request, "GET");
    return http::Response::json(
        200, std::string("{\"status\":\"ok\",\"version\":\"") + LAKEGATE_VERSION + "\"}");
  }
  std::vector<std::string> segments;
  if (!split_api_path(request.path, segments)) {
    return error_response(Error(ErrorCode::kNotFound, "no route for " + request.path));
  }
  if (segments.empty()) {
    if (request.method != "GET" && request.method != "HEAD")
      return method_not_allowed(request, "GET");
    return list_services();
  }
  if (segments.front() == "api_docs") {
    segments.erase(segments.begin());
    return handle_api_docs(request, services_, segments);
  }
  Service* service = services_.find(segments.front());
  if (service == nullptr) {
    return error_response(
        Error(ErrorCode::kNotFound, "Service \"" + segments.front() + "\" not found.")
            .with("service", segments.front()));
  }
  segments.erase(segments.begin());
  return handle_service(request, *service, segments);
}

http::Response Gateway::handle_service(const http::Request& request, Service& service,
                                       const std::vector<std::string>& resource) {
  if (resource.empty()) {
    if (request.method != "GET" && request.method != "HEAD")
      return method_not_allowed(request, "GET");
    return http::Response::json(
        200,
        R"({"resource":[{"name":"_table"},{"name":"_query"},{"name":"_catalog"},{"name":"_schema"},{"name":"_spec"}]})");
  }
  using Handler =
      http::Response (*)(const http::Request&, Service&, const std::vector<std::string>&);
  static const std::pair<const char*, Handler> kResources[] = {
      {"_query", handle_query},   {"_table", handle_table}, {"_catalog", handle_catalog},
      {"_schema", handle_schema}, {"_spec", handle_spec},
  };
  const std::vector<std::string> rest(resource.begin() + 1, resource.end());
  for (const auto& [name, handler] : kResources) {
    if (resource.front() == name) return handler(request, service, rest);
  }
  return error_response(Error(ErrorCode::kNotFound, "Resource \"" + resource.front() +
                                                        "\" not found on service \"" +
                                                        service.config.name + "\".")
                            .with("resource", resource.front()));
}

http::Response Gateway::list_services() const {
  std::string body = "{\"services\":[";
  bool first = true;
  for (const auto& service : services_.all()) {
    if (!first) body.push_back(',');
    first = false;
    body.append("{\"name\":");
    util::append_json_string(body, service->config.name);
    body.append(",\"label\":");
    util::append_json_string(body, service->config.label);
    body.append(",\"type\":");
    util::append_json_string(body, service->config.type);
    body.append(",\"spec_url\":");
    util::append_json_string(body, "/api/v2/" + service->config.name + "/_spec");
    body.append("}");
  }
  body.append("]}");
  return http::Response::json(200, std::move(body));
}

}  // namespace lakegate::api
