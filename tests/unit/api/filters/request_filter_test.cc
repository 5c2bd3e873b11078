// The filter chain's mechanics (continue, local reply, responses seen last
// first by the filters that ran, a run stopped on the event loop by a step
// that would block and resumed at that step) and the filters that need no
// identity, called directly.
#include "api/filters/request_filter.h"

#include <gtest/gtest.h>

#include "api/filters/edge_filters.h"
#include "util/blocking_guard.h"

namespace lakegate::api {
namespace {

// Records what it saw; answers when told to; when told it blocks, refuses
// where blocking is not allowed.
class Probe final : public RequestFilter {
 public:
  Probe(std::string name, std::vector<std::string>& log, bool reply = false, bool blocks = false)
      : name_(std::move(name)), log_(log), reply_(reply), blocks_(blocks) {}
  FilterResult on_request(RequestContext&) override {
    if (blocks_ && !util::may_block()) {
      log_.push_back(name_ + ".refused");
      return http::Response::json(503, util::refuse_blocking(name_).message);
    }
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
  bool blocks_;
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
  FilterChainRun run(filters, request, [&](RequestContext&) {
    log.push_back("terminal");
    return http::Response::json(200, "{}");
  });
  std::optional<http::Response> response = run.run();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
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
  bool terminal_ran = false;
  FilterChainRun run(filters, request, [&](RequestContext&) {
    terminal_ran = true;
    return http::Response::json(200, "{}");
  });
  std::optional<http::Response> response = run.run();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 418);
  EXPECT_FALSE(terminal_ran);
  EXPECT_EQ(log, (std::vector<std::string>{"a.request", "b.request", "b.response.418",
                                           "a.response.418"}));
}

TEST(FilterChain, AStepThatWouldBlockOnTheEventLoopStopsTheRunWhichResumesThereOnAWorker) {
  std::vector<std::string> log;
  std::vector<std::unique_ptr<RequestFilter>> filters;
  filters.push_back(std::make_unique<Probe>("a", log));
  filters.push_back(std::make_unique<Probe>("b", log, /*reply=*/false, /*blocks=*/true));
  filters.push_back(std::make_unique<Probe>("c", log));
  const http::Request request = get("/x");
  FilterChainRun run(filters, request, [&](RequestContext&) {
    log.push_back("terminal");
    return http::Response::json(200, "{}");
  });
  {
    util::NonBlockingScope event_loop;
    EXPECT_FALSE(run.run());
    EXPECT_FALSE(event_loop.refused());  // the run took the refusal
  }
  EXPECT_EQ(log, (std::vector<std::string>{"a.request", "b.refused"}));
  std::optional<http::Response> response = run.run();  // a worker: blocking allowed
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  // "a" ran once; the refused 503 never reached anyone.
  EXPECT_EQ(
      log, (std::vector<std::string>{"a.request", "b.refused", "b.request", "c.request", "terminal",
                                     "c.response.200", "b.response.200", "a.response.200"}));
}

TEST(FilterChain, ATerminalThatWouldBlockRunsAgainOnAWorkerAfterTheFiltersRanOnce) {
  std::vector<std::string> log;
  std::vector<std::unique_ptr<RequestFilter>> filters;
  filters.push_back(std::make_unique<Probe>("a", log));
  const http::Request request = get("/x");
  FilterChainRun run(filters, request, [&](RequestContext&) {
    if (!util::may_block()) {
      log.push_back("terminal.refused");
      return http::Response::json(503, util::refuse_blocking("terminal").message);
    }
    log.push_back("terminal");
    return http::Response::json(200, "{}");
  });
  {
    util::NonBlockingScope event_loop;
    EXPECT_FALSE(run.run());
  }
  std::optional<http::Response> response = run.run();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(log, (std::vector<std::string>{"a.request", "terminal.refused", "terminal",
                                           "a.response.200"}));
}

TEST(FilterChain, ARunThatNeverBlocksAnswersOnTheEventLoop) {
  std::vector<std::string> log;
  std::vector<std::unique_ptr<RequestFilter>> filters;
  filters.push_back(std::make_unique<Probe>("a", log));
  const http::Request request = get("/x");
  FilterChainRun run(filters, request,
                     [&](RequestContext&) { return http::Response::json(200, "{}"); });
  util::NonBlockingScope event_loop;
  std::optional<http::Response> response = run.run();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
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
