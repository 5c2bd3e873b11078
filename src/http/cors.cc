#include "http/cors.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "http/error_envelope.h"

namespace lakegate::http {
namespace {

char lower_char(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return lower_char(x) == lower_char(y);
         });
}

std::string_view trim(std::string_view text) {
  const auto space = [](char c) { return c == ' ' || c == '\t'; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return text;
}

// What may stand in for the "*" of "https://*.example.com": one or more
// host labels (letters, digits, hyphens) joined by dots. Anything else
// (":", "@", "/", an empty label) could smuggle another host in.
bool is_subdomain_labels(std::string_view text) {
  if (text.empty() || text.front() == '.' || text.back() == '.') return false;
  char previous = '\0';
  for (char c : text) {
    if (c == '.' && previous == '.') return false;
    if (c != '.' && c != '-' && !std::isalnum(static_cast<unsigned char>(c))) return false;
    previous = c;
  }
  return true;
}

bool contains_ignoring_case(const std::vector<std::string>& items, std::string_view value) {
  return std::any_of(items.begin(), items.end(),
                     [&](const std::string& item) { return iequals(trim(item), value); });
}

bool allows_any(const std::vector<std::string>& items) {
  return std::any_of(items.begin(), items.end(),
                     [](const std::string& item) { return trim(item) == "*"; });
}

template <typename Items>
std::string join(const Items& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += trim(item);
  }
  return out;
}

// "X-A, x-b ,," → {"X-A", "x-b"}
std::vector<std::string_view> split_list(std::string_view list) {
  std::vector<std::string_view> items;
  while (!list.empty()) {
    const size_t comma = list.find(',');
    const std::string_view item = trim(list.substr(0, comma));
    if (!item.empty()) items.push_back(item);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return items;
}

// Sets `name` to `value`, replacing any header of that name (any case).
void set_header(Response& response, std::string_view name, std::string value) {
  auto& headers = response.headers;
  headers.erase(std::remove_if(headers.begin(), headers.end(),
                               [&](const auto& header) { return iequals(header.first, name); }),
                headers.end());
  headers.emplace_back(std::string(name), std::move(value));
}

// Adds Origin to the response's Vary (the answer depends on it).
void vary_on_origin(Response& response) {
  for (auto& [name, value] : response.headers) {
    if (!iequals(name, "Vary")) continue;
    for (std::string_view token : split_list(value)) {
      if (token == "*" || iequals(token, "Origin")) return;
    }
    value = value.empty() ? "Origin" : value + ", Origin";
    return;
  }
  response.headers.emplace_back("Vary", "Origin");
}

std::string allow_origin(const CorsRule& rule, std::string_view origin) {
  return trim(rule.origin) == "*" && !rule.allow_credentials ? "*" : std::string(origin);
}

Response forbidden(const std::string& message) {
  Response response = Response::json(403, error_envelope(Error(ErrorCode::kForbidden, message)));
  vary_on_origin(response);
  return response;
}

}  // namespace

bool cors_origin_matches(std::string_view pattern, std::string_view origin) {
  pattern = trim(pattern);
  if (pattern.size() > 1 && pattern.back() == '/') pattern.remove_suffix(1);
  if (origin.empty()) return false;
  // "null" is the origin of sandboxed frames and local files: anyone can
  // send it, so only a rule naming it exactly admits it.
  if (pattern == "*") return origin != "null";
  const size_t wildcard = pattern.find("://*.");
  if (wildcard == std::string_view::npos) return iequals(pattern, origin);
  const std::string_view scheme = pattern.substr(0, wildcard + 3);  // "https://"
  const std::string_view suffix = pattern.substr(wildcard + 4);     // ".example.com"
  if (origin.size() <= scheme.size() + suffix.size()) return false;
  if (!iequals(origin.substr(0, scheme.size()), scheme)) return false;
  if (!iequals(origin.substr(origin.size() - suffix.size()), suffix)) return false;
  return is_subdomain_labels(
      origin.substr(scheme.size(), origin.size() - scheme.size() - suffix.size()));
}

const CorsRule* find_cors_rule(const std::vector<CorsRule>& rules, std::string_view origin) {
  for (const CorsRule& rule : rules) {
    if (cors_origin_matches(rule.origin, origin)) return &rule;
  }
  return nullptr;
}

bool is_preflight(const Request& request) {
  if (request.method != "OPTIONS") return false;
  const std::string* origin = request.header("origin");
  const std::string* method = request.header("access-control-request-method");
  return origin != nullptr && !origin->empty() && method != nullptr && !method->empty();
}

Response preflight_response(const std::vector<CorsRule>& rules, const Request& request) {
  if (!is_preflight(request)) {
    return forbidden(
        "not a CORS preflight: OPTIONS needs Origin and Access-Control-Request-Method headers");
  }
  const std::string& origin = *request.header("origin");
  const std::string_view method = trim(*request.header("access-control-request-method"));
  const CorsRule* rule = find_cors_rule(rules, origin);
  if (rule == nullptr) return forbidden("CORS: origin " + origin + " is not allowed");
  const bool any_method = allows_any(rule->methods);
  if (!any_method && !contains_ignoring_case(rule->methods, method)) {
    return forbidden("CORS: method " + std::string(method) + " is not allowed for origin " +
                     origin + " (allowed: " + join(rule->methods) + ")");
  }
  const std::string* requested_list = request.header("access-control-request-headers");
  const std::vector<std::string_view> requested =
      requested_list != nullptr ? split_list(*requested_list) : std::vector<std::string_view>{};
  const bool any_header = allows_any(rule->headers);
  if (!any_header) {
    for (std::string_view header : requested) {
      if (!contains_ignoring_case(rule->headers, header)) {
        return forbidden("CORS: request header " + std::string(header) +
                         " is not allowed for origin " + origin);
      }
    }
  }

  Response response;
  response.status = 204;
  set_header(response, "Access-Control-Allow-Origin", allow_origin(*rule, origin));
  set_header(response, "Access-Control-Allow-Methods",
             any_method ? std::string(method) : join(rule->methods));
  const std::string allowed_headers = any_header ? join(requested) : join(rule->headers);
  if (!allowed_headers.empty()) {
    set_header(response, "Access-Control-Allow-Headers", allowed_headers);
  }
  if (rule->max_age_seconds >= 0) {
    set_header(response, "Access-Control-Max-Age", std::to_string(rule->max_age_seconds));
  }
  if (rule->allow_credentials) set_header(response, "Access-Control-Allow-Credentials", "true");
  vary_on_origin(response);
  return response;
}

void add_cors_headers(const std::vector<CorsRule>& rules, const Request& request,
                      Response& response) {
  const std::string* origin = request.header("origin");
  if (origin == nullptr || origin->empty()) return;
  const CorsRule* rule = find_cors_rule(rules, *origin);
  if (rule == nullptr) return;
  set_header(response, "Access-Control-Allow-Origin", allow_origin(*rule, *origin));
  vary_on_origin(response);
  if (!rule->exposed_headers.empty()) {
    set_header(response, "Access-Control-Expose-Headers", join(rule->exposed_headers));
  }
  if (rule->allow_credentials) set_header(response, "Access-Control-Allow-Credentials", "true");
}

}  // namespace lakegate::http
