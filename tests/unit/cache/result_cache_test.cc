#include "cache/result_cache.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace lakegate::cache {
namespace {

using std::chrono::seconds;

Answer body_of(std::string body) {
  Answer answer;
  answer.headers.emplace_back("Content-Type", "application/json");
  answer.body = std::move(body);
  return answer;
}

class ResultCacheTest : public ::testing::Test {
 protected:
  Clock::time_point now_ = Clock::now();
};

TEST_F(ResultCacheTest, AStoredAnswerIsFoundUntilItsTtlEnds) {
  ResultCache cache(1 << 20, seconds(10));
  EXPECT_EQ(cache.find("k", now_), nullptr);
  ASSERT_TRUE(cache.store("k", body_of("[1]"), /*exact=*/true, now_));
  auto hit = cache.find("k", now_ + seconds(9));
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(hit->answer.body, "[1]");
  EXPECT_TRUE(hit->exact);
  EXPECT_EQ(hit->stored_at, now_);
  EXPECT_EQ(cache.find("k", now_ + seconds(10)), nullptr);  // expired and dropped
  const CacheStats stats = cache.stats();
  EXPECT_EQ(stats.hits, 1u);
  EXPECT_EQ(stats.misses, 2u);
  EXPECT_EQ(stats.stores, 1u);
  EXPECT_EQ(stats.entries, 0u);
  EXPECT_EQ(stats.bytes, 0u);
}

TEST_F(ResultCacheTest, TheLeastRecentlyUsedGoesFirstWhenRoomIsNeeded) {
  // Each answer costs 685 bytes (body, header, key, fixed overhead): eight fit.
  ResultCache cache(8 * 700, seconds(60));
  const std::string body(400, 'x');
  for (char key = 'a'; key <= 'h'; ++key) {
    ASSERT_TRUE(cache.store(std::string(1, key), body_of(body), false, now_));
  }
  EXPECT_EQ(cache.stats().evictions, 0u);
  ASSERT_NE(cache.find("a", now_), nullptr);  // a is now the most recent
  ASSERT_TRUE(cache.store("i", body_of(body), false, now_));
  EXPECT_NE(cache.find("a", now_), nullptr);
  EXPECT_EQ(cache.find("b", now_), nullptr);  // the least recently used
  for (const char* kept : {"c", "d", "e", "f", "g", "h", "i"}) {
    EXPECT_NE(cache.find(kept, now_), nullptr) << kept;
  }
  const CacheStats stats = cache.stats();
  EXPECT_EQ(stats.evictions, 1u);
  EXPECT_EQ(stats.entries, 8u);
  EXPECT_LE(stats.bytes, stats.max_bytes);
}

TEST_F(ResultCacheTest, AnAnswerOverAnEighthOfTheCacheIsNotKept) {
  ResultCache cache(8 * 1024, seconds(60));
  EXPECT_FALSE(cache.store("big", body_of(std::string(1024, 'x')), false, now_));
  EXPECT_EQ(cache.find("big", now_), nullptr);
  EXPECT_EQ(cache.stats().too_large, 1u);
  EXPECT_TRUE(cache.store("small", body_of(std::string(100, 'x')), false, now_));
}

TEST_F(ResultCacheTest, StoringAKeyAgainReplacesItsAnswerAndItsBytes) {
  ResultCache cache(1 << 20, seconds(60));
  ASSERT_TRUE(cache.store("k", body_of(std::string(1000, 'x')), false, now_));
  const size_t first = cache.stats().bytes;
  ASSERT_TRUE(cache.store("k", body_of("short"), true, now_ + seconds(1)));
  const CacheStats stats = cache.stats();
  EXPECT_EQ(stats.entries, 1u);
  EXPECT_EQ(stats.bytes, first - 995);
  auto hit = cache.find("k", now_ + seconds(2));
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(hit->answer.body, "short");
  EXPECT_EQ(hit->stored_at, now_ + seconds(1));
}

TEST_F(ResultCacheTest, AnAnswerMadeElsewhereKeepsItsAge) {
  ResultCache cache(1 << 20, seconds(10));
  ASSERT_TRUE(cache.store("k", body_of("1"), false, now_, seconds(4)));
  auto hit = cache.find("k", now_);
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(hit->stored_at, now_ - seconds(4));
  EXPECT_EQ(cache.find("k", now_ + seconds(6)), nullptr);  // 10 s after it was made
  EXPECT_FALSE(cache.store("old", body_of("1"), false, now_, seconds(10)));
}

TEST_F(ResultCacheTest, AWriteDropsOnlyTheTtlBoundAnswers) {
  ResultCache cache(1 << 20, seconds(60));
  ASSERT_TRUE(cache.store("delta@7", body_of("[1]"), /*exact=*/true, now_));
  ASSERT_TRUE(cache.store("view", body_of("[2]"), /*exact=*/false, now_));
  cache.drop_inexact();
  EXPECT_NE(cache.find("delta@7", now_), nullptr);
  EXPECT_EQ(cache.find("view", now_), nullptr);
  EXPECT_EQ(cache.stats().invalidations, 1u);
  cache.clear();
  EXPECT_EQ(cache.find("delta@7", now_), nullptr);
  EXPECT_EQ(cache.stats().invalidations, 2u);
  EXPECT_EQ(cache.stats().bytes, 0u);
}

TEST_F(ResultCacheTest, KeysDifferingInOneByteAreDifferentEntries) {
  ResultCache cache(1 << 20, seconds(60));
  ASSERT_TRUE(cache.store(std::string("k\0a", 3), body_of("A"), false, now_));
  ASSERT_TRUE(cache.store(std::string("k\0b", 3), body_of("B"), false, now_));
  EXPECT_EQ(cache.find(std::string("k\0a", 3), now_)->answer.body, "A");
  EXPECT_EQ(cache.find(std::string("k\0b", 3), now_)->answer.body, "B");
  EXPECT_EQ(cache.find("k", now_), nullptr);
}

TEST_F(ResultCacheTest, ManyThreadsStoreFindAndDropWithinTheByteCap) {
  ResultCache cache(64 * 1024, seconds(60));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, t, now = now_] {
      for (int i = 0; i < 2000; ++i) {
        const std::string key = "k" + std::to_string((i * 7 + t) % 300);
        if (auto hit = cache.find(key, now)) {
          EXPECT_EQ(hit->answer.body, std::string(200, key.back()));
        } else {
          cache.store(key, body_of(std::string(200, key.back())), i % 2 == 0, now);
        }
        if (i % 500 == 0) cache.drop_inexact();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const CacheStats stats = cache.stats();
  EXPECT_LE(stats.bytes, stats.max_bytes);
  EXPECT_GT(stats.hits, 0u);
  EXPECT_GT(stats.evictions, 0u);
}

}  // namespace
}  // namespace lakegate::cache
