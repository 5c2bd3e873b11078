// A recurring warning let through at most once per interval, so a condition
// that lasts (a dead store, a full audit queue) is reported with counts
// instead of flooding the log. The caller passes the clock; not thread-safe
// (the owner serializes calls).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace lakegate::auth {

class WarningThrottle {
 public:
  explicit WarningThrottle(std::chrono::milliseconds interval) : interval_(interval) {}

  // Counts one occurrence at `now`. True when it should be reported; then
  // `held_back` is the number of occurrences suppressed since the last report.
  bool due(std::chrono::steady_clock::time_point now, uint64_t& held_back) {
    if (last_report_ && now - *last_report_ < interval_) {
      ++held_back_;
      return false;
    }
    last_report_ = now;
    held_back = held_back_;
    held_back_ = 0;
    return true;
  }

 private:
  std::chrono::milliseconds interval_;
  std::optional<std::chrono::steady_clock::time_point> last_report_;
  uint64_t held_back_ = 0;
};

}  // namespace lakegate::auth
