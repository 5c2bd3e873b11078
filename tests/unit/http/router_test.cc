#include "http/router.h"

#include <gtest/gtest.h>

namespace lakegate::http {
namespace {

enum Route { kServices, kQuery, kTables, kTable, kRecord, kSystem };

Router make_router() {
  Router router;
  EXPECT_TRUE(router.add("GET", "/api/v2", kServices));
  EXPECT_TRUE(router.add("POST", "/api/v2/{service}/_query", kQuery));
  EXPECT_TRUE(router.add("GET", "/api/v2/{service}/_table", kTables));
  EXPECT_TRUE(router.add("GET,POST,PUT,PATCH,DELETE", "/api/v2/{service}/_table/{name}", kTable));
  EXPECT_TRUE(router.add("GET, PATCH", "/api/v2/{service}/_table/{name}/{id}", kRecord));
  EXPECT_TRUE(router.add("*", "/api/v2/system/{resource}", kSystem));
  return router;
}

TEST(Router, CapturesSegments) {
  const Router router = make_router();
  const RouteMatch match = router.match("GET", "/api/v2/lake/_table/main.sales.orders");
  ASSERT_TRUE(match.matched());
  EXPECT_EQ(match.route_id, kTable);
  ASSERT_NE(match.param("service"), nullptr);
  EXPECT_EQ(*match.param("service"), "lake");
  EXPECT_EQ(*match.param("name"), "main.sales.orders");
  EXPECT_EQ(match.param("id"), nullptr);
}

TEST(Router, TrailingSlashAndEmptySegments) {
  const Router router = make_router();
  EXPECT_EQ(router.match("GET", "/api/v2/").route_id, kServices);
  EXPECT_EQ(router.match("GET", "/api/v2/lake/_table/").route_id, kTables);
  EXPECT_EQ(router.match("POST", "/api/v2/lake//_query").route_id, kQuery);
}

TEST(Router, DecodesEachSegment) {
  const Router router = make_router();
  const RouteMatch match = router.match("PATCH", "/api/v2/lake/_table/a%2Fb/x%20y");
  ASSERT_TRUE(match.matched());
  EXPECT_EQ(match.route_id, kRecord);
  EXPECT_EQ(*match.param("name"), "a/b");
  EXPECT_EQ(*match.param("id"), "x y");
  EXPECT_EQ(router.match("GET", "/api/v2/lake/_table/%zz").outcome, RouteMatch::Outcome::kBadPath);
}

TEST(Router, LiteralBeatsCapture) {
  Router router = make_router();
  ASSERT_TRUE(router.add("GET", "/api/v2/{service}/{resource}", 99));
  EXPECT_EQ(router.match("GET", "/api/v2/system/role").route_id, kSystem);
  EXPECT_EQ(router.match("GET", "/api/v2/lake/_table").route_id, kTables);
  EXPECT_EQ(router.match("GET", "/api/v2/lake/_other").route_id, 99);
}

TEST(Router, NotFoundAndMethodNotAllowed) {
  const Router router = make_router();
  EXPECT_EQ(router.match("GET", "/api/v3").outcome, RouteMatch::Outcome::kNotFound);
  const RouteMatch match = router.match("DELETE", "/api/v2/lake/_table/t/1");
  EXPECT_EQ(match.outcome, RouteMatch::Outcome::kMethodNotAllowed);
  EXPECT_EQ(match.allowed_methods, (std::vector<std::string>{"GET", "PATCH"}));
}

TEST(Router, RejectsBadPatterns) {
  Router router;
  EXPECT_FALSE(router.add("GET", "/a/{b", 1));
  EXPECT_FALSE(router.add("GET", "/a/x{b}", 1));
  EXPECT_FALSE(router.add("GET", "/a/{}", 1));
  EXPECT_FALSE(router.add("GET", "/{a}/{a}", 1));
}

TEST(Router, MatchesRequestRawPath) {
  const Router router = make_router();
  Request request;
  request.method = "GET";
  request.raw_path = "/api/v2/lake/_table/a%2Eb";
  request.path = "/api/v2/lake/_table/a.b";
  const RouteMatch match = router.match(request);
  ASSERT_TRUE(match.matched());
  EXPECT_EQ(*match.param("name"), "a.b");
}

}  // namespace
}  // namespace lakegate::http
