// The filters that establish who is calling and whether the request may
// run at all: audit admission (a slot for the request's audit record, else
// 503 + Retry-After before anything runs; the record itself when the
// response — or its streamed body — ends), the login endpoints (which need
// no credentials), authentication (API key / JWT / Basic → Access) and the
// rate limits (sys-admins exempt). Each is a thin unit over its engine:
// auth::AuditLog, handle_session, authenticate, auth::RateLimiter. Only
// installed with security on.
#pragma once

#include "api/filters/request_filter.h"
#include "api/security.h"

namespace lakegate::api {

class AuditFilter final : public RequestFilter {
 public:
  explicit AuditFilter(Security& security) : security_(security) {}
  FilterResult on_request(RequestContext& context) override;
  void on_response(RequestContext& context, http::Response& response) override;

 private:
  Security& security_;
};

// POST/GET/DELETE /api/v2/user/session and /api/v2/system/admin/session.
class LoginFilter final : public RequestFilter {
 public:
  explicit LoginFilter(Security& security) : security_(security) {}
  FilterResult on_request(RequestContext& context) override;

 private:
  Security& security_;
};

class AuthenticateFilter final : public RequestFilter {
 public:
  explicit AuthenticateFilter(Security& security) : security_(security) {}
  FilterResult on_request(RequestContext& context) override;

 private:
  Security& security_;
};

// Runs after ServiceFilter: a limit may name the service and its endpoint.
class RateLimitFilter final : public RequestFilter {
 public:
  explicit RateLimitFilter(Security& security) : security_(security) {}
  FilterResult on_request(RequestContext& context) override;

 private:
  Security& security_;
};

// The audit record of a request AuditFilter admitted, into its slot: now
// for a complete response, when the body ends for a streamed one.
void record_audit(Security& security, RequestContext& context, http::Response& response);

// The 429 with DreamFactory's body (the exceeded limits in `context`) and
// the Retry-After and X-RateLimit-* headers.
http::Response rate_limited(const auth::LimitVerdict& verdict);

}  // namespace lakegate::api
