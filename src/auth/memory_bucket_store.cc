// Token buckets in one process: a mutex over a map of key -> {tokens, last}.
// A bucket never seen (or pruned) is full. Entries idle long enough to have
// refilled completely are indistinguishable from absent ones, so they are
// swept whenever the map has doubled since the last sweep.
#include <algorithm>
#include <cstddef>
#include <limits>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "auth/rate_limiter.h"

namespace lakegate::auth {
namespace {

// Slack for floating-point rounding in refill arithmetic (tokens).
constexpr double kEpsilon = 1e-9;
// No sweep below this many entries.
constexpr size_t kMinSweepSize = 4096;

class MemoryBucketStore final : public BucketStore {
 public:
  Result<std::vector<BucketResult>> take(const std::vector<Bucket>& buckets,
                                         double now_seconds) override;
  Status reset() override;

 private:
  struct Entry {
    double tokens = 0;
    double last = 0;     // seconds of the last take
    double full_at = 0;  // seconds at which the bucket is full again
  };
  // One distinct key of a take: what it holds now and how many tokens it needs.
  struct Draw {
    const Bucket* bucket;
    double tokens;
    int needed;
  };

  double refilled_tokens(const Bucket& bucket, double now_seconds) const;
  void sweep(double now_seconds);

  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  size_t sweep_at_size_ = kMinSweepSize;
};

double MemoryBucketStore::refilled_tokens(const Bucket& bucket, double now_seconds) const {
  auto found = entries_.find(bucket.key);
  if (found == entries_.end()) return bucket.capacity;
  const Entry& entry = found->second;
  const double elapsed = std::max(0.0, now_seconds - entry.last);
  return std::min(bucket.capacity, entry.tokens + elapsed * bucket.refill_per_second);
}

// Per bucket, in order: allowed = the bucket holds the tokens this call needs
// from it (one per occurrence of its key); remaining = its tokens after the
// take when all were taken, else what it holds (nothing taken); retry_after =
// seconds until it holds them (infinity for a bucket that never refills).
Result<std::vector<BucketResult>> MemoryBucketStore::take(const std::vector<Bucket>& buckets,
                                                          double now_seconds) {
  std::lock_guard lock(mutex_);
  std::vector<Draw> draws;  // few buckets per request: a linear scan beats hashing
  std::vector<size_t> draw_of_bucket;
  draw_of_bucket.reserve(buckets.size());
  for (const Bucket& bucket : buckets) {
    auto same = std::find_if(draws.begin(), draws.end(),
                             [&](const Draw& draw) { return draw.bucket->key == bucket.key; });
    if (same == draws.end()) {
      draws.push_back({&bucket, refilled_tokens(bucket, now_seconds), 0});
      same = draws.end() - 1;
    }
    ++same->needed;
    draw_of_bucket.push_back(static_cast<size_t>(same - draws.begin()));
  }
  const bool all_available = std::all_of(draws.begin(), draws.end(), [](const Draw& draw) {
    return draw.tokens >= draw.needed - kEpsilon;
  });

  std::vector<BucketResult> results(buckets.size());
  for (size_t i = 0; i < buckets.size(); ++i) {
    Draw& draw = draws[draw_of_bucket[i]];
    BucketResult& result = results[i];
    if (all_available) {
      draw.tokens = std::max(0.0, draw.tokens - 1);
      result.remaining = draw.tokens;
    } else {
      result.allowed = draw.tokens >= draw.needed - kEpsilon;
      result.remaining = draw.tokens;
      if (!result.allowed) {
        const double rate = buckets[i].refill_per_second;
        result.retry_after_seconds =
            rate > 0 ? (draw.needed - draw.tokens) / rate : std::numeric_limits<double>::infinity();
      }
    }
  }
  if (!all_available) return results;

  for (const Draw& draw : draws) {
    Entry& entry = entries_[draw.bucket->key];
    // `last` never moves back: threads read the clock before taking the lock.
    entry.last = std::max(entry.last, now_seconds);
    entry.tokens = draw.tokens;
    const double missing = draw.bucket->capacity - draw.tokens;
    const double rate = draw.bucket->refill_per_second;
    entry.full_at = missing <= 0 ? entry.last
                    : rate > 0   ? entry.last + missing / rate
                                 : std::numeric_limits<double>::infinity();
  }
  if (entries_.size() >= sweep_at_size_) sweep(now_seconds);
  return results;
}

void MemoryBucketStore::sweep(double now_seconds) {
  std::erase_if(entries_, [&](const auto& item) { return item.second.full_at <= now_seconds; });
  sweep_at_size_ = std::max(kMinSweepSize, 2 * entries_.size());
}

Status MemoryBucketStore::reset() {
  std::lock_guard lock(mutex_);
  entries_.clear();
  sweep_at_size_ = kMinSweepSize;
  return ok_status();
}

}  // namespace

std::unique_ptr<BucketStore> make_memory_bucket_store() {
  return std::make_unique<MemoryBucketStore>();
}

}  // namespace lakegate::auth
