#include "api/filters/edge_filters.h"

#include "api/gateway.h"
#include "api/resources.h"
#include "http/cors.h"
#include "lakegate_version.h"

namespace lakegate::api {

FilterResult CorsFilter::on_request(RequestContext& context) {
  if (!rules_.empty() && http::is_preflight(context.request)) {
    return http::preflight_response(rules_, context.request);
  }
  return std::nullopt;
}

void CorsFilter::on_response(RequestContext& context, http::Response& response) {
  if (rules_.empty() || http::is_preflight(context.request)) return;
  http::add_cors_headers(rules_, context.request, response);
}

bool is_health_path(const std::string& path) {
  return path == "/health" || path == "/health/";
}

FilterResult HealthFilter::on_request(RequestContext& context) {
  const http::Request& request = context.request;
  if (!is_health_path(request.path)) return std::nullopt;
  if (request.method != "GET" && request.method != "HEAD") {
    return method_not_allowed(request, "GET");
  }
  return http::Response::json(
      200, std::string("{\"status\":\"ok\",\"version\":\"") + LAKEGATE_VERSION + "\"}");
}

FilterResult PathFilter::on_request(RequestContext& context) {
  if (!split_api_path(context.request, context.segments)) {
    return error_response(Error(ErrorCode::kNotFound, "no route for " + context.request.path));
  }
  context.resource = join_segments(context.segments, 0);
  return std::nullopt;
}

}  // namespace lakegate::api
