// The filter chain in front of the resources (Envoy's pattern): each filter
// looks at the request and either lets it continue or answers it at once
// with a local reply; once a response exists (a filter's reply or the
// resource's), every filter that let the request pass sees it, last first
// (CORS headers, the audit record). Gateway::handle is this chain followed
// by the router; each filter is a small unit over a pure engine (the CORS
// rules, authenticate, the rate limiter, the audit log) that unit tests call
// directly.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/access.h"
#include "auth/audit_log.h"
#include "auth/principal.h"
#include "http/handler.h"

namespace lakegate::api {

struct Service;

// What the filters learn about one request, in the order they learn it.
struct RequestContext {
  explicit RequestContext(const http::Request& r) : request(r) {}

  const http::Request& request;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  std::chrono::system_clock::time_point wall = std::chrono::system_clock::now();
  // The path after /api[/vN], split on the raw path and decoded (PathFilter).
  std::vector<std::string> segments;
  // Audit fields: the service's name ("system" for /system) and the resource
  // path below it.
  std::string service_name;
  std::string resource;
  // Authentication (AuthenticateFilter); Access::open() with security off.
  std::shared_ptr<const auth::SecuritySnapshot> snapshot;
  std::shared_ptr<const auth::Principal> principal;
  Access access = Access::open();
  // The service the request names, if any (ServiceFilter); the caller's own
  // copy in Unity Catalog mode (UnityCatalogFilter). Held by shared_ptr so a
  // streamed body keeps it alive.
  std::shared_ptr<Service> service;
  // The audit slot taken before anything runs (AuditFilter).
  bool audited = false;
  auth::AuditTicket audit_ticket;
};

// nullopt: continue; a response: answer with it now.
using FilterResult = std::optional<http::Response>;

class RequestFilter {
 public:
  virtual ~RequestFilter() = default;
  virtual FilterResult on_request(RequestContext& context) = 0;
  // The response of a request this filter let pass (or answered itself).
  virtual void on_response(RequestContext& /*context*/, http::Response& /*response*/) {}
};

using Terminal = std::function<http::Response(RequestContext&)>;

// One request's run: `filters` in order, then `terminal` if every filter
// let the request pass; then on_response of every filter that saw the
// request, last first.
class FilterChainRun {
 public:
  FilterChainRun(const std::vector<std::unique_ptr<RequestFilter>>& filters,
                 const http::Request& request, Terminal terminal)
      : filters_(filters), context_(request), terminal_(std::move(terminal)) {}

  // Goes on from where the last call stopped. nullopt: a step refused to
  // block (only inside a util::NonBlockingScope); call again where blocking
  // is allowed. Otherwise the response, once.
  std::optional<http::Response> run();

  RequestContext& context() { return context_; }

 private:
  const std::vector<std::unique_ptr<RequestFilter>>& filters_;
  RequestContext context_;
  Terminal terminal_;
  size_t next_filter_ = 0;  // filters [0, next_filter_) have let the request pass or answered
  std::optional<http::Response> reply_;  // a filter's local reply
};

}  // namespace lakegate::api
