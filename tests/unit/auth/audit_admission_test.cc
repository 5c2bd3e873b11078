// AuditLog admission: a full log makes admit() wait for its bound and then
// refuse (counted, warned about once per interval); a slot freed during the
// wait admits; tickets are consumed by record() or released when dropped.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "audit_test_support.h"
#include "auth/audit_log.h"
#include "auth/warning_throttle.h"

namespace lakegate::auth {
namespace {

using testing::read_lines;
using testing::sample_record;
using testing::TempDir;
using testing::Warnings;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

milliseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start);
}

TEST(AuditAdmission, AFullLogWaitsForTheBoundThenRefuses) {
  Warnings warnings;
  AuditLog log({.queue_capacity = 2, .warn = warnings.sink()}, nullptr);
  auto first = log.admit(milliseconds(0));
  auto second = log.admit(milliseconds(0));
  ASSERT_TRUE(first && second);
  EXPECT_EQ(log.counters().slots_taken, 2u);

  const auto start = Clock::now();
  auto third = log.admit(milliseconds(300));
  const auto waited = since(start);
  ASSERT_FALSE(third);
  EXPECT_EQ(third.error().code, ErrorCode::kAuditUnavailable);
  EXPECT_EQ(http_status(third.error().code), 503);
  EXPECT_GE(waited, milliseconds(290));
  EXPECT_LT(waited, milliseconds(3000));

  // 0 refuses at once.
  const auto again = Clock::now();
  EXPECT_FALSE(log.admit(milliseconds(0)));
  EXPECT_LT(since(again), milliseconds(100));

  const AuditCounters counters = log.counters();
  EXPECT_EQ(counters.refused, 2u);
  EXPECT_EQ(counters.written, 0u);
  EXPECT_EQ(counters.slots_taken, 2u);  // the refusals took nothing
  // One warning: the second refusal falls in the same interval.
  const auto refusals = warnings.matching("refused");
  ASSERT_EQ(refusals.size(), 1u);
  EXPECT_NE(refusals[0].second.find("2 slots taken"), std::string::npos) << refusals[0].second;
}

TEST(AuditAdmission, ASlotReleasedDuringTheWaitAdmits) {
  AuditLog log({.queue_capacity = 1}, nullptr);
  auto held = log.admit(milliseconds(0));
  ASSERT_TRUE(held);
  std::thread releaser([ticket = std::move(*held)]() mutable {
    std::this_thread::sleep_for(milliseconds(150));
    AuditTicket dropped = std::move(ticket);  // the request produced no record
  });
  const auto start = Clock::now();
  auto admitted = log.admit(milliseconds(10000));
  const auto waited = since(start);
  releaser.join();
  ASSERT_TRUE(admitted) << admitted.error().message;
  EXPECT_GE(waited, milliseconds(100));
  EXPECT_LT(waited, milliseconds(5000));
  EXPECT_EQ(log.counters().refused, 0u);
  EXPECT_EQ(log.counters().slots_taken, 1u);
}

TEST(AuditAdmission, ASlotFreedByAWrittenRecordAdmits) {
  TempDir dir;
  const auto file = dir.path() / "audit.log";
  AuditLog log({.file = file.string(), .queue_capacity = 1}, nullptr);
  auto held = log.admit(milliseconds(0));
  ASSERT_TRUE(held);
  std::thread request([&log, ticket = std::move(*held)]() mutable {
    std::this_thread::sleep_for(milliseconds(150));
    log.record(std::move(ticket), sample_record(1));
  });
  auto admitted = log.admit(milliseconds(10000));
  request.join();
  ASSERT_TRUE(admitted) << admitted.error().message;
  log.record(std::move(*admitted), sample_record(2));
  log.flush();
  EXPECT_EQ(read_lines(file).size(), 2u);
  EXPECT_EQ(log.counters().written, 2u);
  EXPECT_EQ(log.counters().refused, 0u);
  EXPECT_EQ(log.counters().slots_taken, 0u);
}

TEST(AuditAdmission, RecordConsumesTheTicketAndADroppedTicketReleases) {
  AuditLog log({.queue_capacity = 1}, nullptr);
  {
    auto unused = log.admit(milliseconds(0));
    ASSERT_TRUE(unused);
    EXPECT_TRUE(unused->holds_slot());
    EXPECT_FALSE(log.admit(milliseconds(0)));
  }
  EXPECT_EQ(log.counters().slots_taken, 0u);

  auto ticket = log.admit(milliseconds(0));
  ASSERT_TRUE(ticket);
  AuditTicket moved = std::move(*ticket);
  EXPECT_FALSE(ticket->holds_slot());
  log.record(std::move(moved), sample_record(3));
  EXPECT_FALSE(moved.holds_slot());  // NOLINT(bugprone-use-after-move): consumed
  log.flush();
  const AuditCounters counters = log.counters();
  EXPECT_EQ(counters.written, 1u);
  EXPECT_EQ(counters.slots_taken, 0u);  // not released twice: the count would wrap
  EXPECT_EQ(counters.refused, 1u);
  EXPECT_TRUE(log.admit(milliseconds(0)));
}

TEST(AuditAdmission, ConcurrentRequestsThroughASmallLogAreAllRecorded) {
  TempDir dir;
  const auto file = dir.path() / "audit.log";
  AuditLog log({.file = file.string(), .queue_capacity = 3}, nullptr);
  std::vector<std::thread> threads;
  std::atomic<int> refused{0};
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        auto ticket = log.admit(milliseconds(30000));
        if (!ticket) {
          ++refused;
          continue;
        }
        log.record(std::move(*ticket), sample_record(t * 100 + i));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  log.flush();
  EXPECT_EQ(refused.load(), 0);
  EXPECT_EQ(read_lines(file).size(), 600u);
  EXPECT_EQ(log.counters().written, 600u);
  EXPECT_EQ(log.counters().slots_taken, 0u);
}

TEST(WarningThrottle, ReportsOncePerIntervalWithTheCountHeldBack) {
  WarningThrottle throttle(milliseconds(1000));
  const auto start = Clock::now();
  uint64_t held_back = 99;
  EXPECT_TRUE(throttle.due(start, held_back));
  EXPECT_EQ(held_back, 0u);
  EXPECT_FALSE(throttle.due(start + milliseconds(10), held_back));
  EXPECT_FALSE(throttle.due(start + milliseconds(999), held_back));
  EXPECT_TRUE(throttle.due(start + milliseconds(1000), held_back));
  EXPECT_EQ(held_back, 2u);
  EXPECT_FALSE(throttle.due(start + milliseconds(1500), held_back));
}

}  // namespace
}  // namespace lakegate::auth
