#include "auth/login_throttle.h"

#include <algorithm>
#include <cmath>

namespace lakegate::auth {
namespace {

// Entries are swept for expiry whenever the map reaches a power of two at or
// above this size, so many distinct keys (a spray of emails or IPs) cannot
// grow memory without bound, at amortized constant cost.
constexpr size_t kSweepThreshold = 1024;

bool is_sweep_point(size_t size) {
  return size >= kSweepThreshold && (size & (size - 1)) == 0;
}

}  // namespace

double LoginThrottle::wait_seconds(const std::string& key, double now_seconds) {
  std::lock_guard lock(mutex_);
  const auto found = entries_.find(key);
  if (found == entries_.end()) return 0;
  const Entry& entry = found->second;
  if (now_seconds - entry.last_failure >= options_.max_delay_seconds) {
    entries_.erase(found);
    return 0;
  }
  if (entry.failures < options_.free_failures) return 0;
  // Exponent capped so ldexp never overflows; the cap on the delay applies anyway.
  const int doublings = std::min(entry.failures - options_.free_failures, 60);
  const double delay =
      std::min(std::ldexp(options_.base_delay_seconds, doublings), options_.max_delay_seconds);
  return std::max(0.0, entry.last_failure + delay - now_seconds);
}

void LoginThrottle::record_failure(const std::string& key, double now_seconds) {
  std::lock_guard lock(mutex_);
  auto [position, inserted] = entries_.try_emplace(key);
  Entry& entry = position->second;
  if (!inserted && now_seconds - entry.last_failure >= options_.max_delay_seconds) {
    entry = Entry{};  // quiet long enough: start over
  }
  if (entry.failures < 1'000'000) ++entry.failures;
  entry.last_failure = now_seconds;
  if (inserted && is_sweep_point(entries_.size())) {
    std::erase_if(entries_, [&](const auto& item) {
      return now_seconds - item.second.last_failure >= options_.max_delay_seconds;
    });
  }
}

void LoginThrottle::record_success(const std::string& key) {
  std::lock_guard lock(mutex_);
  entries_.erase(key);
}

}  // namespace lakegate::auth
