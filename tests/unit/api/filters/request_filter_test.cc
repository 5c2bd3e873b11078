// The filter chain's mechanics (continue, local reply, responses seen last
// first by the filters that ran) and the filters that need no identity,
// called directly.
#include "api/filters/request_filter.h"

#include <gtest/gtest.h>

#include "api/filters/edge_filters.h"

namespace lakegate::api {
namespace {

// Records what it saw; answers when told to.
class Probe final : public RequestFilter {
 public:
  Probe(std::string name, std::vector<std::string>& log, bool reply = false)
      : name_(std::move(name)), log_(log), reply_(reply) {}
  FilterResult on_request(RequestContext&) override {
    log_.push_back(name_ + ".request");
    if (reply_) return http::Response::json(418, "{\"by\":\"" + name_ + "\"}");
    return std::nullopt;
  }
  void on_response(RequestContext&, http::Response& response) override {
    log_.push_back(name_ + ".response." + std::to_string(response.status));
  }

 private:
  std::string name_;
  std::vector<std::string>& log_;
  bool reply_;
};

http::Request get(std::string path) {
  http::Request request;
  request.method = "GET";
  request.raw_path = path;
  request.path = std::move(path);
  return request;
}

TEST(FilterChain, EveryFilterPassesThenTheTerminalAnswersAndResponsesRunLastFirst) {
  std::vector<std::string> log;
  std::vector<std::unique_ptr<RequestFilter>> filters;
  filters.push_back(std::make_unique<Probe>("a", log));
  filters.push_back(std::make_unique<Probe>("b", log));
  const http::Request request = get("/x");
  RequestContext context(request);
  http::Response response = run_filter_chain(filters, context, [&](RequestContext&) {
    log.push_back("terminal");
    return http::Response::json(200, "{}");
  });
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(log, (std::vector<std::string>{"a.request", "b.request", "terminal", "b.response.200",
                                           "a.response.200"}));
}

TEST(FilterChain, LocalReplyStopsTheChainAndOnlyFiltersThatRanSeeIt) {
  std::vector<std::string> log;
  std::vector<std::unique_ptr<RequestFilter>> filters;
  filters.push_back(std::make_unique<Probe>("a", log));
  filters.push_back(std::make_unique<Probe>("b", log, /*reply=*/true));
  filters.push_back(std::make_unique<Probe>("c", log));
  const http::Request request = get("/x");
  RequestContext context(request);
  bool terminal_ran = false;
  http::Response response = run_filter_chain(filters, context, [&](RequestContext&) {
    terminal_ran = true;
    return http::Response::json(200, "{}");
  });
  EXPECT_EQ(response.status, 418);
  EXPECT_FALSE(terminal_ran);
  EXPECT_EQ(log, (std::vector<std::string>{"a.request", "b.request", "b.response.418",
                                           "a.response.418"}));
}

TEST(HealthFilter, AnswersHealthOnlyAndOnlyForGet) {
  HealthFilter filter;
  const http::Request health = get("/health");
  RequestContext context(health);
  auto reply = filter.on_request(context);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_NE(reply->body.find("\"status\":\"ok\""), std::string::npos);
  http::Request post = get("/health/");
  post.method = "POST";
  RequestContext post_context(post);
  auto refused = filter.on_request(post_context);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 405);
  const http::Request other = get("/api/v2");
  RequestContext other_context(other);
  EXPECT_FALSE(filter.on_request(other_context));
}

TEST(PathFilter, SplitsTheRawPathAndRefusesPathsOutsideApi) {
  PathFilter filter;
  http::Request request = get("/api/v2/svc/_table/a%2Fb");
  request.path = "/api/v2/svc/_table/a/b";
  RequestContext context(request);
  EXPECT_FALSE(filter.on_request(context));
  EXPECT_EQ(context.segments, (std::vector<std::string>{"svc", "_table", "a/b"}));
  EXPECT_EQ(context.resource, "svc/_table/a/b");
  const http::Request outside = get("/elsewhere");
  RequestContext outside_context(outside);
  auto reply = filter.on_request(outside_context);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 404);
}

TEST(CorsFilter, AnswersPreflightsAndDecoratesResponses) {
  config::CorsRule rule;
  rule.origin = "https://app.example";
  rule.methods = {"GET"};
  CorsFilter filter({rule});
  http::Request preflight = get("/api/v2/svc/_table");
  preflight.method = "OPTIONS";
  preflight.headers["origin"] = "https://app.example";
  preflight.headers["access-control-request-method"] = "GET";
  RequestContext preflight_context(preflight);
  auto reply = filter.on_request(preflight_context);
  ASSERT_TRUE(reply);
  http::Request simple = get("/api/v2/svc/_table");
  simple.headers["origin"] = "https://app.example";
  RequestContext simple_context(simple);
  EXPECT_FALSE(filter.on_request(simple_context));
  http::Response response = http::Response::json(200, "{}");
  filter.on_response(simple_context, response);
  bool has_allow_origin = false;
  for (const auto& [name, value] : response.headers) {
    if (name == "Access-Control-Allow-Origin") has_allow_origin = value == "https://app.example";
  }
  EXPECT_TRUE(has_allow_origin);
}

}  // namespace
}  // namespace lakegate::api
