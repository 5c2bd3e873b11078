// Rate limits with df-limits' types and periods, enforced as token buckets:
// each limit row is a bucket of `rate` tokens refilled continuously over its
// period (minute, hour, day, 7-day, 30-day), keyed like DreamFactory
// ("instance.user:7.service:3.endpoint:_table/x.verb:GET.minute"). A request
// takes one token from every bucket that applies; if any is empty, nothing is
// taken and the answer is "exceeded" with Retry-After. Counters live in a
// BucketStore: in memory (one node) or Redis (several nodes; an atomic Lua
// script per check). Sys-admins are exempt.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/records.h"
#include "util/result.h"

namespace lakegate::auth {

// Seconds of a period index (0 minute … 4 30-day); 0 for an unknown index.
int64_t period_seconds(int period);
std::string period_name(int period);

struct LimitRequest {
  std::optional<int64_t> user_id, role_id;
  int64_t service_id = 0;  // 0 = not a service request
  std::string endpoint;    // component, e.g. "_table/spark_catalog.sales.orders"
  std::string verb;        // upper case
};

// The buckets a request draws from: every active limit row that applies
// (each_user only for authenticated users; a limit naming this user overrides
// the matching each_user one; a verb-specific limit overrides the all-verbs
// one of the same type and target). `key` is the bucket key.
struct AppliedLimit {
  const store::LimitRecord* limit = nullptr;
  std::string key;
};
std::vector<AppliedLimit> applicable_limits(const std::vector<store::LimitRecord>& limits,
                                            const LimitRequest& request);

struct BucketResult {
  bool allowed = true;
  double remaining = 0;        // tokens left after this request
  double retry_after_seconds = 0;  // when not allowed: until one token is back
};

// Atomic take-one-from-all-or-none over several buckets.
class BucketStore {
 public:
  virtual ~BucketStore() = default;
  struct Bucket {
    std::string key;
    double capacity = 0;        // = rate
    double refill_per_second = 0;  // = rate / period seconds
  };
  // One result per bucket, in order. Either all took a token or none did.
  virtual Result<std::vector<BucketResult>> take(const std::vector<Bucket>& buckets,
                                                 double now_seconds) = 0;
  // Refills every bucket (DELETE /system/limit_cache).
  virtual Status reset() = 0;
};

std::unique_ptr<BucketStore> make_memory_bucket_store();
// "redis://host:port[/db]"; connects lazily, reconnects on failure; a Redis
// error is kBackendUnavailable (the request is refused, never let through).
// Keys start with `key_prefix`, so deployments sharing one Redis database
// keep separate buckets when their prefixes differ.
Result<std::unique_ptr<BucketStore>> make_redis_bucket_store(
    const std::string& url, const std::string& key_prefix = "lakegate:rl:");

struct LimitVerdict {
  bool allowed = true;
  // When not allowed: the exhausted limits, the smallest rate among them and
  // when to retry (ceil seconds) and the reset time (epoch seconds).
  std::vector<const store::LimitRecord*> exceeded;
  int64_t limit = 0;
  int64_t remaining = 0;
  int64_t retry_after_seconds = 0;
  int64_t reset_epoch = 0;
};

class RateLimiter {
 public:
  explicit RateLimiter(std::unique_ptr<BucketStore> buckets) : buckets_(std::move(buckets)) {}
  // REQUIRES: `limits` outlives the verdict.
  Result<LimitVerdict> check(const std::vector<store::LimitRecord>& limits,
                             const LimitRequest& request, double now_seconds);
  Status reset() { return buckets_->reset(); }

 private:
  std::unique_ptr<BucketStore> buckets_;
};

}  // namespace lakegate::auth
