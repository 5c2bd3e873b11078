// A bounded pool of Spark Connect sessions for one backend. A session is a
// client-chosen UUID (v4) that the server creates on first use; holding one
// per call keeps concurrent calls independent. At most `capacity` sessions
// are leased at once: acquire() blocks until one is free, the caller's
// deadline passes, or the caller cancels. A lease returns its session on
// destruction unless discard() was called (session-level error, server
// restart, unreachable server): the next acquire then makes a fresh one.
// acquire_fresh() hands out a new session that never returns to the pool:
// on destruction its id goes to the retire callback (which releases it on
// the server); it counts against the same capacity while leased. Spares:
// fresh sessions the backend prepared ahead of need (created on the server,
// read-only ones already set up), handed out by acquire_fresh() first, so a
// request does not wait for a session to be made; spares older than
// kSpareMaxAge are retired unused (the server expires idle sessions).
// Thread-safe. The pool must outlive every Lease.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/backend.h"
#include "util/result.h"

namespace lakegate::backend::spark_connect {

struct Session {
  std::string session_id;              // UUID sent in every request
  std::string server_side_session_id;  // last one the server reported (diagnostics)
  int64_t operations = 0;              // calls made with it
  bool set_up = false;                 // a fresh session's set-up statements ran
  std::chrono::steady_clock::time_point created = std::chrono::steady_clock::now();
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
        : pool_(other.pool_),
          session_(std::move(other.session_)),
          discarded_(other.discarded_),
          fresh_(other.fresh_) {
      other.pool_ = nullptr;
    }
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Session& session() { return *session_; }
    // The session is unusable: it will not return to the pool.
    void discard() { discarded_ = true; }

   private:
    friend class SessionPool;
    Lease(SessionPool* pool, std::unique_ptr<Session> session, bool fresh = false)
        : pool_(pool), session_(std::move(session)), fresh_(fresh) {}
    SessionPool* pool_;
    std::unique_ptr<Session> session_;
    bool discarded_ = false;
    bool fresh_ = false;
  };

  // Hands out a session. kTimeout at cancel.deadline(), kCancelled once
  // cancel.cancelled(), kBackendUnavailable after close().
  Result<Lease> acquire(const CancelToken& cancel);
  // A session no one used before (a new UUID v4, whatever the fixed id),
  // retired when the lease ends. Same waiting and errors as acquire().
  Result<Lease> acquire_fresh(const CancelToken& cancel, bool read_only = false);

  // A new fresh session for the spare list (not leased; released at close()).
  std::unique_ptr<Session> new_spare();
  // Keeps `session` for a later acquire_fresh(…, read_only); retires it when closed.
  void add_spare(bool read_only, std::unique_ptr<Session> session);
  size_t spare_count(bool read_only);
  static constexpr auto kSpareMaxAge = std::chrono::minutes(10);
  // Called with the id of every fresh session when its lease ends, and of
  // none else. Set before the first acquire_fresh().
  void on_retire(std::function<void(const std::string&)> retire) { retire_ = std::move(retire); }

  // Stops handing out sessions; returns the ids of every live session
  // (idle or leased) so the caller can release them on the server.
  std::vector<std::string> close();

  size_t capacity() const { return capacity_; }

 private:
  Result<Lease> lease(const CancelToken& cancel, bool fresh, bool read_only);
  void give_back(std::unique_ptr<Session> session, bool discarded, bool fresh);
  std::unique_ptr<Session> make_session(bool fresh);

  const size_t capacity_;
  std::string fixed_session_id_;  // emptied by the first discard
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<Session>> idle_;
  std::vector<std::unique_ptr<Session>> spares_[2];  // [read_only]
  std::vector<std::string> live_ids_;                // idle and leased
  size_t leased_ = 0;
  bool closed_ = false;
  std::function<void(const std::string&)> retire_;
};

}  // namespace lakegate::backend::spark_connect
