#include "auth/login_throttle.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace lakegate::auth {
namespace {

constexpr double kStart = 1'000'000;

TEST(LoginThrottle, FreeFailuresHaveNoDelay) {
  LoginThrottle throttle;
  EXPECT_EQ(throttle.wait_seconds("a@example.com", kStart), 0);
  for (int i = 0; i < 4; ++i) {
    throttle.record_failure("a@example.com", kStart);
    EXPECT_EQ(throttle.wait_seconds("a@example.com", kStart), 0) << i;
  }
}

TEST(LoginThrottle, DelayDoublesAfterFreeFailures) {
  LoginThrottle throttle;  // 5 free, base 1 s, cap 300 s
  double now = kStart;
  for (int i = 0; i < 5; ++i) throttle.record_failure("k", now);
  EXPECT_DOUBLE_EQ(throttle.wait_seconds("k", now), 1);  // 2^0
  EXPECT_DOUBLE_EQ(throttle.wait_seconds("k", now + 0.25), 0.75);
  EXPECT_EQ(throttle.wait_seconds("k", now + 1), 0);

  const double expected[] = {2, 4, 8, 16, 32, 64, 128, 256, 300};
  for (const double delay : expected) {
    throttle.record_failure("k", now);
    EXPECT_DOUBLE_EQ(throttle.wait_seconds("k", now), delay);
    now += delay - 0.5;
    EXPECT_DOUBLE_EQ(throttle.wait_seconds("k", now), 0.5);
    now += 0.5;  // waited it out exactly; fail again
    EXPECT_EQ(throttle.wait_seconds("k", now), 0);
  }
  // A capped wait equals max_delay of quiet, so the record has expired by now.
  throttle.record_failure("k", now);
  EXPECT_EQ(throttle.wait_seconds("k", now), 0);
}

TEST(LoginThrottle, CappedDelayRepeatsWhileFailuresContinue) {
  LoginThrottle throttle({.free_failures = 0, .base_delay_seconds = 1, .max_delay_seconds = 300});
  for (int i = 0; i < 12; ++i) throttle.record_failure("k", kStart);
  EXPECT_DOUBLE_EQ(throttle.wait_seconds("k", kStart), 300);
  throttle.record_failure("k", kStart + 299);  // tried too early: still counted
  EXPECT_DOUBLE_EQ(throttle.wait_seconds("k", kStart + 299), 300);
}

TEST(LoginThrottle, SuccessClearsTheRecord) {
  LoginThrottle throttle;
  for (int i = 0; i < 8; ++i) throttle.record_failure("k", kStart);
  EXPECT_GT(throttle.wait_seconds("k", kStart), 0);
  throttle.record_success("k");
  EXPECT_EQ(throttle.wait_seconds("k", kStart), 0);
  for (int i = 0; i < 4; ++i) throttle.record_failure("k", kStart);
  EXPECT_EQ(throttle.wait_seconds("k", kStart), 0);  // counting starts over
}

TEST(LoginThrottle, KeysAreIndependent) {
  LoginThrottle throttle;
  for (int i = 0; i < 7; ++i) throttle.record_failure("attacked@example.com", kStart);
  EXPECT_DOUBLE_EQ(throttle.wait_seconds("attacked@example.com", kStart), 4);
  EXPECT_EQ(throttle.wait_seconds("other@example.com", kStart), 0);
  EXPECT_EQ(throttle.wait_seconds("10.0.0.1", kStart), 0);
}

TEST(LoginThrottle, RecordsExpireAfterMaxDelayOfQuiet) {
  LoginThrottle throttle({.free_failures = 2, .base_delay_seconds = 10, .max_delay_seconds = 60});
  for (int i = 0; i < 6; ++i) throttle.record_failure("k", kStart);
  EXPECT_DOUBLE_EQ(throttle.wait_seconds("k", kStart), 60);  // 10 * 2^4 = 160, capped
  EXPECT_DOUBLE_EQ(throttle.wait_seconds("k", kStart + 59), 1);
  EXPECT_EQ(throttle.wait_seconds("k", kStart + 60), 0);
  // The record is gone: two more failures are free again.
  throttle.record_failure("k", kStart + 61);
  EXPECT_EQ(throttle.wait_seconds("k", kStart + 61), 0);
  throttle.record_failure("k", kStart + 61);
  EXPECT_DOUBLE_EQ(throttle.wait_seconds("k", kStart + 61), 10);
}

TEST(LoginThrottle, FailureAfterQuietStartsOver) {
  LoginThrottle throttle({.free_failures = 1, .base_delay_seconds = 1, .max_delay_seconds = 100});
  for (int i = 0; i < 5; ++i) throttle.record_failure("k", kStart);
  EXPECT_DOUBLE_EQ(throttle.wait_seconds("k", kStart), 16);
  // No wait_seconds call in between: record_failure itself notices the quiet.
  throttle.record_failure("k", kStart + 100);
  EXPECT_DOUBLE_EQ(throttle.wait_seconds("k", kStart + 100), 1);
}

TEST(LoginThrottle, ZeroFreeFailuresDelaysTheFirstFailure) {
  LoginThrottle throttle({.free_failures = 0, .base_delay_seconds = 2, .max_delay_seconds = 30});
  throttle.record_failure("k", kStart);
  EXPECT_DOUBLE_EQ(throttle.wait_seconds("k", kStart), 4);  // 2 * 2^1
}

TEST(LoginThrottle, HugeFailureCountsStayCapped) {
  LoginThrottle throttle;
  for (int i = 0; i < 5000; ++i) throttle.record_failure("k", kStart);
  EXPECT_DOUBLE_EQ(throttle.wait_seconds("k", kStart), 300);
}

TEST(LoginThrottle, ManyDistinctKeysStayCorrectAcrossSweeps) {
  LoginThrottle throttle({.free_failures = 0, .base_delay_seconds = 1, .max_delay_seconds = 10});
  for (int i = 0; i < 5000; ++i) throttle.record_failure("old" + std::to_string(i), kStart);
  // Long after, fresh keys trigger sweeps; the old keys read as clean either way.
  for (int i = 0; i < 5000; ++i) throttle.record_failure("new" + std::to_string(i), kStart + 100);
  EXPECT_EQ(throttle.wait_seconds("old1", kStart + 100), 0);
  EXPECT_DOUBLE_EQ(throttle.wait_seconds("new1", kStart + 100), 2);  // 1 * 2^1
}

TEST(LoginThrottle, ConcurrentFailuresAreAllCounted) {
  LoginThrottle throttle(
      {.free_failures = 1000, .base_delay_seconds = 1, .max_delay_seconds = 300});
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 125; ++i) throttle.record_failure("k", kStart);
    });
  }
  for (auto& thread : threads) thread.join();
  // Exactly 1000 failures: the first delay (2^0) applies.
  EXPECT_DOUBLE_EQ(throttle.wait_seconds("k", kStart), 1);
}

}  // namespace
}  // namespace lakegate::auth
