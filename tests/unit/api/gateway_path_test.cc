#include <gtest/gtest.h>

#include "api/gateway.h"

namespace lakegate::api {
namespace {

TEST(SplitApiPath, RemovesPrefixAndVersion) {
  std::vector<std::string> segments;
  ASSERT_TRUE(split_api_path("/api/v2/svc/_table/cat.sch.t", segments));
  EXPECT_EQ(segments, (std::vector<std::string>{"svc", "_table", "cat.sch.t"}));
  ASSERT_TRUE(split_api_path("/api/svc/_query/", segments));
  EXPECT_EQ(segments, (std::vector<std::string>{"svc", "_query"}));
  ASSERT_TRUE(split_api_path("/api/v2.1", segments));
  EXPECT_TRUE(segments.empty());
  EXPECT_FALSE(split_api_path("/other/v2/svc", segments));
  EXPECT_FALSE(split_api_path("/", segments));
}

// "%2F" inside a segment is part of the name, never a separator.
TEST(SplitApiPath, RawPathIsSplitBeforeDecoding) {
  std::vector<std::string> segments;
  http::Request request;
  request.raw_path = "/api/v2/svc/_table/a%2Fb%20c";
  request.path = "/api/v2/svc/_table/a/b c";
  ASSERT_TRUE(split_api_path(request, segments));
  EXPECT_EQ(segments, (std::vector<std::string>{"svc", "_table", "a/b c"}));
  request.raw_path.clear();  // built by hand: the decoded path is all there is
  ASSERT_TRUE(split_api_path(request, segments));
  EXPECT_EQ(segments, (std::vector<std::string>{"svc", "_table", "a", "b c"}));
  EXPECT_FALSE(split_api_path("/api/v2/svc/%zz", segments, /*percent_encoded=*/true));
}

}  // namespace
}  // namespace lakegate::api
