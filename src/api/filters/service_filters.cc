#include "api/filters/service_filters.h"

#include "api/gateway.h"
#include "api/resources.h"
#include "util/ascii.h"

namespace lakegate::api {

bool is_gateway_segment(const std::string& segment) {
  return segment == "system" || segment == "api_docs" || segment == "user";
}

FilterResult ServiceFilter::on_request(RequestContext& context) {
  const std::vector<std::string>& segments = context.segments;
  if (segments.empty() || is_gateway_segment(segments.front())) return std::nullopt;
  std::shared_ptr<Service> service = services_.find(segments.front());
  if (service == nullptr) {
    return error_response(
        Error(ErrorCode::kNotFound, "Service \"" + segments.front() + "\" not found.")
            .with("service", segments.front()));
  }
  context.service_name = service->config.name;
  context.resource = join_segments(segments, 1);
  context.service = std::move(service);
  return std::nullopt;
}

FilterResult UnityCatalogFilter::on_request(RequestContext& context) {
  if (context.service == nullptr || !context.service->config.use_unity_catalog) return std::nullopt;
  const config::SecurityConfig& settings = security_.config().security;
  std::string token;
  if (const std::string* given =
          context.request.header(util::ascii_lower(settings.unity_catalog_token_header))) {
    token = *given;
  }
  if (token.empty() && context.principal && context.principal->user) {
    token = context.principal->user->databricks_token;
  }
  if (token.empty()) {
    return error_response(
        Error(ErrorCode::kAuthRequired,
              "Service \"" + context.service->config.name +
                  "\" runs requests as the caller's Databricks identity (Unity Catalog): send your "
                  "token in " +
                  settings.unity_catalog_token_header + " or store it on your user."));
  }
  auto as_caller = services_.as_caller(context.service, token);
  if (!as_caller) return error_response(as_caller.error());
  context.service = *as_caller;
  return std::nullopt;
}

}  // namespace lakegate::api
