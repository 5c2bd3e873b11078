// A bounded pool of HiveServer2 connections (each with its open session) for
// one backend. At most `capacity` are leased at once: acquire() blocks until
// one is free, the caller's deadline passes or it cancels. An idle
// connection is health-checked (a cheap GetInfo) before reuse when it sat
// idle for a while, and replaced if the check fails (server restarted). A
// lease returns its connection on destruction unless discard() was called
// or the connection broke; after a transport failure drop_idle() empties the
// pool so the next requests reconnect instead of finding dead sessions.
// Opening refused connections is retried with backoff, bounded by the
// deadline. acquire_fresh() hands out a connection with a session of its own
// that never returns to the pool: when its lease ends, a background thread
// closes it (CloseSession). The same thread keeps kSpares such connections
// opened ahead of need, so a request rarely waits for OpenSession. Thread-safe; the
// pool must outlive every Lease.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "core/backend.h"
#include "backend/hive_thrift/connection.h"
#include "backend/hive_thrift/endpoint.h"
#include "util/background_jobs.h"

namespace lakegate::backend::hive_thrift {

class ConnectionPool {
 public:
  // Called on each new connection after OpenSession (e.g. to read the
  // session time zone); an error discards the connection.
  using OnOpen = std::function<Result<void>(Connection&, Connection::Clock::time_point)>;

  ConnectionPool(Endpoint endpoint, size_t capacity, OnOpen on_open);
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  class Lease {
   public:
    Lease(Lease&& other) noexcept
        : pool_(other.pool_),
          connection_(std::move(other.connection_)),
          discarded_(other.discarded_),
          fresh_(other.fresh_) {
      other.pool_ = nullptr;
    }
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Connection& connection() { return *connection_; }
    void discard() { discarded_ = true; }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, std::unique_ptr<Connection> connection, bool fresh = false)
        : pool_(pool), connection_(std::move(connection)), fresh_(fresh) {}
    ConnectionPool* pool_;
    std::unique_ptr<Connection> connection_;
    bool discarded_ = false;
    bool fresh_ = false;
  };

  // A pooled connection; `read_only` ones come from a pool of their own
  // (connections the backend made read-only stay in it).
  Result<Lease> acquire(const CancelToken& cancel, bool read_only = false);
  // A new connection and session no other lease used; closed when the lease
  // ends. Counts against the same capacity while leased.
  Result<Lease> acquire_fresh(const CancelToken& cancel);
  static constexpr size_t kSpares = 2;
  static constexpr auto kSpareMaxAge = std::chrono::minutes(10);
  // Closes (without CloseSession) every idle connection.
  void drop_idle();
  // Stops handing out connections and closes the idle ones (CloseSession).
  void close();
  const Endpoint& endpoint() const { return endpoint_; }

 private:
  void give_back(std::unique_ptr<Connection> connection, bool discarded, bool fresh);
  // Waits for a free lease slot (or, with `idle`, an idle connection there)
  // and takes it (under mutex_).
  Status take_slot(std::unique_lock<std::mutex>& lock, const CancelToken& cancel,
                   const std::vector<std::unique_ptr<Connection>>* idle);
  Result<std::unique_ptr<Connection>> open_connection(const CancelToken& cancel);
  bool healthy(Connection& connection, const CancelToken& cancel);

  const Endpoint endpoint_;
  const size_t capacity_;
  OnOpen on_open_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::vector<std::unique_ptr<Connection>> idle_read_only_;  // Connection::read_only_ready
  size_t leased_ = 0;
  bool closed_ = false;
  void refill_spares();
  std::vector<std::unique_ptr<Connection>> spares_;
  bool refilling_ = false;
  util::BackgroundJobs closer_;  // closes fresh sessions and opens spares off the request path
};

}  // namespace lakegate::backend::hive_thrift
