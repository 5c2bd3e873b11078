// Writes to one table take turns; other tables do not wait; a turn not
// given before the deadline is refused.
#include "api/table/write_turns.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace lakegate::api {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST(TableWriteTurns, WritesToOneTableNeverOverlap) {
  TableWriteTurns turns;
  std::atomic<int> inside{0}, most{0}, done{0};
  std::vector<std::thread> writers;
  for (int i = 0; i < 8; ++i) {
    writers.emplace_back([&] {
      auto turn = turns.take("spark_catalog.default.t", Clock::now() + 10s);
      ASSERT_TRUE(turn.has_value());
      const int now = ++inside;
      most = std::max(most.load(), now);
      std::this_thread::sleep_for(5ms);
      --inside;
      ++done;
    });
  }
  for (auto& writer : writers) writer.join();
  EXPECT_EQ(done, 8);
  EXPECT_EQ(most, 1);
}

TEST(TableWriteTurns, OtherTablesDoNotWaitAndTheDeadlineIsKept) {
  TableWriteTurns turns;
  auto held = turns.take("a", Clock::now() + 1s);
  ASSERT_TRUE(held.has_value());
  EXPECT_TRUE(turns.take("b", Clock::now() + 10ms).has_value());
  const auto started = Clock::now();
  EXPECT_FALSE(turns.take("a", Clock::now() + 50ms).has_value());
  EXPECT_GE(Clock::now() - started, 45ms);
  held->unlock();
  EXPECT_TRUE(turns.take("a", Clock::now() + 10ms).has_value());
}

}  // namespace
}  // namespace lakegate::api
