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

}  // namespace
}  // namespace lakegate::api
