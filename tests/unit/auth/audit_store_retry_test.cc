// AuditLog against a failing store (the real SQLite store with injected
// insert failures): batches are retried until stored, nothing is lost or
// written twice, a dead store holds its records' slots so admission refuses,
// warnings are rate limited, and shutdown gives up only after drain_timeout.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "audit_test_support.h"
#include "auth/audit_log.h"

namespace lakegate::auth {
namespace {

using testing::FaultyStore;
using testing::open_faulty_store;
using testing::read_lines;
using testing::sample_record;
using testing::TempDir;
using testing::Warnings;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Request ids of everything in the store; fails the test on a duplicate.
std::set<std::string> stored_request_ids(store::Store& store) {
  auto stored = store.query_audit({.limit = 10000});
  EXPECT_TRUE(stored) << stored.error().message;
  std::set<std::string> ids;
  if (!stored) return ids;
  for (const auto& record : *stored) {
    EXPECT_TRUE(ids.insert(record.request_id).second) << "stored twice: " << record.request_id;
  }
  return ids;
}

AuditOptions fast_retries(Warnings& warnings) {
  AuditOptions options;
  options.retry_min = milliseconds(10);
  options.retry_max = milliseconds(40);
  options.warn = warnings.sink();
  return options;
}

TEST(AuditStoreRetry, AStoreFailingThreeTimesThenWorkingLosesNothing) {
  TempDir dir;
  FaultyStore faulty = open_faulty_store(dir.path());
  faulty.faults->fail_next(3);
  Warnings warnings;
  AuditOptions options = fast_retries(warnings);
  options.file = (dir.path() / "audit.log").string();
  AuditLog log(options, faulty.store.get());
  for (int i = 0; i < 50; ++i) {
    auto ticket = log.admit(milliseconds(0));
    ASSERT_TRUE(ticket) << ticket.error().message;
    log.record(std::move(*ticket), sample_record(i));
  }
  log.flush();

  const auto ids = stored_request_ids(*faulty.store);
  EXPECT_EQ(ids.size(), 50u);
  EXPECT_TRUE(ids.count("req-0") && ids.count("req-49"));
  EXPECT_EQ(read_lines(options.file).size(), 50u);  // one line each, retries wrote none
  EXPECT_EQ(faulty.faults->injected(), 3);
  const AuditCounters counters = log.counters();
  EXPECT_EQ(counters.store_failures, 3u);
  EXPECT_EQ(counters.written, 50u);
  EXPECT_EQ(counters.unstored, 0u);
  EXPECT_EQ(counters.slots_taken, 0u);
  // The first failure is reported, the next two are held back; the recovery is reported.
  const auto failed = warnings.matching("write failed");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_NE(failed[0].second.find("injected: database is locked"), std::string::npos);
  EXPECT_NE(failed[0].second.find("retrying"), std::string::npos);
  const auto recovered = warnings.matching("recovered");
  ASSERT_EQ(recovered.size(), 1u);
  EXPECT_NE(recovered[0].second.find("after 3 failed attempts"), std::string::npos)
      << recovered[0].second;
}

TEST(AuditStoreRetry, ADeadStoreKeepsItsRecordsAndAdmissionRefuses) {
  TempDir dir;
  FaultyStore faulty = open_faulty_store(dir.path());
  faulty.faults->set_down(true);
  Warnings warnings;
  AuditOptions options = fast_retries(warnings);
  options.queue_capacity = 3;
  AuditLog log(options, faulty.store.get());
  for (int i = 0; i < 3; ++i) {
    auto ticket = log.admit(milliseconds(0));
    ASSERT_TRUE(ticket);
    log.record(std::move(*ticket), sample_record(i));
  }
  EXPECT_FALSE(log.flush_for(milliseconds(300)));
  auto refused = log.admit(milliseconds(200));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kAuditUnavailable);
  AuditCounters counters = log.counters();
  EXPECT_EQ(counters.slots_taken, 3u);  // the records wait, holding their slots
  EXPECT_EQ(counters.written, 0u);
  EXPECT_EQ(counters.refused, 1u);
  EXPECT_GE(counters.store_failures, 3u);  // ≥ 500 ms of 10, 20, 40, 40 … ms back-off
  EXPECT_EQ(warnings.matching("write failed").size(), 1u);  // rate limited
  EXPECT_EQ(warnings.matching("refused").size(), 1u);
  EXPECT_TRUE(stored_request_ids(*faulty.store).empty());

  faulty.faults->set_down(false);
  log.flush();
  EXPECT_EQ(stored_request_ids(*faulty.store).size(), 3u);
  counters = log.counters();
  EXPECT_EQ(counters.written, 3u);
  EXPECT_EQ(counters.slots_taken, 0u);
  EXPECT_EQ(counters.unstored, 0u);
  EXPECT_TRUE(log.admit(milliseconds(0)));
}

TEST(AuditStoreRetry, ShutdownGivesUpOnADeadStoreOnlyAfterTheDrainTimeout) {
  TempDir dir;
  FaultyStore faulty = open_faulty_store(dir.path());
  faulty.faults->set_down(true);
  Warnings warnings;
  AuditOptions options = fast_retries(warnings);
  options.file = (dir.path() / "audit.log").string();
  options.drain_timeout = milliseconds(400);
  Clock::time_point stop;
  {
    AuditLog log(options, faulty.store.get());
    log.record(sample_record(1));
    log.record(sample_record(2));
    stop = Clock::now();
  }
  const auto stopping = Clock::now() - stop;
  EXPECT_GE(stopping, milliseconds(380));
  EXPECT_LT(stopping, milliseconds(5000));
  EXPECT_EQ(read_lines(options.file).size(), 2u);  // the file has both
  EXPECT_TRUE(stored_request_ids(*faulty.store).empty());
  const auto unstored = warnings.matching("not stored");
  ASSERT_EQ(unstored.size(), 1u);
  EXPECT_NE(unstored[0].second.find("2 records"), std::string::npos) << unstored[0].second;
  EXPECT_NE(unstored[0].second.find(options.file), std::string::npos) << unstored[0].second;
  const auto failed = warnings.matching("write failed");
  ASSERT_FALSE(failed.empty());
  EXPECT_NE(failed.back().second.find("giving up"), std::string::npos) << failed.back().second;
}

TEST(AuditStoreRetry, ConcurrentRequestsOverAFlakyStoreAreAllStoredOnce) {
  TempDir dir;
  FaultyStore faulty = open_faulty_store(dir.path());
  faulty.faults->set_down(true);  // the first batch surely fails
  Warnings warnings;
  AuditOptions options = fast_retries(warnings);
  options.file = (dir.path() / "audit.log").string();
  options.queue_capacity = 4;
  AuditLog log(options, faulty.store.get());
  std::atomic<bool> requests_done{false};
  std::thread flapping([&] {
    std::this_thread::sleep_for(milliseconds(200));
    for (bool down = false; !requests_done; down = !down) {
      faulty.faults->set_down(down);
      std::this_thread::sleep_for(milliseconds(30));
    }
    faulty.faults->set_down(false);
  });
  std::atomic<int> refused{0};
  std::vector<std::thread> requests;
  for (int t = 0; t < 4; ++t) {
    requests.emplace_back([&, t] {
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
  for (auto& thread : requests) thread.join();
  requests_done = true;
  flapping.join();
  log.flush();
  EXPECT_EQ(refused.load(), 0);
  EXPECT_EQ(stored_request_ids(*faulty.store).size(), 400u);
  EXPECT_EQ(read_lines(options.file).size(), 400u);
  const AuditCounters counters = log.counters();
  EXPECT_EQ(counters.written, 400u);
  EXPECT_GE(counters.store_failures, 1u);
  EXPECT_EQ(counters.store_failures, static_cast<uint64_t>(faulty.faults->injected()));
  EXPECT_EQ(counters.unstored, 0u);
}

}  // namespace
}  // namespace lakegate::auth
