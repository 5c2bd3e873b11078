// The worker pool's lanes: per-lane running and queue limits, refusal when
// a lane is full, fairness between lanes, and draining on destruction.
#include "http/work_scheduler.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace lakegate::http {
namespace {

using namespace std::chrono_literals;

// A gate jobs wait at until the test opens it.
class Gate {
 public:
  void wait() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return open_; });
  }
  void open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool open_ = false;
};

template <typename Predicate>
bool eventually(Predicate predicate, std::chrono::milliseconds timeout = 3s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (predicate()) return true;
    std::this_thread::sleep_for(1ms);
  }
  return predicate();
}

TEST(WorkScheduler, LaneRunsAtMostItsLimitAndQueuesTheRest) {
  WorkScheduler scheduler(8);
  Gate gate;
  std::atomic<int> done{0};
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(scheduler.submit("svc", {.max_running = 2, .max_queued = 5}, [&] {
      gate.wait();
      ++done;
    }));
  }
  ASSERT_TRUE(eventually([&] { return scheduler.running("svc") == 2; }));
  EXPECT_EQ(scheduler.queued("svc"), 1u);
  gate.open();
  ASSERT_TRUE(eventually([&] { return done.load() == 3; }));
  EXPECT_EQ(scheduler.running("svc"), 0u);
}

TEST(WorkScheduler, FullLaneRefusesAtOnceAndRunsNothingOfTheRefusedJob) {
  WorkScheduler scheduler(4);
  Gate gate;
  std::atomic<int> started{0};
  auto job = [&] {
    ++started;
    gate.wait();
  };
  ASSERT_TRUE(scheduler.submit("svc", {.max_running = 1, .max_queued = 1}, job));
  ASSERT_TRUE(eventually([&] { return scheduler.running("svc") == 1; }));
  ASSERT_TRUE(scheduler.submit("svc", {.max_running = 1, .max_queued = 1}, job));
  bool refused_ran = false;
  EXPECT_FALSE(
      scheduler.submit("svc", {.max_running = 1, .max_queued = 1}, [&] { refused_ran = true; }));
  // Another lane is not affected by the full one.
  std::atomic<bool> other_ran{false};
  ASSERT_TRUE(
      scheduler.submit("other", {.max_running = 1, .max_queued = 0}, [&] { other_ran = true; }));
  EXPECT_TRUE(eventually([&] { return other_ran.load(); }));
  gate.open();
  ASSERT_TRUE(eventually([&] { return started.load() == 2 && scheduler.running("svc") == 0; }));
  EXPECT_FALSE(refused_ran);
}

TEST(WorkScheduler, BusyPoolQueuesUpToTheLaneLimitsThenRefuses) {
  WorkScheduler scheduler(1);
  Gate gate;
  ASSERT_TRUE(scheduler.submit("hog", {.max_running = 0, .max_queued = 0}, [&] { gate.wait(); }));
  ASSERT_TRUE(eventually([&] { return scheduler.running("hog") == 1; }));
  // The only worker is taken: jobs of a lane may wait up to its running +
  // queue limits (2 + 1), then the next is refused.
  std::atomic<int> ran{0};
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(scheduler.submit("svc", {.max_running = 2, .max_queued = 1}, [&] { ++ran; }));
  }
  EXPECT_FALSE(scheduler.submit("svc", {.max_running = 2, .max_queued = 1}, [&] { ++ran; }));
  EXPECT_EQ(scheduler.queued("svc"), 3u);
  gate.open();
  EXPECT_TRUE(eventually([&] { return ran.load() == 3; }));
}

TEST(WorkScheduler, FreeWorkersServeLanesInTurn) {
  WorkScheduler scheduler(1);
  Gate gate;
  ASSERT_TRUE(scheduler.submit("block", {.max_running = 1, .max_queued = 0}, [&] { gate.wait(); }));
  ASSERT_TRUE(eventually([&] { return scheduler.running("block") == 1; }));
  std::mutex mutex;
  std::vector<char> order;
  auto record = [&](char lane) {
    return [&, lane] {
      std::lock_guard lock(mutex);
      order.push_back(lane);
    };
  };
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(scheduler.submit("a", {.max_running = 1, .max_queued = 10}, record('a')));
  }
  ASSERT_TRUE(scheduler.submit("b", {.max_running = 1, .max_queued = 10}, record('b')));
  gate.open();
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(mutex);
    return order.size() == 4;
  }));
  // "b" does not wait behind all of "a": it runs before a's last job.
  std::lock_guard lock(mutex);
  EXPECT_NE(order.back(), 'b');
}

TEST(WorkScheduler, DestructionRunsQueuedJobsFirst) {
  std::atomic<int> ran{0};
  {
    WorkScheduler scheduler(1);
    for (int i = 0; i < 20; ++i) {
      ASSERT_TRUE(scheduler.submit("svc", {.max_running = 1, .max_queued = 100}, [&] {
        std::this_thread::sleep_for(1ms);
        ++ran;
      }));
    }
  }
  EXPECT_EQ(ran.load(), 20);
}

TEST(WorkScheduler, ThrowingJobDoesNotKillTheWorker) {
  WorkScheduler scheduler(1);
  const LaneLimits limits{.max_running = 1, .max_queued = 1};
  ASSERT_TRUE(scheduler.submit("svc", limits, [] { throw std::runtime_error("boom"); }));
  std::atomic<bool> ran{false};
  ASSERT_TRUE(scheduler.submit("svc", limits, [&] { ran = true; }));
  EXPECT_TRUE(eventually([&] { return ran.load(); }));
}

}  // namespace
}  // namespace lakegate::http
