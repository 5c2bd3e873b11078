#include "backend/spark_connect/session_pool.h"

#include <algorithm>
#include <chrono>

#include "backend/spark_connect/uuid.h"

namespace lakegate::backend::spark_connect {
namespace {
// How often a waiting acquire() looks at its CancelToken.
constexpr auto kCancelPollInterval = std::chrono::milliseconds(50);
}  // namespace

SessionPool::SessionPool(size_t capacity, std::string fixed_session_id)
    : capacity_(std::max<size_t>(capacity, 1)), fixed_session_id_(std::move(fixed_session_id)) {}

SessionPool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->give_back(std::move(session_), discarded_, fresh_);
}

std::unique_ptr<Session> SessionPool::make_session(bool fresh) {
  auto session = std::make_unique<Session>();
  session->session_id = fixed_session_id_.empty() || fresh ? new_uuid_v4() : fixed_session_id_;
  live_ids_.push_back(session->session_id);
  return session;
}

Result<SessionPool::Lease> SessionPool::acquire(const CancelToken& cancel) {
  return lease(cancel, false, false);
}

Result<SessionPool::Lease> SessionPool::acquire_fresh(const CancelToken& cancel, bool read_only) {
  return lease(cancel, true, read_only);
}

std::unique_ptr<Session> SessionPool::new_spare() {
  std::lock_guard lock(mutex_);
  return make_session(true);
}

void SessionPool::add_spare(bool read_only, std::unique_ptr<Session> session) {
  {
    std::lock_guard lock(mutex_);
    if (!closed_) {
      spares_[read_only].push_back(std::move(session));
      return;
    }
    auto found = std::find(live_ids_.begin(), live_ids_.end(), session->session_id);
    if (found != live_ids_.end()) live_ids_.erase(found);
  }
  if (retire_) retire_(session->session_id);
}

size_t SessionPool::spare_count(bool read_only) {
  std::lock_guard lock(mutex_);
  return spares_[read_only].size();
}

Result<SessionPool::Lease> SessionPool::lease(const CancelToken& cancel, bool fresh,
                                              bool read_only) {
  std::vector<std::string> expired;
  struct RetireOnExit {
    SessionPool* pool;
    std::vector<std::string>& ids;
    ~RetireOnExit() {
      if (pool->retire_) {
        for (const std::string& id : ids) pool->retire_(id);
      }
    }
  } retire_on_exit{this, expired};
  std::unique_lock lock(mutex_);
  while (true) {
    if (closed_) return Error(ErrorCode::kBackendUnavailable, "the backend is shutting down");
    if (cancel.cancelled())
      return Error(ErrorCode::kCancelled, "cancelled while waiting for a session");
    if (cancel.expired()) {
      return Error(ErrorCode::kTimeout,
                   "timed out waiting for a free Spark Connect session (pool of " +
                       std::to_string(capacity_) + ")");
    }
    if (!fresh && !idle_.empty()) {
      std::unique_ptr<Session> session = std::move(idle_.back());
      idle_.pop_back();
      ++leased_;
      return Lease(this, std::move(session));
    }
    if (leased_ < capacity_) {
      ++leased_;
      auto& spares = spares_[read_only];
      while (fresh && !spares.empty()) {
        std::unique_ptr<Session> spare = std::move(spares.back());
        spares.pop_back();
        if (CancelToken::Clock::now() - spare->created < kSpareMaxAge) {
          return Lease(this, std::move(spare), true);
        }
        expired.push_back(spare->session_id);
        auto found = std::find(live_ids_.begin(), live_ids_.end(), spare->session_id);
        if (found != live_ids_.end()) live_ids_.erase(found);
      }
      return Lease(this, make_session(fresh), fresh);
    }
    auto wake = std::min(cancel.deadline(), CancelToken::Clock::now() + kCancelPollInterval);
    freed_.wait_until(lock, wake);
  }
}

void SessionPool::give_back(std::unique_ptr<Session> session, bool discarded, bool fresh) {
  {
    std::lock_guard lock(mutex_);
    --leased_;
    if (discarded || closed_ || fresh) {
      if (discarded || fresh) {
        if (session->session_id == fixed_session_id_) fixed_session_id_.clear();
        auto found = std::find(live_ids_.begin(), live_ids_.end(), session->session_id);
        if (found != live_ids_.end()) live_ids_.erase(found);
      }
    } else {
      idle_.push_back(std::move(session));
    }
  }
  freed_.notify_one();
  if (fresh && retire_) retire_(session->session_id);
}

std::vector<std::string> SessionPool::close() {
  std::vector<std::string> ids;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    idle_.clear();
    spares_[0].clear();
    spares_[1].clear();
    ids = live_ids_;
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  }
  freed_.notify_all();
  return ids;
}

}  // namespace lakegate::backend::spark_connect
