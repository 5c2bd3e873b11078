// lakegate's HTTP/1.1 server (Boost.Beast over Asio, optional TLS).
//
// Threading model: bounded thread-per-connection. The resources call blocking
// backends (gRPC streams from Spark) and stream their results with blocking
// writes, so each connection gets its own thread, running synchronous-style
// I/O on a private io_context (every read and write is an async operation
// run to completion with a timer, which is how timeouts work). run() is the
// acceptor thread. At most `max_connections` connections are served; one
// more is answered 503 and closed. A slow reader blocks its own thread only,
// and through it the producer: memory per connection stays bounded.
//
// Shutdown: stop() (from any thread, e.g. a signal watcher) closes the
// listening socket (new connections are refused), closes idle keep-alive
// connections at once, lets in-flight requests finish until the grace period
// ends, then force-closes the remaining sockets: a streaming producer's next
// write returns false, so it stops and the backend interrupts Spark. run()
// returns once every connection thread has ended. A handler that blocks
// forever without writing would keep run() waiting: handlers must honour
// their own timeouts.
//
// TLS: when the options name a certificate and a key, start() loads them
// and each connection's thread completes a TLS handshake (within
// read_timeout) before reading requests; everything after it is the same
// code over the TLS stream. A failed handshake (e.g. plain HTTP on the TLS
// port) closes that connection only. Over the connection limit a TLS
// connection is closed without the 503, which it could not read.
//
// Nothing thrown escapes a connection: errors are caught per connection,
// logged and the connection closed.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include "http/handler.h"
#include "http/server_options.h"
#include "util/result.h"

namespace lakegate::http {

class Server {
 public:
  // `handler` must outlive the server; it is called concurrently.
  Server(ServerOptions options, Handler& handler);
  // REQUIRES: run() is not running (stop() it and let it return first).
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Loads the TLS certificate and key if configured, then binds and
  // listens. kBadConfig on failure, naming the file or address (nothing
  // stays bound then). Called by run() if not called before.
  Status start();
  // Accepts and serves connections; blocks until stop() and every connection
  // has ended. REQUIRES: called once.
  Status run();
  // Begins graceful shutdown: in-flight requests get `grace` to finish, then
  // their sockets are closed. Thread-safe, idempotent, does not block.
  void stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

  // The listening port (the real one when options.port was 0); 0 before start().
  uint16_t bound_port() const;
  // Connections being served now.
  size_t active_connections() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Calls server.stop(grace) on the first SIGINT or SIGTERM (a second one
// terminates the process the default way). Watches on its own thread until
// destroyed. Create it before run(); destroy it after run() returns.
class ShutdownSignals {
 public:
  // `on_grace_expired`, if set, runs on the watcher thread when `grace` has
  // passed after the signal (e.g. to interrupt backend operations of requests
  // that are still waiting on Spark without writing).
  ShutdownSignals(Server& server, std::chrono::milliseconds grace,
                  std::function<void()> on_grace_expired = {});
  ~ShutdownSignals();
  ShutdownSignals(const ShutdownSignals&) = delete;
  ShutdownSignals& operator=(const ShutdownSignals&) = delete;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace lakegate::http
