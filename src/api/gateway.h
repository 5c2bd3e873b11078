// lakegate's REST surface: the http::Handler that runs every request through
// the filter chain and routes it to its resource:
//   CORS preflight → /health → audit admission (a slot in the audit log, else
//   503 + Retry-After and nothing runs) → login endpoints → authenticate (API
//   key / JWT / Basic) → rate limits → sys-admin check for /system → the
//   service's resource, which authorizes its exact component (deny by
//   default) → CORS headers → audit record in the admitted slot (when a
//   streamed body ends).
// With security disabled (loopback only) every request is let through.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "api/access.h"
#include "api/security.h"
#include "api/service_registry.h"
#include "config/gateway_config.h"
#include "http/handler.h"

namespace lakegate::api {

class Gateway final : public http::Handler {
 public:
  // `security` null = security disabled.
  Gateway(ServiceRegistry& services, Security* security, std::vector<config::CorsRule> cors = {})
      : services_(services), security_(security), cors_(std::move(cors)) {}
  http::Response handle(const http::Request& request) override;
  // /health and CORS preflights run inline (they never block); a service's
  // requests wait in its own lane (max_concurrent_requests,
  // max_queued_requests); everything else shares the "gateway" lane.
  http::WorkLane lane(const http::Request& request) const override;

 private:
  struct RequestInfo;
  http::Response route(const http::Request& request, RequestInfo& info);
  http::Response handle_service(const http::Request& request, Service& service,
                                const std::vector<std::string>& resource, const Access& access);
  http::Response list_services(const Access& access) const;
  void audit(const http::Request& request, RequestInfo& info, http::Response& response);

  ServiceRegistry& services_;
  Security* security_;
  std::vector<config::CorsRule> cors_;
};

// Splits "/api/v2/svc/_table/x" into {"svc", "_table", "x"}; the "/api" prefix and
// an optional version segment (v2, v2.1) are removed. Returns false when the path
// is not under /api. With `percent_encoded`, `path` is the raw path and each
// segment is decoded after the split, so "%2F" stays inside its segment.
bool split_api_path(const std::string& path, std::vector<std::string>& segments,
                    bool percent_encoded = false);

// The segments of a request's path: split on its raw path, then decoded.
bool split_api_path(const http::Request& request, std::vector<std::string>& segments);

}  // namespace lakegate::api
