// The CORS engine: pure functions from the configured rules
// (config::CorsRule, the `cors:` section of lakegate.yaml) and a Request to
// the CORS answer. No I/O, no state; the filter that calls it decides where
// in the chain it runs (preflights answered before authentication, since
// browsers send them without credentials).
//
// A rule's `origin` is one of:
//   "*"                        any origin (but never the opaque "null")
//   "https://app.example.com"  that origin exactly; scheme and host compare
//                              case-insensitively, the port must be equal
//   "https://*.example.com"    any subdomain of example.com over https (one
//                              or more labels; not example.com itself)
// The first rule in order that matches the request's Origin applies.
//
// Access-Control-Allow-Origin is "*" only for a "*" rule without
// credentials; otherwise the request's origin is echoed (with Vary: Origin),
// as the Fetch standard requires for credentialed requests.
#pragma once

#include <string_view>
#include <vector>

#include "config/gateway_config.h"
#include "http/handler.h"

namespace lakegate::http {

using CorsRule = config::CorsRule;

// True if `origin` (an Origin header value) matches the rule origin `pattern`.
bool cors_origin_matches(std::string_view pattern, std::string_view origin);

// The first rule matching `origin`, or nullptr.
const CorsRule* find_cors_rule(const std::vector<CorsRule>& rules, std::string_view origin);

// A CORS preflight: OPTIONS with Origin and Access-Control-Request-Method.
bool is_preflight(const Request& request);

// The answer to a preflight: 204 with Access-Control-Allow-Origin, -Methods,
// -Headers, -Max-Age (and -Credentials when the rule allows them), Vary:
// Origin. 403 with the JSON error envelope when no rule matches the origin,
// or the rule does not allow the requested method or one of the requested
// headers. A "*" in a rule's methods or headers allows any (the requested
// ones are echoed, which also works with credentials).
// REQUIRES: is_preflight(request) (else 403 too).
Response preflight_response(const std::vector<CorsRule>& rules, const Request& request);

// Adds the CORS headers of an actual (non-preflight) response:
// Access-Control-Allow-Origin, Vary: Origin, Access-Control-Expose-Headers
// and -Allow-Credentials as the matching rule says. Adds nothing when the
// request has no Origin or no rule matches it (the browser then withholds
// the response from the page). Replaces CORS headers the handler set; merges
// Origin into an existing Vary.
void add_cors_headers(const std::vector<CorsRule>& rules, const Request& request,
                      Response& response);

}  // namespace lakegate::http
