// A bounded pool of Spark Connect sessions for one backend. A session is a
// client-chosen UUID (v4) that the server creates on first use; holding one
// per call keeps concurrent calls independent. At most `capacity` sessions
// are leased at once: acquire() blocks until one is free, the caller's
// deadline passes, or the caller cancels. A lease returns its session on
// destruction unless discard() was called (session-level error, server
// restart, unreachable server): the next acquire then makes a fresh one.
// Thread-safe. The pool must outlive every Lease.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "util/result.h"

namespace lakegate::backend::spark_connect {

struct Session {
  std::string session_id;              // UUID sent in every request
  std::string server_side_session_id;  // last one the server reported (diagnostics)
  int64_t operations = 0;              // calls made with it
};

class SessionPool {
 public:
  // `fixed_session_id` (from the connection string) makes every session
  // reuse that id until a lease with it is discarded (the server closed or
  // lost it); from then on, and by default, each gets a fresh UUID v4.
  explicit SessionPool(size_t capacity, std::string fixed_session_id = {});
  SessionPool(const SessionPool&) = delete;
  SessionPool& operator=(const SessionPool&) = delete;

  class Lease {
   public:
    Lease(Lease&& other) noexcept
        : pool_(other.pool_), session_(std::move(other.session_)), discarded_(other.discarded_) {
      other.pool_ = nullptr;
    }
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Session& session() { return *session_; }
    // The session is unusable: it will not return to the pool.
    void discard() { discarded_ = true; }

   private:
    friend class SessionPool;
    Lease(SessionPool* pool, std::unique_ptr<Session> session)
        : pool_(pool), session_(std::move(session)) {}
    SessionPool* pool_;
    std::unique_ptr<Session> session_;
    bool discarded_ = false;
  };

  // Hands out a session. kTimeout at cancel.deadline(), kCancelled once
  // cancel.cancelled(), kBackendUnavailable after close().
  Result<Lease> acquire(const CancelToken& cancel);

  // Stops handing out sessions; returns the ids of every live session
  // (idle or leased) so the caller can release them on the server.
  std::vector<std::string> close();

  size_t capacity() const { return capacity_; }

 private:
  void give_back(std::unique_ptr<Session> session, bool discarded);
  std::unique_ptr<Session> make_session();

  const size_t capacity_;
  std::string fixed_session_id_;  // emptied by the first discard
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<Session>> idle_;
  std::vector<std::string> live_ids_;  // idle and leased
  size_t leased_ = 0;
  bool closed_ = false;
};

}  // namespace lakegate::backend::spark_connect
