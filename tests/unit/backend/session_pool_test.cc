#include "backend/spark_connect/session_pool.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "backend/spark_connect/uuid.h"

namespace lakegate::backend::spark_connect {
namespace {

using namespace std::chrono_literals;

TEST(Uuid, Version4Layout) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = new_uuid_v4();
    ASSERT_TRUE(is_uuid(id)) << id;
    EXPECT_EQ(id[14], '4');
    EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos);
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_FALSE(is_uuid("not-a-uuid"));
}

TEST(SessionPool, ReusesReturnedSessions) {
  SessionPool pool(2);
  CancelToken token;
  std::string first;
  {
    auto lease = pool.acquire(token);
    ASSERT_TRUE(lease.ok());
    first = lease->session().session_id;
    EXPECT_TRUE(is_uuid(first));
  }
  auto again = pool.acquire(token);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->session().session_id, first);
}

TEST(SessionPool, DiscardedSessionIsReplaced) {
  SessionPool pool(1);
  CancelToken token;
  std::string first;
  {
    auto lease = pool.acquire(token);
    first = lease->session().session_id;
    lease->discard();
  }
  auto next = pool.acquire(token);
  ASSERT_TRUE(next.ok());
  EXPECT_NE(next->session().session_id, first);
}

TEST(SessionPool, BoundedWaitTimesOutOrIsCancelled) {
  SessionPool pool(1);
  CancelToken token;
  auto held = pool.acquire(token);
  ASSERT_TRUE(held.ok());

  CancelToken short_deadline(CancelToken::Clock::now() + 100ms);
  auto start = CancelToken::Clock::now();
  auto timed_out = pool.acquire(short_deadline);
  ASSERT_FALSE(timed_out.ok());
  EXPECT_EQ(timed_out.error().code, ErrorCode::kTimeout);
  EXPECT_LT(CancelToken::Clock::now() - start, 1s);

  CancelToken cancelled;
  std::thread canceller([&cancelled] {
    std::this_thread::sleep_for(100ms);
    cancelled.cancel();
  });
  auto result = pool.acquire(cancelled);
  canceller.join();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kCancelled);
}

TEST(SessionPool, WaiterGetsTheReturnedSession) {
  SessionPool pool(1);
  CancelToken token;
  std::optional<SessionPool::Lease> held;
  held.emplace(std::move(*pool.acquire(token)));
  std::thread releaser([&held] {
    std::this_thread::sleep_for(50ms);
    held.reset();
  });
  auto lease = pool.acquire(token);
  releaser.join();
  EXPECT_TRUE(lease.ok());
}

TEST(SessionPool, FixedSessionIdAndClose) {
  SessionPool pool(2, "0f1c0a9e-6b2d-4e8f-9a7b-0c1d2e3f4a5b");
  CancelToken token;
  auto a = pool.acquire(token);
  auto b = pool.acquire(token);
  EXPECT_EQ(a->session().session_id, b->session().session_id);
  auto ids = pool.close();
  EXPECT_EQ(ids.size(), 1u);
  auto after = pool.acquire(token);
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.error().code, ErrorCode::kBackendUnavailable);
}

TEST(SessionPool, DiscardingTheFixedSessionSwitchesToFreshIds) {
  const std::string fixed = "0f1c0a9e-6b2d-4e8f-9a7b-0c1d2e3f4a5b";
  SessionPool pool(1, fixed);
  CancelToken token;
  {
    auto lease = pool.acquire(token);
    EXPECT_EQ(lease->session().session_id, fixed);
    lease->discard();
  }
  auto next = pool.acquire(token);
  ASSERT_TRUE(next.ok());
  EXPECT_NE(next->session().session_id, fixed);
  EXPECT_TRUE(is_uuid(next->session().session_id));
}

}  // namespace
}  // namespace lakegate::backend::spark_connect
