#include "backend/spark_connect/session_pool.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>
#include <vector>

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

// Fresh sessions (a caller's SQL): never reused, never handed to acquire(),
// retired when their lease ends, bounded by the same capacity.
TEST(SessionPool, FreshSessionsAreNeverReusedAndAreRetired) {
  SessionPool pool(2, "00000000-0000-4000-8000-000000000001");
  std::vector<std::string> retired;
  pool.on_retire([&](const std::string& id) { retired.push_back(id); });
  CancelToken token;
  std::set<std::string> seen;
  for (int i = 0; i < 5; ++i) {
    auto lease = pool.acquire_fresh(token);
    ASSERT_TRUE(lease.ok());
    const std::string id = lease->session().session_id;
    EXPECT_NE(id, "00000000-0000-4000-8000-000000000001");  // not even the fixed id
    EXPECT_TRUE(seen.insert(id).second) << "reused " << id;
  }
  EXPECT_EQ(retired.size(), 5u);
  EXPECT_EQ(std::set<std::string>(retired.begin(), retired.end()), seen);
  // A shared lease never gets a session a fresh lease used.
  auto shared = pool.acquire(token);
  ASSERT_TRUE(shared.ok());
  EXPECT_EQ(seen.count(shared->session().session_id), 0u);
  // Retired sessions are not released again at shutdown.
  const auto live = pool.close();
  for (const auto& id : live) EXPECT_EQ(seen.count(id), 0u);
}

TEST(SessionPool, FreshLeasesCountAgainstCapacity) {
  SessionPool pool(1);
  CancelToken token;
  auto held = pool.acquire_fresh(token);
  ASSERT_TRUE(held.ok());
  CancelToken short_wait(CancelToken::Clock::now() + 100ms);
  auto second = pool.acquire_fresh(short_wait);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::kTimeout);
}

TEST(SessionPool, SparesAreHandedOutByKindOnceEach) {
  SessionPool pool(4);
  std::vector<std::string> retired;
  pool.on_retire([&](const std::string& id) { retired.push_back(id); });
  auto read_only_spare = pool.new_spare();
  read_only_spare->set_up = true;
  const std::string read_only_id = read_only_spare->session_id;
  pool.add_spare(true, std::move(read_only_spare));
  EXPECT_EQ(pool.spare_count(true), 1u);
  EXPECT_EQ(pool.spare_count(false), 0u);
  CancelToken token;
  {
    auto plain = pool.acquire_fresh(token, false);
    ASSERT_TRUE(plain.ok());
    EXPECT_NE(plain->session().session_id, read_only_id);  // not of its kind
    EXPECT_FALSE(plain->session().set_up);
  }
  {
    auto read_only = pool.acquire_fresh(token, true);
    ASSERT_TRUE(read_only.ok());
    EXPECT_EQ(read_only->session().session_id, read_only_id);
    EXPECT_TRUE(read_only->session().set_up);
  }
  EXPECT_EQ(pool.spare_count(true), 0u);
  EXPECT_EQ(retired.back(), read_only_id);  // used once, then retired
  auto next = pool.acquire_fresh(token, true);
  ASSERT_TRUE(next.ok());
  EXPECT_NE(next->session().session_id, read_only_id);
  // A spare added after close is retired, not kept.
  next->discard();
  pool.close();
  auto late = pool.new_spare();
  const std::string late_id = late->session_id;
  pool.add_spare(false, std::move(late));
  EXPECT_EQ(retired.back(), late_id);
}

}  // namespace
}  // namespace lakegate::backend::spark_connect
