#include "http/work_scheduler.h"

#include <deque>
#include <exception>

#include "http/access_log.h"

namespace lakegate::http {

struct WorkScheduler::Lane {
  LaneLimits limits;
  size_t running = 0;
  std::deque<std::function<void()>> waiting;

  bool may_start() const {
    return !waiting.empty() && (limits.max_running == 0 || running < limits.max_running);
  }
};

WorkScheduler::WorkScheduler(size_t threads) {
  if (threads == 0) threads = 1;
  workers_.reserve(threads);
  for (size_t index = 0; index < threads; ++index) {
    workers_.emplace_back([this] { work(); });
  }
}

WorkScheduler::~WorkScheduler() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& worker : workers_) worker.join();
}

bool WorkScheduler::submit(const std::string& lane_name, LaneLimits limits,
                           std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    auto& slot = lanes_[lane_name];
    if (!slot) {
      slot = std::make_unique<Lane>();
      order_.push_back(slot.get());
    }
    Lane& lane = *slot;
    lane.limits = limits;
    // Admitted while running + waiting stays within what may run plus what
    // may wait (a lane without a limit of its own may run one job per worker).
    const size_t may_run = lane.limits.max_running == 0 ? workers_.size() : lane.limits.max_running;
    if (lane.running + lane.waiting.size() >= may_run + lane.limits.max_queued) return false;
    lane.waiting.push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

WorkScheduler::Lane* WorkScheduler::next_runnable() {
  for (size_t step = 0; step < order_.size(); ++step) {
    Lane* lane = order_[(cursor_ + step) % order_.size()];
    if (lane->may_start()) {
      cursor_ = (cursor_ + step + 1) % order_.size();
      return lane;
    }
  }
  return nullptr;
}

void WorkScheduler::work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    Lane* lane = nullptr;
    wake_.wait(lock, [&] {
      lane = next_runnable();
      return lane != nullptr || stopping_;
    });
    if (lane == nullptr) return;  // stopping and nothing left to run
    std::function<void()> job = std::move(lane->waiting.front());
    lane->waiting.pop_front();
    ++lane->running;
    lock.unlock();
    try {
      job();
    } catch (const std::exception& exception) {
      log_server_error("worker job threw", exception.what());
    } catch (...) {
      log_server_error("worker job threw", "unknown exception");
    }
    job = nullptr;  // release what the job holds before taking the lock
    lock.lock();
    --lane->running;
    // A slot of this lane freed: a job waiting there may start now.
    if (lane->may_start()) wake_.notify_one();
  }
}

size_t WorkScheduler::running(const std::string& lane) const {
  std::lock_guard lock(mutex_);
  auto it = lanes_.find(lane);
  return it == lanes_.end() ? 0 : it->second->running;
}

size_t WorkScheduler::queued(const std::string& lane) const {
  std::lock_guard lock(mutex_);
  auto it = lanes_.find(lane);
  return it == lanes_.end() ? 0 : it->second->waiting.size();
}

}  // namespace lakegate::http
