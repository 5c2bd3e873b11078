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

// An attacker's encodings: a separator spelled %2F never reaches another
// route (system/admin/session stays one segment, which names no service);
// encoded letters decode to the same name (the same checks then apply); a
// bad or NUL escape is refused.
TEST(SplitApiPath, EncodedSeparatorsNeverBecomeRoutes) {
  std::vector<std::string> segments;
  ASSERT_TRUE(split_api_path("/api/v2/system%2Fadmin%2Fsession", segments, true));
  EXPECT_EQ(segments, (std::vector<std::string>{"system/admin/session"}));
  ASSERT_TRUE(split_api_path("/api/v2/spark%2F_table/t", segments, true));
  EXPECT_EQ(segments, (std::vector<std::string>{"spark/_table", "t"}));
  ASSERT_TRUE(split_api_path("/api/v2/%73ystem/user", segments, true));
  EXPECT_EQ(segments, (std::vector<std::string>{"system", "user"}));
  ASSERT_TRUE(split_api_path("/api/v2/spark/_table/..%2F..%2Fetc", segments, true));
  EXPECT_EQ(segments, (std::vector<std::string>{"spark", "_table", "../../etc"}));
  EXPECT_FALSE(split_api_path("/api/v2/spark/_table/a%00b", segments, true));
  EXPECT_FALSE(split_api_path("/api/v2/spark/_table/a%2", segments, true));
}

}  // namespace
}  // namespace lakegate::api
