// Writes that lose a Delta commit race are run again. Delta commits
// optimistically: a statement whose commit finds that another commit changed
// what it read is abandoned before anything is written, and Spark reports a
// conflict (backend::is_write_conflict → ErrorCode::kConflict). Such a
// statement is safe to run again — its outcome is known: nothing happened.
// Any other failure (a timeout, a dropped connection: the commit may or may
// not have happened) is returned at once and never re-run.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

#include "core/backend.h"
#include "util/result.h"

namespace lakegate::api {

struct RetryPolicy {
  // Bounded by the deadline (the service timeout) in practice: a busy table
  // commits one conflicting writer at a time, so the last of many waits long.
  int max_attempts = 1000;
  // Before re-run n (1, 2, …): a random wait in [0, min(max, first · 2^(n-1))]
  // ("full jitter"), so writers that collided do not collide again in step.
  std::chrono::milliseconds first_backoff{25};
  std::chrono::milliseconds max_backoff{1000};
};

// Runs `attempt` until it succeeds, fails with anything but kConflict, or
// the attempts, the deadline (no re-run starts that could not finish before
// it, judged by the last run's time) or the caller (cancel) run out; `retries`
// counts the re-runs. When conflicts exhaust it: kConflict (409) saying
// nothing was written, with context attempts and retryAfter (seconds, for
// the Retry-After header).
Result<int64_t> run_with_conflict_retries(const std::function<Result<int64_t>()>& attempt,
                                          const backend::CancelToken& cancel, int& retries,
                                          const RetryPolicy& policy = {});

}  // namespace lakegate::api
