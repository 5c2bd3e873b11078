// Re-running writes that lost a Delta commit race: only conflicts are re-run,
// within the attempts, the deadline and the caller's patience; what runs out
// is a 409 saying nothing was written.
#include "api/table/write_retry.h"

#include <gtest/gtest.h>

namespace lakegate::api {
namespace {

using namespace std::chrono_literals;
using Clock = backend::CancelToken::Clock;

Error conflict() {
  return Error(ErrorCode::kConflict, "[DELTA_CONCURRENT_APPEND.WITHOUT_HINT] Files were added")
      .with("errorClass", "DELTA_CONCURRENT_APPEND.WITHOUT_HINT");
}

RetryPolicy fast() {
  RetryPolicy policy;
  policy.first_backoff = 1ms;
  policy.max_backoff = 4ms;
  return policy;
}

TEST(WriteRetry, AConflictIsRunAgainUntilTheWriteCommits) {
  int calls = 0, retries = 0;
  backend::CancelToken cancel(Clock::now() + 10s);
  auto result = run_with_conflict_retries(
      [&]() -> Result<int64_t> { return ++calls < 4 ? Result<int64_t>(conflict()) : 10; }, cancel,
      retries, fast());
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(*result, 10);
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(retries, 3);
}

TEST(WriteRetry, AnyOtherFailureIsNeverRunAgain) {
  // A timeout or a lost connection: the commit may have happened.
  for (ErrorCode code : {ErrorCode::kTimeout, ErrorCode::kBackendUnavailable,
                         ErrorCode::kSparkAnalysis, ErrorCode::kCancelled, ErrorCode::kProtocol}) {
    int calls = 0, retries = 0;
    backend::CancelToken cancel(Clock::now() + 10s);
    auto result = run_with_conflict_retries(
        [&]() -> Result<int64_t> {
          ++calls;
          return Error(code, "failed");
        },
        cancel, retries, fast());
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, code);
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(retries, 0);
  }
}

TEST(WriteRetry, ConflictsThatOutlastTheAttemptsAreA409ThatSaysNothingWasWritten) {
  int calls = 0, retries = 0;
  backend::CancelToken cancel(Clock::now() + 10s);
  RetryPolicy policy = fast();
  policy.max_attempts = 5;
  auto result = run_with_conflict_retries(
      [&]() -> Result<int64_t> {
        ++calls;
        return conflict();
      },
      cancel, retries, policy);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(calls, 5);
  EXPECT_EQ(retries, 4);
  const Error& error = result.error();
  EXPECT_EQ(error.code, ErrorCode::kConflict);
  EXPECT_EQ(http_status(error.code), 409);
  EXPECT_NE(error.message.find("nothing was written"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("5 attempts"), std::string::npos) << error.message;
  EXPECT_EQ(error.context_value("attempts"), "5");
  EXPECT_EQ(error.context_value("retryAfter"), "1");
  EXPECT_EQ(error.context_value("errorClass"), "DELTA_CONCURRENT_APPEND.WITHOUT_HINT");
}

TEST(WriteRetry, NoWaitOutlivesTheDeadline) {
  int calls = 0, retries = 0;
  RetryPolicy policy;
  policy.first_backoff = 400ms;
  policy.max_backoff = 400ms;
  // A deadline closer than any wait could end: the conflict is answered at once
  // unless the jittered wait happens to be that short.
  backend::CancelToken cancel(Clock::now() + 30ms);
  const auto started = Clock::now();
  auto result = run_with_conflict_retries(
      [&]() -> Result<int64_t> {
        ++calls;
        return conflict();
      },
      cancel, retries, policy);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kConflict);
  EXPECT_LT(Clock::now() - started, 200ms);
}

TEST(WriteRetry, ACallerThatLeftStopsTheRetries) {
  int calls = 0, retries = 0;
  backend::CancelToken cancel(Clock::now() + 10s);
  RetryPolicy policy;
  policy.first_backoff = 50ms;
  policy.max_backoff = 50ms;
  auto result = run_with_conflict_retries(
      [&]() -> Result<int64_t> {
        if (++calls == 2) cancel.cancel();
        return conflict();
      },
      cancel, retries, policy);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kConflict);
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace lakegate::api
