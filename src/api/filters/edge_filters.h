// The filters that need no identity: CORS (preflights answered, headers
// added to every response), /health (answered before anything is audited),
// and the /api path (split on the raw path, decoded per segment).
#pragma once

#include <vector>

#include "api/filters/request_filter.h"
#include "config/gateway_config.h"

namespace lakegate::api {

// Over the CORS engine (http/cors.h). No rules: does nothing.
class CorsFilter final : public RequestFilter {
 public:
  explicit CorsFilter(std::vector<config::CorsRule> rules) : rules_(std::move(rules)) {}
  FilterResult on_request(RequestContext& context) override;
  void on_response(RequestContext& context, http::Response& response) override;

 private:
  std::vector<config::CorsRule> rules_;
};

// GET /health → {"status":"ok","version":…}.
class HealthFilter final : public RequestFilter {
 public:
  FilterResult on_request(RequestContext& context) override;
};

// Paths outside /api → 404; else context.segments and context.resource.
class PathFilter final : public RequestFilter {
 public:
  FilterResult on_request(RequestContext& context) override;
};

// True for the paths HealthFilter answers.
bool is_health_path(const std::string& path);

}  // namespace lakegate::api
