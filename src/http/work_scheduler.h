// The worker pool that runs request handlers, with one queue per lane.
//
// Handlers block (on Spark, on the store), so they run on a fixed number of
// worker threads, never on the event loop. Each lane (a service) has its own
// limits: at most `max_running` of its jobs run at once, at most
// `max_queued` more wait in its queue; submit() refuses one more at once
// (the server answers 503 + Retry-After), so a full lane never hangs a
// client and a slow service never takes the workers of the others beyond
// its own limit. Waiting costs a queue entry, not a thread. Free workers
// take jobs from the lanes that may run more, in turn (round robin), so a
// busy lane cannot starve a quiet one.
//
// Lanes are created on first use and kept; their names come from the
// handler's fixed set (see http::WorkLane). A lane's limits are those of its
// latest submit().
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace lakegate::http {

struct LaneLimits {
  size_t max_running = 0;  // 0: no limit of its own (the pool's size)
  size_t max_queued = 0;   // jobs waiting beyond max_running; 0: none may wait
};

class WorkScheduler {
 public:
  // Starts `threads` workers (at least 1).
  explicit WorkScheduler(size_t threads);
  // Runs every job already queued, then joins the workers.
  ~WorkScheduler();
  WorkScheduler(const WorkScheduler&) = delete;
  WorkScheduler& operator=(const WorkScheduler&) = delete;

  // Queues `job` in `lane`; false (the job dropped, nothing run) when the
  // lane already has max_running running and max_queued waiting.
  bool submit(const std::string& lane, LaneLimits limits, std::function<void()> job);

  // Jobs of `lane` running now / waiting now.
  size_t running(const std::string& lane) const;
  size_t queued(const std::string& lane) const;
  size_t threads() const { return workers_.size(); }

 private:
  struct Lane;
  void work();
  // The next lane with a job it may start now, in turn; null if none.
  Lane* next_runnable();

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::map<std::string, std::unique_ptr<Lane>> lanes_;
  std::vector<Lane*> order_;  // lanes in creation order, for round robin
  size_t cursor_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace lakegate::http
