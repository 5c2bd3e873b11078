// How resources use the result cache: when a request may use it, the
// headers of a miss and a hit, what is kept (complete 200s, streamed bodies
// once they ended complete and fit) and what never is.
#include "api/cache/answer_cache.h"

#include <gtest/gtest.h>

#include "api/cache/shared_answers.h"

namespace lakegate::api {
namespace {

std::string header(const http::Response& response, const std::string& name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return "<none>";
}

class AnswerCacheTest : public ::testing::Test {
 protected:
  AnswerCacheTest() {
    service_->results = std::make_unique<cache::ResultCache>(1 << 20, std::chrono::seconds(300));
    request_.method = "GET";
    request_.path = "/api/v2/svc/_table/t";
  }
  CacheUse use_for(const std::string& key, bool exact = true) {
    return plan_cache_use(request_, service_, cache::KeyBuilder().add(key), exact);
  }
  static http::Response streamed(std::vector<std::string> chunks, http::StreamEnd end) {
    http::Response response;
    response.headers.emplace_back("Content-Type", "application/x-ndjson");
    response.producer = [chunks, end](util::ByteSink& out) {
      for (const auto& chunk : chunks) out.write(chunk);
      return end;
    };
    return response;
  }
  static std::string drain(http::Response& response) {
    util::StringSink sink;
    response.producer(sink);
    return sink.data;
  }

  std::shared_ptr<Service> service_ = std::make_shared<Service>();
  http::Request request_;
};

TEST_F(AnswerCacheTest, NothingIsCachedForAServiceWithoutACacheOrForAHead) {
  service_->results.reset();
  EXPECT_EQ(use_for("k").service, nullptr);
  service_->results = std::make_unique<cache::ResultCache>(1 << 20, std::chrono::seconds(1));
  request_.head_only = true;
  EXPECT_EQ(use_for("k").service, nullptr);
  // An uncached use passes the answer through untouched.
  http::Response plain = remember_answer(CacheUse{}, http::Response::json(200, "[]"));
  EXPECT_EQ(header(plain, "X-Lakegate-Cache"), "<none>");
}

TEST_F(AnswerCacheTest, AMissIsKeptAndTheSameKeyIsThenAnsweredFromTheCache) {
  CacheUse use = use_for("k");
  EXPECT_FALSE(cached_answer(use).has_value());
  http::Response first = remember_answer(use, http::Response::json(200, "{\"resource\":[1]}"));
  EXPECT_EQ(header(first, "X-Lakegate-Cache"), "miss");
  EXPECT_EQ(header(first, "Cache-Control"), "private, no-cache");  // exact: revalidate by ETag
  auto hit = cached_answer(use_for("k"));
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->status, 200);
  EXPECT_EQ(hit->body, "{\"resource\":[1]}");
  EXPECT_EQ(header(*hit, "Content-Type"), "application/json");
  EXPECT_EQ(header(*hit, "X-Lakegate-Cache"), "hit");
  EXPECT_EQ(header(*hit, "Age"), "0");
  EXPECT_FALSE(cached_answer(use_for("other")).has_value());
  const auto stats = service_->results->stats();
  EXPECT_EQ(stats.hits, 1u);
  EXPECT_EQ(stats.misses, 2u);
}

TEST_F(AnswerCacheTest, ATtlBoundAnswerTellsTheClientHowLongItMayKeepIt) {
  http::Response first =
      remember_answer(use_for("k", /*exact=*/false), http::Response::json(200, "1"));
  EXPECT_EQ(header(first, "Cache-Control"), "private, max-age=300");
  auto hit = cached_answer(use_for("k", false));
  ASSERT_TRUE(hit.has_value());
  const std::string control = header(*hit, "Cache-Control");
  EXPECT_TRUE(control == "private, max-age=300" || control == "private, max-age=299") << control;
}

TEST_F(AnswerCacheTest, ErrorsAreNeverKept) {
  remember_answer(use_for("k"), http::Response::json(404, "{\"error\":{}}"));
  remember_answer(use_for("k"), http::Response::json(503, "{\"error\":{}}"));
  EXPECT_FALSE(cached_answer(use_for("k")).has_value());
  EXPECT_EQ(service_->results->stats().stores, 0u);
}

TEST_F(AnswerCacheTest, ARefreshSkipsTheLookupAndReplacesTheStoredAnswer) {
  remember_answer(use_for("k"), http::Response::json(200, "old"));
  request_.query.emplace_back("refresh", "true");
  CacheUse refresh = use_for("k");
  EXPECT_TRUE(refresh.refresh);
  EXPECT_FALSE(cached_answer(refresh).has_value());
  http::Response fresh = remember_answer(refresh, http::Response::json(200, "new"));
  EXPECT_EQ(header(fresh, "X-Lakegate-Cache"), "refresh");
  request_.query.clear();
  EXPECT_EQ(cached_answer(use_for("k"))->body, "new");
  EXPECT_EQ(service_->results->stats().bypasses, 1u);
}

TEST_F(AnswerCacheTest, ARequestCacheControlNoCacheAsksForAFreshAnswer) {
  request_.headers["cache-control"] = "No-Cache";
  EXPECT_TRUE(wants_fresh_answer(request_));
  request_.headers["cache-control"] = "max-age=60";
  EXPECT_FALSE(wants_fresh_answer(request_));
  request_.query.emplace_back("refresh", "false");
  EXPECT_FALSE(wants_fresh_answer(request_));
}

TEST_F(AnswerCacheTest, AStreamedBodyIsKeptOnlyOnceItEndedComplete) {
  http::Response aborted =
      remember_answer(use_for("a"), streamed({"{\"x\":", "1"}, http::StreamEnd::aborted()));
  EXPECT_EQ(drain(aborted), "{\"x\":1");
  http::Response replaced =
      remember_answer(use_for("r"), streamed({}, http::StreamEnd::replaced(400, "{\"error\":{}}")));
  drain(replaced);
  EXPECT_EQ(service_->results->stats().stores, 0u);

  http::Response complete =
      remember_answer(use_for("c"), streamed({"{\"x\":1}\n", "{\"x\":2}\n"}, {}));
  EXPECT_EQ(header(complete, "X-Lakegate-Cache"), "miss");
  EXPECT_FALSE(cached_answer(use_for("c")).has_value());  // not before the body ended
  EXPECT_EQ(drain(complete), "{\"x\":1}\n{\"x\":2}\n");
  auto hit = cached_answer(use_for("c"));
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->body, "{\"x\":1}\n{\"x\":2}\n");
  EXPECT_FALSE(hit->producer);
  EXPECT_EQ(header(*hit, "Content-Type"), "application/x-ndjson");
  EXPECT_EQ(header(*hit, "X-Lakegate-Cache"), "hit");
  EXPECT_EQ(std::count_if(hit->headers.begin(), hit->headers.end(),
                          [](const auto& h) { return h.first == "Cache-Control"; }),
            1);
}

TEST_F(AnswerCacheTest, AStreamedBodyTooLargeForTheCacheStillReachesTheClientWhole) {
  service_->results = std::make_unique<cache::ResultCache>(8 * 1024, std::chrono::seconds(60));
  const std::string chunk(600, 'x');
  http::Response big = remember_answer(use_for("big"), streamed({chunk, chunk}, {}));
  EXPECT_EQ(drain(big), chunk + chunk);
  EXPECT_FALSE(cached_answer(use_for("big")).has_value());
}

TEST(SharedAnswers, AStoredValueReadsBackOnlyForItsOwnKey) {
  cache::Answer answer;
  answer.status = 200;
  answer.headers = {{"Content-Type", "text/csv"}, {"ETag", "\"v7-1:2\""}};
  answer.body = std::string("a,b\r\n1,\"x:y\"\r\n") + std::string(1, '\0') + "end";
  const std::string key = std::string("5:_table") + std::string(1, '\0') + "key";
  const std::string value = SharedAnswers::encode(key, answer, true, 1'700'000'000'123);
  cache::Answer read;
  bool exact = false;
  int64_t stored_at = 0;
  ASSERT_TRUE(SharedAnswers::decode(value, key, read, exact, stored_at));
  EXPECT_EQ(read.status, 200);
  EXPECT_EQ(read.headers, answer.headers);
  EXPECT_EQ(read.body, answer.body);
  EXPECT_TRUE(exact);
  EXPECT_EQ(stored_at, 1'700'000'000'123);
  // Another key (a hash collision, say), cut or padded bytes: not an answer.
  EXPECT_FALSE(SharedAnswers::decode(value, key + "x", read, exact, stored_at));
  EXPECT_FALSE(
      SharedAnswers::decode(value.substr(0, value.size() - 1), key, read, exact, stored_at));
  EXPECT_FALSE(SharedAnswers::decode(value + "1", key, read, exact, stored_at));
  EXPECT_FALSE(SharedAnswers::decode("garbage", key, read, exact, stored_at));
}

TEST(SharedAnswers, NoSharedTierWithoutAUrlAndABadUrlIsAConfigError) {
  config::ResultCacheConfig config;
  auto none = SharedAnswers::open(config);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, nullptr);
  config.shared = "redis://:@";
  auto bad = SharedAnswers::open(config);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kBadConfig);
}

TEST(SharedAnswers, AnUnreachableRedisIsAMissNeverAnError) {
  SharedAnswers shared(redis::Address{"127.0.0.1", 1, 0, "", ""}, "lakegate:rc:");
  cache::Answer answer;
  shared.put("svc", "k", answer, false, std::chrono::milliseconds(0), std::chrono::seconds(60));
  EXPECT_FALSE(shared.get("svc", "k").has_value());
}

}  // namespace
}  // namespace lakegate::api
