#include "http/cors.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <optional>

namespace lakegate::http {
namespace {

CorsRule rule(std::string origin) {
  CorsRule result;
  result.origin = std::move(origin);
  return result;
}

Request preflight(std::string origin, std::string method, std::string headers = "") {
  Request request;
  request.method = "OPTIONS";
  request.path = "/api/v2/db/_table/t";
  request.headers["origin"] = std::move(origin);
  request.headers["access-control-request-method"] = std::move(method);
  if (!headers.empty()) request.headers["access-control-request-headers"] = std::move(headers);
  return request;
}

Request actual(std::optional<std::string> origin) {
  Request request;
  request.method = "GET";
  request.path = "/api/v2/db/_table/t";
  if (origin) request.headers["origin"] = *origin;
  return request;
}

// The value of the one header `name` (any case); nullopt if absent, and a
// failure if it appears more than once.
std::optional<std::string> header(const Response& response, std::string_view name) {
  std::optional<std::string> found;
  for (const auto& [key, value] : response.headers) {
    if (key.size() != name.size() ||
        !std::equal(key.begin(), key.end(), name.begin(),
                    [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
      continue;
    }
    EXPECT_FALSE(found) << "duplicate header " << name;
    found = value;
  }
  return found;
}

TEST(CorsOrigin, ExactMatchIgnoresCaseOfSchemeAndHost) {
  EXPECT_TRUE(cors_origin_matches("https://app.example.com", "https://app.example.com"));
  EXPECT_TRUE(cors_origin_matches("https://app.example.com", "HTTPS://App.Example.COM"));
  EXPECT_TRUE(cors_origin_matches("https://app.example.com/", "https://app.example.com"));
  EXPECT_TRUE(cors_origin_matches("http://localhost:3000", "http://localhost:3000"));
  EXPECT_FALSE(cors_origin_matches("https://app.example.com", "http://app.example.com"));
  EXPECT_FALSE(cors_origin_matches("https://app.example.com", "https://app.example.com:8443"));
  EXPECT_FALSE(cors_origin_matches("http://localhost:3000", "http://localhost:30000"));
  EXPECT_FALSE(cors_origin_matches("https://app.example.com", "https://app.example.com.evil.io"));
  EXPECT_FALSE(cors_origin_matches("https://app.example.com", ""));
}

TEST(CorsOrigin, StarMatchesAnyOriginButNull) {
  EXPECT_TRUE(cors_origin_matches("*", "https://anything.test"));
  EXPECT_TRUE(cors_origin_matches("*", "http://localhost:8080"));
  EXPECT_FALSE(cors_origin_matches("*", "null"));
  EXPECT_FALSE(cors_origin_matches("*", ""));
  EXPECT_TRUE(cors_origin_matches("null", "null"));  // only when named
}

TEST(CorsOrigin, SubdomainWildcard) {
  const std::string pattern = "https://*.example.com";
  EXPECT_TRUE(cors_origin_matches(pattern, "https://app.example.com"));
  EXPECT_TRUE(cors_origin_matches(pattern, "https://a.b-c.example.com"));
  EXPECT_TRUE(cors_origin_matches(pattern, "HTTPS://APP.EXAMPLE.COM"));
  EXPECT_FALSE(cors_origin_matches(pattern, "https://example.com"));   // not the apex
  EXPECT_FALSE(cors_origin_matches(pattern, "https://.example.com"));  // empty label
  EXPECT_FALSE(cors_origin_matches(pattern, "http://app.example.com"));
  EXPECT_FALSE(cors_origin_matches(pattern, "https://app.example.com:8443"));
  EXPECT_FALSE(cors_origin_matches(pattern, "https://evilexample.com"));
  EXPECT_FALSE(cors_origin_matches(pattern, "https://app.example.com.evil.io"));
  EXPECT_FALSE(cors_origin_matches(pattern, "https://evil.io/.example.com"));
  EXPECT_FALSE(cors_origin_matches(pattern, "https://evil.io:1@x.example.com"));
  EXPECT_FALSE(cors_origin_matches(pattern, "https://a..example.com"));
  EXPECT_TRUE(cors_origin_matches("https://*.example.com:8443", "https://app.example.com:8443"));
}

TEST(CorsOrigin, FirstMatchingRuleApplies) {
  CorsRule exact = rule("https://app.example.com");
  exact.allow_credentials = true;
  const std::vector<CorsRule> rules = {exact, rule("*")};
  EXPECT_EQ(find_cors_rule(rules, "https://app.example.com"), &rules[0]);
  EXPECT_EQ(find_cors_rule(rules, "https://other.test"), &rules[1]);
  EXPECT_EQ(find_cors_rule({}, "https://other.test"), nullptr);
}

TEST(CorsPreflight, Detection) {
  EXPECT_TRUE(is_preflight(preflight("https://a.test", "DELETE")));
  Request no_method = preflight("https://a.test", "DELETE");
  no_method.headers.erase("access-control-request-method");
  EXPECT_FALSE(is_preflight(no_method));
  Request no_origin = preflight("https://a.test", "DELETE");
  no_origin.headers.erase("origin");
  EXPECT_FALSE(is_preflight(no_origin));
  Request get = preflight("https://a.test", "DELETE");
  get.method = "GET";
  EXPECT_FALSE(is_preflight(get));
  EXPECT_FALSE(is_preflight(preflight("", "DELETE")));
}

TEST(CorsPreflight, AllowedOriginGets204WithTheRule) {
  const std::vector<CorsRule> rules = {rule("https://app.example.com")};
  const Response response = preflight_response(
      rules,
      preflight("https://app.example.com", "PATCH", "content-type, x-dreamfactory-session-token"));
  EXPECT_EQ(response.status, 204);
  EXPECT_TRUE(response.body.empty());
  EXPECT_EQ(header(response, "Access-Control-Allow-Origin"), "https://app.example.com");
  EXPECT_EQ(header(response, "Access-Control-Allow-Methods"), "GET, POST, PUT, PATCH, DELETE");
  EXPECT_EQ(header(response, "Access-Control-Allow-Headers"),
            "Content-Type, X-DreamFactory-API-Key, X-DreamFactory-Session-Token, Authorization");
  EXPECT_EQ(header(response, "Access-Control-Max-Age"), "600");
  EXPECT_EQ(header(response, "Vary"), "Origin");
  EXPECT_FALSE(header(response, "Access-Control-Allow-Credentials"));
}

TEST(CorsPreflight, StarRuleWithoutCredentialsAllowsAnyOriginAsStar) {
  const Response response = preflight_response({rule("*")}, preflight("https://a.test", "GET"));
  EXPECT_EQ(response.status, 204);
  EXPECT_EQ(header(response, "Access-Control-Allow-Origin"), "*");
}

TEST(CorsPreflight, CredentialsEchoTheOriginEvenForAStarRule) {
  CorsRule any = rule("*");
  any.allow_credentials = true;
  const Response response = preflight_response({any}, preflight("https://a.test", "GET"));
  EXPECT_EQ(response.status, 204);
  EXPECT_EQ(header(response, "Access-Control-Allow-Origin"), "https://a.test");
  EXPECT_EQ(header(response, "Access-Control-Allow-Credentials"), "true");
  EXPECT_EQ(header(response, "Vary"), "Origin");
}

TEST(CorsPreflight, UnknownOriginIsForbiddenWithTheEnvelope) {
  const Response response =
      preflight_response({rule("https://app.example.com")}, preflight("https://evil.test", "GET"));
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(header(response, "Content-Type"), "application/json");
  EXPECT_FALSE(header(response, "Access-Control-Allow-Origin"));
  EXPECT_EQ(response.body,
            R"({"error":{"code":403,"status_code":403,)"
            R"("message":"CORS: origin https://evil.test is not allowed","context":null}})");
}

TEST(CorsPreflight, NoRulesForbidsEveryPreflight) {
  EXPECT_EQ(preflight_response({}, preflight("https://a.test", "GET")).status, 403);
}

TEST(CorsPreflight, MethodNotInTheRuleIsForbidden) {
  CorsRule read_only = rule("https://app.example.com");
  read_only.methods = {"GET"};
  const Response response =
      preflight_response({read_only}, preflight("https://app.example.com", "DELETE"));
  EXPECT_EQ(response.status, 403);
  EXPECT_NE(response.body.find("method DELETE is not allowed for origin https://app.example.com "
                               "(allowed: GET)"),
            std::string::npos)
      << response.body;
  EXPECT_EQ(preflight_response({read_only}, preflight("https://app.example.com", "get")).status,
            204);
}

TEST(CorsPreflight, RequestHeaderNotInTheRuleIsForbidden) {
  const std::vector<CorsRule> rules = {rule("https://app.example.com")};
  const Response response = preflight_response(
      rules, preflight("https://app.example.com", "GET", "Authorization, X-Secret"));
  EXPECT_EQ(response.status, 403);
  EXPECT_NE(response.body.find("request header X-Secret is not allowed"), std::string::npos)
      << response.body;
  EXPECT_EQ(
      preflight_response(rules, preflight("https://app.example.com", "GET", " AUTHORIZATION ,"))
          .status,
      204);
}

TEST(CorsPreflight, StarMethodsAndHeadersEchoTheRequestedOnes) {
  CorsRule open = rule("https://*.example.com");
  open.methods = {"*"};
  open.headers = {"*"};
  open.allow_credentials = true;
  const Response response =
      preflight_response({open}, preflight("https://app.example.com", "PROPFIND", "X-One,X-Two"));
  EXPECT_EQ(response.status, 204);
  EXPECT_EQ(header(response, "Access-Control-Allow-Methods"), "PROPFIND");
  EXPECT_EQ(header(response, "Access-Control-Allow-Headers"), "X-One, X-Two");
}

TEST(CorsPreflight, NegativeMaxAgeIsOmitted) {
  CorsRule no_cache = rule("*");
  no_cache.max_age_seconds = -1;
  no_cache.headers.clear();
  const Response response = preflight_response({no_cache}, preflight("https://a.test", "GET"));
  EXPECT_EQ(response.status, 204);
  EXPECT_FALSE(header(response, "Access-Control-Max-Age"));
  EXPECT_FALSE(header(response, "Access-Control-Allow-Headers"));
}

TEST(CorsPreflight, NotAPreflightIsForbidden) {
  Request request = preflight("https://a.test", "GET");
  request.headers.erase("access-control-request-method");
  EXPECT_EQ(preflight_response({rule("*")}, request).status, 403);
}

TEST(CorsActual, MatchingOriginGetsTheHeaders) {
  CorsRule credentials = rule("https://app.example.com");
  credentials.allow_credentials = true;
  Response response = Response::json(200, "{}");
  add_cors_headers({credentials}, actual("https://app.example.com"), response);
  EXPECT_EQ(header(response, "Access-Control-Allow-Origin"), "https://app.example.com");
  EXPECT_EQ(header(response, "Vary"), "Origin");
  EXPECT_EQ(header(response, "Access-Control-Expose-Headers"), "X-Request-Id, ETag");
  EXPECT_EQ(header(response, "Access-Control-Allow-Credentials"), "true");
  EXPECT_EQ(header(response, "Content-Type"), "application/json");
  EXPECT_FALSE(header(response, "Access-Control-Allow-Methods"));  // preflight only
}

TEST(CorsActual, StarRuleAnswersStar) {
  CorsRule any = rule("*");
  any.exposed_headers.clear();
  Response response = Response::json(200, "{}");
  add_cors_headers({any}, actual("https://a.test"), response);
  EXPECT_EQ(header(response, "Access-Control-Allow-Origin"), "*");
  EXPECT_FALSE(header(response, "Access-Control-Expose-Headers"));
  EXPECT_FALSE(header(response, "Access-Control-Allow-Credentials"));
}

TEST(CorsActual, NoOriginOrNoMatchingRuleAddsNothing) {
  const std::vector<CorsRule> rules = {rule("https://app.example.com")};
  Response response = Response::json(200, "{}");
  add_cors_headers(rules, actual(std::nullopt), response);
  add_cors_headers(rules, actual("https://evil.test"), response);
  add_cors_headers({}, actual("https://app.example.com"), response);
  ASSERT_EQ(response.headers.size(), 1u);
  EXPECT_EQ(response.headers[0].first, "Content-Type");
}

TEST(CorsActual, MergesVaryAndReplacesHandlerCorsHeaders) {
  Response response = Response::json(200, "{}");
  response.headers.emplace_back("Vary", "Accept");
  response.headers.emplace_back("access-control-allow-origin", "https://stale.test");
  add_cors_headers({rule("https://app.example.com")}, actual("https://app.example.com"), response);
  EXPECT_EQ(header(response, "Vary"), "Accept, Origin");
  EXPECT_EQ(header(response, "Access-Control-Allow-Origin"), "https://app.example.com");

  add_cors_headers({rule("https://app.example.com")}, actual("https://app.example.com"),
                   response);  // idempotent
  EXPECT_EQ(header(response, "Vary"), "Accept, Origin");
}

}  // namespace
}  // namespace lakegate::http
