#include "api/table/write_retry.h"

#include <algorithm>
#include <random>
#include <string>
#include <thread>

namespace lakegate::api {
namespace {

using Clock = backend::CancelToken::Clock;

std::chrono::milliseconds jittered_backoff(const RetryPolicy& policy, int retry) {
  const int64_t doubled = policy.first_backoff.count() << std::min(retry - 1, 20);
  const int64_t ceiling = std::min<int64_t>(doubled, policy.max_backoff.count());
  thread_local std::mt19937_64 random{std::random_device{}()};
  return std::chrono::milliseconds(std::uniform_int_distribution<int64_t>(0, ceiling)(random));
}

// Sleeps `wait` unless the caller goes away first; false when it did.
bool wait_unless_cancelled(std::chrono::milliseconds wait, const backend::CancelToken& cancel) {
  const auto until = Clock::now() + wait;
  while (Clock::now() < until) {
    if (cancel.cancelled()) return false;
    std::this_thread::sleep_for(
        std::min<Clock::duration>(until - Clock::now(), std::chrono::milliseconds(10)));
  }
  return !cancel.cancelled();
}

}  // namespace

Result<int64_t> run_with_conflict_retries(const std::function<Result<int64_t>()>& attempt,
                                          const backend::CancelToken& cancel, int& retries,
                                          const RetryPolicy& policy) {
  for (int tries = 1;; ++tries) {
    const auto started = Clock::now();
    Result<int64_t> result = attempt();
    if (result || result.error().code != ErrorCode::kConflict) return result;
    const auto took = Clock::now() - started;
    const auto wait = jittered_backoff(policy, tries);
    // Another run must have time to finish: one cut short by the deadline
    // would leave its outcome unknown (a 504) where a 409 is certain.
    const bool out_of_time = Clock::now() + wait + took * 2 >= cancel.deadline();
    if (tries >= policy.max_attempts || out_of_time || !wait_unless_cancelled(wait, cancel)) {
      Error error(ErrorCode::kConflict,
                  "The table kept changing under this write (" + std::to_string(tries) +
                      (tries == 1 ? " attempt" : " attempts") +
                      ", each lost to a concurrent commit); nothing was written. Retry later. "
                      "Last conflict: " +
                      result.error().message);
      for (const auto& [key, value] : result.error().context) error.with(key, value);
      error.with("attempts", std::to_string(tries)).with("retryAfter", "1");
      return error;
    }
    ++retries;
  }
}

}  // namespace lakegate::api
