#include "api/filters/security_filters.h"

#include <algorithm>

#include "api/authenticate.h"
#include "api/gateway.h"
#include "api/resources.h"
#include "api/session/session_resource.h"
#include "http/error_envelope.h"
#include "util/blocking_guard.h"
#include "util/json_text.h"

namespace lakegate::api {

FilterResult AuditFilter::on_request(RequestContext& context) {
  // Nothing audited runs unless its record has a place to go.
  const int full_wait_ms = security_.config().audit.full_wait_ms;
  auto ticket = security_.audit().admit(std::chrono::milliseconds(full_wait_ms));
  if (!ticket) {
    // Counted as refused by the audit log; nothing ran, nothing is recorded.
    auto response = error_response(ticket.error());
    response.headers.emplace_back("Retry-After",
                                  std::to_string(std::max(1, (full_wait_ms + 999) / 1000)));
    return response;
  }
  context.audited = true;
  context.audit_ticket = std::move(*ticket);
  return std::nullopt;
}

void AuditFilter::on_response(RequestContext& context, http::Response& response) {
  if (context.audited) record_audit(security_, context, response);
}

FilterResult LoginFilter::on_request(RequestContext& context) {
  const std::vector<std::string>& segments = context.segments;
  const bool user_session =
      segments.size() == 2 && segments[0] == "user" && segments[1] == "session";
  const bool admin_session = segments.size() == 3 && segments[0] == "system" &&
                             segments[1] == "admin" && segments[2] == "session";
  if (!user_session && !admin_session) return std::nullopt;
  // Sessions live in the store (and a login hashes a password).
  if (!util::may_block()) return error_response(util::refuse_blocking("a session"));
  return handle_session(context.request, security_, admin_session);
}

FilterResult AuthenticateFilter::on_request(RequestContext& context) {
  context.snapshot = security_.state().snapshot();
  auto principal = authenticate(context.request, context.snapshot, security_);
  if (!principal) return error_response(principal.error());
  context.principal = *principal;
  Access access(*principal, context.snapshot);
  access.deny_functions(&security_.config().security.denied_functions);
  context.access = std::move(access);
  return std::nullopt;
}

FilterResult RateLimitFilter::on_request(RequestContext& context) {
  if (context.access.bypasses_rbac() || context.snapshot->limits.empty()) return std::nullopt;
  auth::LimitRequest limit_request;
  const auth::Principal& who = *context.principal;
  if (who.user) limit_request.user_id = who.user->id;
  if (who.role) limit_request.role_id = who.role->id;
  limit_request.service_id = context.service ? context.service->id : 0;
  limit_request.endpoint = join_segments(context.segments, context.service ? 1 : 0);
  limit_request.verb = context.request.head_only ? "HEAD" : context.request.method;
  auto verdict =
      security_.limiter().check(context.snapshot->limits, limit_request, now_seconds_fractional());
  if (!verdict) return error_response(verdict.error());
  if (!verdict->allowed) return rate_limited(*verdict);
  return std::nullopt;
}

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
  auto response =
      http::Response::json(429, http::error_envelope(429, "API limit(s) exceeded. ", context, 429));
  response.headers.emplace_back("Retry-After", std::to_string(verdict.retry_after_seconds));
  response.headers.emplace_back("X-RateLimit-Limit", std::to_string(verdict.limit));
  response.headers.emplace_back("X-RateLimit-Remaining", std::to_string(verdict.remaining));
  response.headers.emplace_back("X-RateLimit-Reset", std::to_string(verdict.reset_epoch));
  return response;
}

}  // namespace lakegate::api
