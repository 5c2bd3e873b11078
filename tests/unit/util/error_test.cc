#include "util/error.h"

#include <gtest/gtest.h>

#include "util/result.h"

namespace lakegate {
namespace {

TEST(ErrorRegistry, StatusesMatchTheContract) {
  EXPECT_EQ(http_status(ErrorCode::kBadRequest), 400);
  EXPECT_EQ(http_status(ErrorCode::kSparkAnalysis), 400);
  EXPECT_EQ(http_status(ErrorCode::kNotFound), 404);
  EXPECT_EQ(http_status(ErrorCode::kTableNotFound), 404);
  EXPECT_EQ(http_status(ErrorCode::kPayloadTooLarge), 413);
  EXPECT_EQ(http_status(ErrorCode::kBackendUnavailable), 503);
  EXPECT_EQ(http_status(ErrorCode::kAuditUnavailable), 503);
  EXPECT_EQ(error_name(ErrorCode::kAuditUnavailable), "AUDIT_UNAVAILABLE");
  EXPECT_EQ(http_status(ErrorCode::kTimeout), 504);
  EXPECT_EQ(error_name(ErrorCode::kTimeout), "TIMEOUT");
}

TEST(Result, CarriesValueOrError) {
  Result<int> good = 7;
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 7);
  Result<int> bad = Error(ErrorCode::kNotFound, "gone").with("table", "t");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().context_value("table"), "t");
  EXPECT_EQ(bad.error().context_value("nope"), "");
  Status fine;
  EXPECT_TRUE(fine.ok());
}

}  // namespace
}  // namespace lakegate
