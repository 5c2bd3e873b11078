// A bounded pool of HiveServer2 connections (each with its open session) for
// one backend. At most `capacity` are leased at once: acquire() blocks until
// one is free, the caller's deadline passes or it cancels. An idle
// connection is health-checked (a cheap GetInfo) before reuse when it sat
// idle for a while, and replaced if the check fails (server restarted). A
// lease returns its connection on destruction unless discard() was called
// or the connection broke; after a transport failure drop_idle() empties the
// pool so the next requests reconnect instead of finding dead sessions.
// Opening refused connections is retried with backoff, bounded by the
// deadline. Thread-safe; the pool must outlive every Lease.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "backend/backend.h"
#include "backend/hive_thrift/connection.h"
#include "backend/hive_thrift/endpoint.h"

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
          discarded_(other.discarded_) {
      other.pool_ = nullptr;
    }
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Connection& connection() { return *connection_; }
    void discard() { discarded_ = true; }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, std::unique_ptr<Connection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    ConnectionPool* pool_;
    std::unique_ptr<Connection> connection_;
    bool discarded_ = false;
  };

  Result<Lease> acquire(const CancelToken& cancel);
  // Closes (without CloseSession) every idle connection.
  void drop_idle();
  // Stops handing out connections and closes the idle ones (CloseSession).
  void close();
  const Endpoint& endpoint() const { return endpoint_; }

 private:
  void give_back(std::unique_ptr<Connection> connection, bool discarded);
  Result<std::unique_ptr<Connection>> open_connection(const CancelToken& cancel);
  bool healthy(Connection& connection, const CancelToken& cancel);

  const Endpoint endpoint_;
  const size_t capacity_;
  OnOpen on_open_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<Connection>> idle_;
  size_t leased_ = 0;
  bool closed_ = false;
};

}  // namespace lakegate::backend::hive_thrift
