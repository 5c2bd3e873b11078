#include "auth/rate_limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <limits>
#include <thread>

namespace lakegate::auth {
namespace {

using store::LimitRecord;

constexpr int kMinute = 0, kHour = 1, kDay = 2;
constexpr double kNow = 1'700'000'000;  // a whole epoch second

// A limit row; the caller fills in user/role/service/endpoint/verb as needed.
LimitRecord limit(int64_t id, std::string type, int64_t rate, int period = kMinute) {
  LimitRecord record;
  record.id = id;
  record.type = std::move(type);
  record.name = "limit " + std::to_string(id);
  record.rate = rate;
  record.period = period;
  return record;
}

// user 7 (role 3), user 8 (role 4), an anonymous caller with role 3 (an app's
// default role); all calling service 5, component "_table/orders", GET.
LimitRequest user7() {
  return {7, 3, 5, "_table/orders", "GET"};
}
LimitRequest user8() {
  return {8, 4, 5, "_table/orders", "GET"};
}
LimitRequest anonymous() {
  return {std::nullopt, 3, 5, "_table/orders", "GET"};
}

std::vector<std::string> keys(const std::vector<LimitRecord>& limits, const LimitRequest& request) {
  std::vector<std::string> out;
  for (const AppliedLimit& applied : applicable_limits(limits, request)) out.push_back(applied.key);
  return out;
}

std::vector<int64_t> ids(const std::vector<LimitRecord>& limits, const LimitRequest& request) {
  std::vector<int64_t> out;
  for (const AppliedLimit& applied : applicable_limits(limits, request)) {
    out.push_back(applied.limit->id);
  }
  return out;
}

// One limit of every type, naming user 7, role 3, service 5, "_table/orders".
LimitRecord of_type(const std::string& type) {
  LimitRecord record = limit(1, type, 10);
  if (type.find(".user") != std::string::npos) record.user_id = 7;
  if (type == "instance.role") record.role_id = 3;
  if (type.find(".service") != std::string::npos) record.service_id = 5;
  if (type.find(".endpoint") != std::string::npos) record.endpoint = "_table/orders";
  return record;
}

TEST(RateLimitPeriods, HaveDreamFactoryNamesAndLengths) {
  EXPECT_EQ(period_seconds(0), 60);
  EXPECT_EQ(period_seconds(1), 3600);
  EXPECT_EQ(period_seconds(2), 86400);
  EXPECT_EQ(period_seconds(3), 7 * 86400);
  EXPECT_EQ(period_seconds(4), 30 * 86400);
  EXPECT_EQ(period_seconds(5), 0);
  EXPECT_EQ(period_seconds(-1), 0);
  EXPECT_EQ(period_name(0), "minute");
  EXPECT_EQ(period_name(1), "hour");
  EXPECT_EQ(period_name(2), "day");
  EXPECT_EQ(period_name(3), "7-day");
  EXPECT_EQ(period_name(4), "30-day");
  EXPECT_EQ(period_name(5), "");
}

struct TypeCase {
  std::string type;
  std::string key_for_user7;  // "" = does not apply to user 7
  std::string key_for_user8;
  std::string key_for_anonymous;
};

TEST(ApplicableLimits, EveryTypeForNamedUserOtherUserAndAnonymous) {
  const std::vector<TypeCase> cases = {
      {"instance", "instance.minute", "instance.minute", "instance.minute"},
      {"instance.user", "instance.user:7.minute", "", ""},
      {"instance.each_user", "instance.each_user:7.minute", "instance.each_user:8.minute", ""},
      {"instance.role", "instance.role:3.minute", "", "instance.role:3.minute"},
      {"instance.service", "instance.service:5.minute", "instance.service:5.minute",
       "instance.service:5.minute"},
      {"instance.user.service", "instance.user:7.service:5.minute", "", ""},
      {"instance.each_user.service", "instance.each_user:7.service:5.minute",
       "instance.each_user:8.service:5.minute", ""},
      {"instance.service.endpoint", "instance.service:5.endpoint:_table/orders.minute",
       "instance.service:5.endpoint:_table/orders.minute",
       "instance.service:5.endpoint:_table/orders.minute"},
      {"instance.user.service.endpoint", "instance.user:7.service:5.endpoint:_table/orders.minute",
       "", ""},
      {"instance.each_user.service.endpoint",
       "instance.each_user:7.service:5.endpoint:_table/orders.minute",
       "instance.each_user:8.service:5.endpoint:_table/orders.minute", ""},
  };
  auto expected = [](const std::string& key) {
    return key.empty() ? std::vector<std::string>{} : std::vector<std::string>{key};
  };
  for (const TypeCase& c : cases) {
    SCOPED_TRACE(c.type);
    const std::vector<LimitRecord> limits = {of_type(c.type)};
    EXPECT_EQ(keys(limits, user7()), expected(c.key_for_user7));
    EXPECT_EQ(keys(limits, user8()), expected(c.key_for_user8));
    EXPECT_EQ(keys(limits, anonymous()), expected(c.key_for_anonymous));

    // The verb and the period are appended to every key.
    LimitRecord with_verb = of_type(c.type);
    with_verb.verb = "GET";
    with_verb.period = kHour;
    if (!c.key_for_user7.empty()) {
      const std::string stem = c.key_for_user7.substr(0, c.key_for_user7.size() - 7);
      EXPECT_EQ(keys({with_verb}, user7()), expected(stem + ".verb:GET.hour"));
    }
  }
}

TEST(ApplicableLimits, ServiceTypesNeedThatService) {
  for (const std::string type :
       {"instance.service", "instance.user.service", "instance.each_user.service",
        "instance.service.endpoint", "instance.user.service.endpoint",
        "instance.each_user.service.endpoint"}) {
    SCOPED_TRACE(type);
    LimitRequest other_service = user7();
    other_service.service_id = 6;
    EXPECT_TRUE(keys({of_type(type)}, other_service).empty());
    LimitRequest no_service = user7();
    no_service.service_id = 0;  // e.g. /api/v2/system/...
    EXPECT_TRUE(keys({of_type(type)}, no_service).empty());
  }
  LimitRecord no_service_named = limit(1, "instance.service", 10);  // service_id unset
  EXPECT_TRUE(keys({no_service_named}, user7()).empty());
}

TEST(ApplicableLimits, UserAndRoleTypesNeedTheirIds) {
  EXPECT_TRUE(keys({limit(1, "instance.user", 10)}, user7()).empty());  // user_id unset
  EXPECT_TRUE(keys({limit(1, "instance.role", 10)}, user7()).empty());  // role_id unset
  LimitRequest no_role = user7();
  no_role.role_id.reset();
  EXPECT_TRUE(keys({of_type("instance.role")}, no_role).empty());
}

TEST(ApplicableLimits, EndpointWildcardsAndCase) {
  auto endpoint_limit = [](std::string endpoint) {
    LimitRecord record = of_type("instance.service.endpoint");
    record.endpoint = std::move(endpoint);
    return record;
  };
  auto request_for = [](std::string endpoint) {
    LimitRequest request = user7();
    request.endpoint = std::move(endpoint);
    return request;
  };
  const LimitRecord tables = endpoint_limit("_table/*");
  EXPECT_EQ(keys({tables}, request_for("_table/orders")),
            std::vector<std::string>{"instance.service:5.endpoint:_table/*.minute"});
  // Every table under the wildcard draws from the one bucket.
  EXPECT_EQ(keys({tables}, request_for("_table/customers")),
            keys({tables}, request_for("_table/orders")));
  EXPECT_EQ(keys({tables}, request_for("_TABLE/Orders")).size(), 1u);
  EXPECT_TRUE(keys({tables}, request_for("_schema/orders")).empty());
  EXPECT_TRUE(keys({tables}, request_for("_tabl")).empty());

  const LimitRecord prefix = endpoint_limit("_table/sales.*");
  EXPECT_EQ(keys({prefix}, request_for("_table/sales.orders")).size(), 1u);
  EXPECT_TRUE(keys({prefix}, request_for("_table/hr.people")).empty());

  const LimitRecord exact = endpoint_limit("_table/Orders");
  EXPECT_EQ(keys({exact}, request_for("_table/orders")),
            std::vector<std::string>{"instance.service:5.endpoint:_table/Orders.minute"});
  EXPECT_EQ(keys({exact}, request_for("/_table/ORDERS/")).size(), 1u);
  EXPECT_TRUE(keys({exact}, request_for("_table/orders_archive")).empty());
  EXPECT_TRUE(keys({exact}, request_for("_table")).empty());

  EXPECT_EQ(keys({endpoint_limit("*")}, request_for("_proc/x")).size(), 1u);
  EXPECT_EQ(keys({endpoint_limit("")}, request_for("_proc/x")).size(), 1u);
}

TEST(ApplicableLimits, VerbMustMatchAndIsUpperCasedInTheKey) {
  LimitRecord get = limit(1, "instance", 10);
  get.verb = "get";
  EXPECT_EQ(keys({get}, user7()), std::vector<std::string>{"instance.verb:GET.minute"});
  LimitRequest post = user7();
  post.verb = "POST";
  EXPECT_TRUE(keys({get}, post).empty());
}

TEST(ApplicableLimits, IgnoresInactiveUnknownTypesAndUnknownPeriods) {
  LimitRecord inactive = limit(1, "instance", 10);
  inactive.is_active = false;
  LimitRecord unknown_type = limit(2, "instance.app", 10);
  LimitRecord unknown_period = limit(3, "instance", 10, 9);
  EXPECT_TRUE(keys({inactive, unknown_type, unknown_period}, user7()).empty());
}

TEST(ApplicableLimits, NamedUserOverridesEachUserOfTheSameScope) {
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"instance.user", "instance.each_user"},
      {"instance.user.service", "instance.each_user.service"},
      {"instance.user.service.endpoint", "instance.each_user.service.endpoint"},
  };
  for (const auto& [user_type, each_user_type] : pairs) {
    SCOPED_TRACE(user_type);
    LimitRecord named = of_type(user_type);
    named.id = 1;
    named.rate = 1000;
    LimitRecord each = of_type(each_user_type);
    each.id = 2;
    each.rate = 100;
    EXPECT_EQ(ids({named, each}, user7()), std::vector<int64_t>{1});
    EXPECT_EQ(ids({each, named}, user7()), std::vector<int64_t>{1});  // order does not matter
    EXPECT_EQ(ids({named, each}, user8()), std::vector<int64_t>{2});
    EXPECT_TRUE(ids({named, each}, anonymous()).empty());

    // A different period, verb or inactive named limit does not override.
    LimitRecord hourly = named;
    hourly.period = kHour;
    EXPECT_EQ(ids({hourly, each}, user7()), (std::vector<int64_t>{1, 2}));
    LimitRecord get_only = named;
    get_only.verb = "GET";
    EXPECT_EQ(ids({get_only, each}, user7()), (std::vector<int64_t>{1, 2}));
    LimitRecord inactive = named;
    inactive.is_active = false;
    EXPECT_EQ(ids({inactive, each}, user7()), std::vector<int64_t>{2});
  }

  // Scoped to another component, the named limit does not apply nor override.
  LimitRecord named = of_type("instance.user.service.endpoint");
  named.id = 1;
  named.endpoint = "_table/*";
  LimitRecord each = of_type("instance.each_user.service.endpoint");
  each.id = 2;
  EXPECT_EQ(ids({named, each}, user7()), (std::vector<int64_t>{1, 2}));
}

TEST(ApplicableLimits, VerbSpecificOverridesAllVerbsOfTheSameTypeAndTarget) {
  LimitRecord all_verbs = limit(1, "instance.service", 100);
  all_verbs.service_id = 5;
  LimitRecord gets = all_verbs;
  gets.id = 2;
  gets.rate = 10;
  gets.verb = "GET";
  EXPECT_EQ(ids({all_verbs, gets}, user7()), std::vector<int64_t>{2});
  EXPECT_EQ(ids({gets, all_verbs}, user7()), std::vector<int64_t>{2});
  LimitRequest post = user7();
  post.verb = "POST";
  EXPECT_EQ(ids({all_verbs, gets}, post), std::vector<int64_t>{1});

  // Another period, type or component keeps both.
  LimitRecord hourly_gets = gets;
  hourly_gets.period = kHour;
  EXPECT_EQ(ids({all_verbs, hourly_gets}, user7()), (std::vector<int64_t>{1, 2}));
  LimitRecord instance_gets = limit(3, "instance", 10);
  instance_gets.verb = "GET";
  EXPECT_EQ(ids({all_verbs, instance_gets}, user7()), (std::vector<int64_t>{1, 3}));
  LimitRecord endpoint_all = of_type("instance.service.endpoint");
  endpoint_all.id = 4;
  endpoint_all.endpoint = "_table/*";
  LimitRecord endpoint_gets = of_type("instance.service.endpoint");
  endpoint_gets.id = 5;
  endpoint_gets.verb = "GET";  // on "_table/orders"
  EXPECT_EQ(ids({endpoint_all, endpoint_gets}, user7()), (std::vector<int64_t>{4, 5}));

  // each_user: the verb-specific each_user limit overrides the all-verbs one,
  // and a named user's GET limit overrides the each_user GET limit.
  LimitRecord each_all = limit(6, "instance.each_user", 100);
  LimitRecord each_gets = limit(7, "instance.each_user", 10);
  each_gets.verb = "GET";
  LimitRecord user7_gets = limit(8, "instance.user", 50);
  user7_gets.user_id = 7;
  user7_gets.verb = "GET";
  EXPECT_EQ(ids({each_all, each_gets, user7_gets}, user7()), std::vector<int64_t>{8});
  EXPECT_EQ(ids({each_all, each_gets, user7_gets}, user8()), std::vector<int64_t>{7});
  EXPECT_EQ(ids({each_all, each_gets, user7_gets}, post), std::vector<int64_t>{6});
}

TEST(ApplicableLimits, RowsWithTheSameKeyShareOneBucketAtTheSmallestRate) {
  LimitRecord loose = limit(1, "instance", 100);
  LimitRecord strict = limit(2, "instance", 10);
  const std::vector<AppliedLimit> applied = applicable_limits({loose, strict}, user7());
  ASSERT_EQ(applied.size(), 1u);
  EXPECT_EQ(applied[0].limit->id, 2);
}

// --- RateLimiter over the in-memory store -----------------------------------

class MemoryRateLimiterTest : public ::testing::Test {
 protected:
  RateLimiter limiter_{make_memory_bucket_store()};

  LimitVerdict check(const std::vector<LimitRecord>& limits, double now,
                     const LimitRequest& request = user7()) {
    Result<LimitVerdict> verdict = limiter_.check(limits, request, now);
    EXPECT_TRUE(verdict.ok()) << verdict.error().message;
    return verdict ? *verdict : LimitVerdict{};
  }
  int allowed_count(const std::vector<LimitRecord>& limits, int attempts, double now) {
    int allowed = 0;
    for (int i = 0; i < attempts; ++i) allowed += check(limits, now).allowed ? 1 : 0;
    return allowed;
  }
};

TEST_F(MemoryRateLimiterTest, BurstOfExactlyRateThenRefused) {
  const std::vector<LimitRecord> limits = {limit(1, "instance", 10)};
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(check(limits, kNow).allowed) << i;
  const LimitVerdict refused = check(limits, kNow);
  EXPECT_FALSE(refused.allowed);
  ASSERT_EQ(refused.exceeded.size(), 1u);
  EXPECT_EQ(refused.exceeded[0], &limits[0]);
  EXPECT_EQ(refused.limit, 10);
  EXPECT_EQ(refused.remaining, 0);
  EXPECT_EQ(refused.retry_after_seconds, 6);  // one token per 60/10 s
  EXPECT_EQ(refused.reset_epoch, static_cast<int64_t>(kNow) + 6);
}

TEST_F(MemoryRateLimiterTest, AllowedVerdictLeavesHeaderFieldsZero) {
  const LimitVerdict allowed = check({limit(1, "instance", 10)}, kNow);
  EXPECT_TRUE(allowed.allowed);
  EXPECT_TRUE(allowed.exceeded.empty());
  EXPECT_EQ(allowed.limit, 0);
  EXPECT_EQ(allowed.retry_after_seconds, 0);
}

TEST_F(MemoryRateLimiterTest, RefillsOneTokenPerPeriodOverRate) {
  const std::vector<LimitRecord> limits = {limit(1, "instance", 10)};
  EXPECT_EQ(allowed_count(limits, 10, kNow), 10);
  EXPECT_FALSE(check(limits, kNow + 5.9).allowed);
  EXPECT_TRUE(check(limits, kNow + 6).allowed);
  EXPECT_FALSE(check(limits, kNow + 6).allowed);
  EXPECT_EQ(allowed_count(limits, 3, kNow + 18), 2);  // 12 s more: two tokens
  // A full period refills to capacity, never beyond.
  EXPECT_EQ(allowed_count(limits, 20, kNow + 1000), 10);
}

TEST_F(MemoryRateLimiterTest, RetryAfterCountsDownAndRoundsUp) {
  const std::vector<LimitRecord> limits = {limit(1, "instance", 10)};
  EXPECT_EQ(allowed_count(limits, 10, kNow), 10);
  EXPECT_EQ(check(limits, kNow + 3).retry_after_seconds, 3);
  const LimitVerdict late = check(limits, kNow + 5.5);
  EXPECT_EQ(late.retry_after_seconds, 1);
  EXPECT_EQ(late.reset_epoch, static_cast<int64_t>(kNow) + 6);
  const LimitVerdict fractional = check(limits, kNow + 0.25);
  EXPECT_EQ(fractional.retry_after_seconds, 6);  // 5.75 s rounds up
  EXPECT_EQ(fractional.reset_epoch, static_cast<int64_t>(kNow) + 6);

  LimitRecord role_limit = limit(2, "instance.role", 2, kHour);
  role_limit.role_id = 3;
  const std::vector<LimitRecord> hourly = {role_limit};
  EXPECT_EQ(allowed_count(hourly, 2, kNow), 2);
  EXPECT_EQ(check(hourly, kNow).retry_after_seconds, 1800);
}

TEST_F(MemoryRateLimiterTest, TakesFromAllBucketsOrNone) {
  const LimitRecord wide = limit(1, "instance", 5);
  LimitRecord narrow = limit(2, "instance.user", 2);
  narrow.user_id = 7;
  const std::vector<LimitRecord> both = {wide, narrow};
  EXPECT_EQ(allowed_count(both, 2, kNow), 2);
  for (int i = 0; i < 5; ++i) {
    const LimitVerdict refused = check(both, kNow);
    ASSERT_FALSE(refused.allowed);
    ASSERT_EQ(refused.exceeded.size(), 1u);
    EXPECT_EQ(refused.exceeded[0]->id, 2);
    EXPECT_EQ(refused.limit, 2);
  }
  // The refused requests took nothing from the wide bucket: 3 tokens left.
  EXPECT_EQ(allowed_count({wide}, 10, kNow), 3);
}

TEST_F(MemoryRateLimiterTest, SeveralExhaustedLimitsReportTheSmallestRateAndLongestWait) {
  const LimitRecord per_minute = limit(1, "instance", 2, kMinute);
  LimitRecord per_day = limit(2, "instance.user", 2, kDay);
  per_day.user_id = 7;
  const std::vector<LimitRecord> limits = {per_minute, per_day};
  EXPECT_EQ(allowed_count(limits, 2, kNow), 2);
  const LimitVerdict refused = check(limits, kNow);
  EXPECT_EQ(refused.exceeded.size(), 2u);
  EXPECT_EQ(refused.limit, 2);
  EXPECT_EQ(refused.retry_after_seconds, 43200);  // the day bucket: 86400 / 2
}

TEST_F(MemoryRateLimiterTest, ZeroRateRefusesEverythingForAPeriod) {
  const LimitVerdict refused = check({limit(1, "instance", 0, kHour)}, kNow);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.limit, 0);
  EXPECT_EQ(refused.retry_after_seconds, 3600);
}

TEST_F(MemoryRateLimiterTest, NoApplicableLimitAllows) {
  LimitRecord other_user = limit(1, "instance.user", 0);
  other_user.user_id = 99;
  EXPECT_TRUE(check({other_user}, kNow).allowed);
  EXPECT_TRUE(check({}, kNow).allowed);
}

TEST_F(MemoryRateLimiterTest, EachUserHasItsOwnBucket) {
  const std::vector<LimitRecord> limits = {limit(1, "instance.each_user", 1)};
  EXPECT_TRUE(check(limits, kNow, user7()).allowed);
  EXPECT_FALSE(check(limits, kNow, user7()).allowed);
  EXPECT_TRUE(check(limits, kNow, user8()).allowed);
  EXPECT_TRUE(check(limits, kNow, anonymous()).allowed);  // each_user skips anonymous
}

TEST_F(MemoryRateLimiterTest, ResetRefillsEveryBucket) {
  const std::vector<LimitRecord> limits = {limit(1, "instance", 3)};
  EXPECT_EQ(allowed_count(limits, 5, kNow), 3);
  ASSERT_TRUE(limiter_.reset().ok());
  EXPECT_EQ(allowed_count(limits, 5, kNow), 3);
}

TEST_F(MemoryRateLimiterTest, ClockGoingBackAddsNoTokens) {
  const std::vector<LimitRecord> limits = {limit(1, "instance", 10)};
  EXPECT_EQ(allowed_count(limits, 10, kNow), 10);
  EXPECT_FALSE(check(limits, kNow - 100).allowed);
  EXPECT_FALSE(check(limits, kNow + 5).allowed);
}

TEST_F(MemoryRateLimiterTest, ConcurrentRequestsGetExactlyTheRate) {
  constexpr int kRate = 100, kThreads = 8, kPerThread = 200;
  const std::vector<LimitRecord> limits = {limit(1, "instance", kRate)};
  std::atomic<int> allowed = 0, failed = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        Result<LimitVerdict> verdict = limiter_.check(limits, user7(), kNow);
        if (!verdict)
          ++failed;
        else if (verdict->allowed)
          ++allowed;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(allowed.load(), kRate);
}

// --- The in-memory BucketStore directly ------------------------------------

TEST(MemoryBucketStore, ReportsPerBucketResultsAllOrNone) {
  std::unique_ptr<BucketStore> store = make_memory_bucket_store();
  const BucketStore::Bucket roomy{"a", 10, 1}, tight{"b", 1, 0.5};
  Result<std::vector<BucketResult>> first = store->take({roomy, tight}, 100);
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE((*first)[0].allowed);
  EXPECT_DOUBLE_EQ((*first)[0].remaining, 9);
  EXPECT_TRUE((*first)[1].allowed);
  EXPECT_DOUBLE_EQ((*first)[1].remaining, 0);

  Result<std::vector<BucketResult>> second = store->take({roomy, tight}, 101);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE((*second)[0].allowed);  // had a token, but none was taken
  EXPECT_DOUBLE_EQ((*second)[0].remaining, 10);
  EXPECT_DOUBLE_EQ((*second)[0].retry_after_seconds, 0);
  EXPECT_FALSE((*second)[1].allowed);
  EXPECT_DOUBLE_EQ((*second)[1].remaining, 0.5);
  EXPECT_DOUBLE_EQ((*second)[1].retry_after_seconds, 1);

  Result<std::vector<BucketResult>> third = store->take({roomy}, 101.25);
  ASSERT_TRUE(third.ok());
  EXPECT_DOUBLE_EQ((*third)[0].remaining, 9);  // 9 + 1 s refill, capped at 10, minus 1
}

TEST(MemoryBucketStore, SameKeyTwiceNeedsTwoTokens) {
  std::unique_ptr<BucketStore> store = make_memory_bucket_store();
  const BucketStore::Bucket bucket{"a", 3, 1};
  Result<std::vector<BucketResult>> both = store->take({bucket, bucket}, 0);
  ASSERT_TRUE(both.ok());
  EXPECT_DOUBLE_EQ((*both)[1].remaining, 1);
  Result<std::vector<BucketResult>> refused = store->take({bucket, bucket}, 0);
  ASSERT_TRUE(refused.ok());
  EXPECT_FALSE((*refused)[0].allowed);
  EXPECT_DOUBLE_EQ((*refused)[0].retry_after_seconds, 1);
  Result<std::vector<BucketResult>> single = store->take({bucket}, 0);
  ASSERT_TRUE(single.ok());
  EXPECT_TRUE((*single)[0].allowed);
}

TEST(MemoryBucketStore, NeverRefillingBucketWaitsForever) {
  std::unique_ptr<BucketStore> store = make_memory_bucket_store();
  Result<std::vector<BucketResult>> refused = store->take({{"zero", 0, 0}}, 0);
  ASSERT_TRUE(refused.ok());
  EXPECT_FALSE((*refused)[0].allowed);
  EXPECT_TRUE(std::isinf((*refused)[0].retry_after_seconds));
}

TEST(MemoryBucketStore, PruningKeepsBucketsThatAreNotFull) {
  std::unique_ptr<BucketStore> store = make_memory_bucket_store();
  const BucketStore::Bucket drained{"drained", 1, 1.0 / 60};
  ASSERT_TRUE((*store->take({drained}, 0))[0].allowed);
  // Many one-off keys, enough to trigger several sweeps.
  for (int i = 0; i < 20000; ++i) {
    ASSERT_TRUE(
        store->take({{std::string("k").append(std::to_string(i)), 5, 5}}, 1 + i * 0.001).ok());
  }
  EXPECT_FALSE((*store->take({drained}, 30))[0].allowed);
  EXPECT_TRUE((*store->take({drained}, 60))[0].allowed);
}

class FailingStore : public BucketStore {
 public:
  Result<std::vector<BucketResult>> take(const std::vector<Bucket>&, double) override {
    return Error(ErrorCode::kBackendUnavailable, "rate limit store unavailable");
  }
  Status reset() override { return ok_status(); }
};

TEST(RateLimiter, StoreFailureIsAnErrorNotAPass) {
  RateLimiter limiter(std::make_unique<FailingStore>());
  Result<LimitVerdict> verdict = limiter.check({limit(1, "instance", 10)}, user7(), kNow);
  ASSERT_FALSE(verdict.ok());
  EXPECT_EQ(verdict.error().code, ErrorCode::kBackendUnavailable);
  // Without applicable limits the store is not consulted.
  EXPECT_TRUE(limiter.check({}, user7(), kNow).ok());
}

}  // namespace
}  // namespace lakegate::auth
