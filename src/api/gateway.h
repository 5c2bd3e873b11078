// lakegate's REST surface: the http::Handler that runs every request through
// the filter chain (api/filters/) and routes it to its resource:
//   CorsFilter (preflights) → HealthFilter → AuditFilter (a slot in the audit
//   log, else 503 + Retry-After and nothing runs) → PathFilter (/api[/vN],
//   split on the raw path) → LoginFilter (session endpoints) →
//   AuthenticateFilter (API key / JWT / Basic) → ServiceFilter →
//   RateLimitFilter → UnityCatalogFilter → the router: the service list,
//   /system (sys-admins), /api_docs, or the service's resource, which
//   authorizes its exact component (deny by default). On the way back:
//   the audit record in the admitted slot (when a streamed body ends), then
//   CORS headers.
// With security disabled (loopback only) the chain has no audit, login,
// authentication or rate-limit filter: every request is let through.
//
// Every request starts on the server's event loop (start()): a read whose
// answer is in memory (the caller authenticated from the security snapshot,
// the metadata cache fresh) is answered there, without a thread handoff.
// The first step that would block (Spark, the store, Redis, a password
// hash, a full audit trail; any write, /system, an OpenAPI document, a
// streamed body) stops the run, and a worker in the request's lane resumes
// it at that step.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "api/access.h"
#include "api/filters/request_filter.h"
#include "api/security.h"
#include "api/service_registry.h"
#include "config/gateway_config.h"
#include "http/handler.h"

namespace lakegate::api {

class Gateway final : public http::Handler {
 public:
  // `security` null = security disabled.
  Gateway(ServiceRegistry& services, Security* security, std::vector<config::CorsRule> cors = {});
  ~Gateway() override;
  // The whole chain on this thread (blocking allowed).
  http::Response handle(const http::Request& request) override;
  // A request the event loop cannot finish waits in its service's lane
  // (max_concurrent_requests, max_queued_requests); everything else shares
  // the "gateway" lane.
  http::WorkLane lane(const http::Request& request) const override;
  http::Start start(const http::Request& request) override;

 private:
  // The end of the chain: the resource the request's path names.
  http::Response route(RequestContext& context);
  http::Response route_to_resource(RequestContext& context);
  http::Response handle_service(const http::Request& request,
                                const std::shared_ptr<Service>& service,
                                const std::vector<std::string>& resource, const Access& access);
  http::Response list_services(const Access& access) const;

  ServiceRegistry& services_;
  Security* security_;
  std::vector<config::CorsRule> cors_;
  std::vector<std::unique_ptr<RequestFilter>> filters_;
};

// Splits "/api/v2/svc/_table/x" into {"svc", "_table", "x"}; the "/api" prefix and
// an optional version segment (v2, v2.1) are removed. Returns false when the path
// is not under /api. With `percent_encoded`, `path` is the raw path and each
// segment is decoded after the split, so "%2F" stays inside its segment.
bool split_api_path(const std::string& path, std::vector<std::string>& segments,
                    bool percent_encoded = false);

// The segments of a request's path: split on its raw path, then decoded.
bool split_api_path(const http::Request& request, std::vector<std::string>& segments);

// segments[from..] joined with '/' (the resource path of audit records and
// rate limits).
std::string join_segments(const std::vector<std::string>& segments, size_t from);

}  // namespace lakegate::api
