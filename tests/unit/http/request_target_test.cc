#include "http/request_target.h"

#include <gtest/gtest.h>

namespace lakegate::http {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(PercentDecode, DecodesAndRejects) {
  std::string out;
  EXPECT_TRUE(percent_decode("a%20b%2Fc+d", false, out));
  EXPECT_EQ(out, "a b/c+d");
  EXPECT_TRUE(percent_decode("a+b%2B", true, out));
  EXPECT_EQ(out, "a b+");
  EXPECT_TRUE(percent_decode("%C3%A9", false, out));
  EXPECT_EQ(out, "\xC3\xA9");
  EXPECT_FALSE(percent_decode("%00", false, out));
  EXPECT_FALSE(percent_decode("%zz", false, out));
  EXPECT_FALSE(percent_decode("abc%4", false, out));
  EXPECT_FALSE(percent_decode("abc%", false, out));
}

TEST(RequestTarget, SplitsPathAndQuery) {
  auto target =
      parse_request_target("/api/v2/db/_table/c.s.t%201?filter=a%3D1+and+b&&x=&flag&k=v=w");
  ASSERT_TRUE(target);
  EXPECT_EQ(target->raw_path, "/api/v2/db/_table/c.s.t%201");
  EXPECT_EQ(target->path, "/api/v2/db/_table/c.s.t 1");
  EXPECT_EQ(target->query, (Pairs{{"filter", "a=1 and b"}, {"x", ""}, {"flag", ""}, {"k", "v=w"}}));
}

TEST(RequestTarget, AbsoluteFormAndErrors) {
  auto absolute = parse_request_target("http://example.com/a?b=1");
  ASSERT_TRUE(absolute);
  EXPECT_EQ(absolute->path, "/a");
  EXPECT_FALSE(parse_request_target("a/b"));
  EXPECT_FALSE(parse_request_target("/a%00b"));
  EXPECT_FALSE(parse_request_target("/a%g0"));
  auto bad_query = parse_request_target("/a?x=%ZZ");
  ASSERT_FALSE(bad_query);
  EXPECT_EQ(bad_query.error().code, ErrorCode::kBadRequest);
}

TEST(EffectiveMethod, TunnelsOnlyPost) {
  std::map<std::string, std::string> headers{{"x-http-method", "merge"}};
  EXPECT_EQ(*effective_method("POST", headers, {}), "PATCH");
  EXPECT_EQ(*effective_method("get", headers, {}), "GET");
  EXPECT_EQ(*effective_method("POST", {{"x-method-override", "Delete"}}, {}), "DELETE");
  EXPECT_EQ(*effective_method("POST", {}, {{"method", "put"}}), "PUT");
  EXPECT_EQ(*effective_method("POST", {}, {}), "POST");
  EXPECT_FALSE(effective_method("POST", {{"x-http-method", "TRACE"}}, {}));
}

TEST(RequestId, SanityAndFreshIds) {
  EXPECT_TRUE(is_sane_request_id("abc-123_x.y:z"));
  EXPECT_FALSE(is_sane_request_id(""));
  EXPECT_FALSE(is_sane_request_id("a b"));
  EXPECT_FALSE(is_sane_request_id(std::string(65, 'a')));
  const std::string id = new_request_id();
  EXPECT_EQ(id.size(), 16u);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(id, new_request_id());
}

}  // namespace
}  // namespace lakegate::http
