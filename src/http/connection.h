// One client connection, driven by the shared event loop (see server.h for
// the model). Internal to http/.
//
// Every socket operation runs on the connection's strand as an asynchronous
// step: TLS handshake → wait for a request (an idle connection holds no
// buffer and no thread) → read its headers within the header deadline and
// its body within the read deadline → ask the handler for the request's
// lane → run the handler on a worker (or inline for an inline lane) → write
// the response → the next request, or close. One timer per connection
// carries the deadline of the step in progress.
//
// A streamed body is written from the worker that runs its producer: each
// write is posted to the strand and the worker waits for it (within the
// write timeout), so a slow reader pauses the producer and memory per
// response stays bounded. The head leaves with the first chunk, a complete
// response in one write.
//
// request_stop() and force_close() may be called from any thread.
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/handler.h"
#include "http/server_options.h"
#include "http/work_scheduler.h"

namespace lakegate::http {

class StreamSink;

// What every connection shares with the server.
struct ConnectionContext {
  const ServerOptions& options;
  Handler& handler;
  WorkScheduler& workers;
  boost::asio::ssl::context* tls = nullptr;  // null: plain HTTP
  const std::atomic<bool>& stopping;         // set by Server::stop
  // Called once from the connection's destructor with its id.
  std::function<void(uint64_t)> on_end;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // `socket`'s executor must be a strand of the server's io_context.
  Connection(const ConnectionContext& context, uint64_t id, boost::asio::ip::tcp::socket socket);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Begins serving (handshake or first request). Never throws.
  void start();
  // Close now if idle; no further keep-alive.
  void request_stop();
  // Close the socket now; pending and future I/O fails.
  void force_close();

 private:
  friend class StreamSink;
  using Clock = std::chrono::steady_clock;
  using Parser = boost::beast::http::request_parser<boost::beast::http::string_body>;

  // Steps on the strand.
  void handshake();
  void wait_for_request();
  void read_request();
  void read_body();
  void on_read_failed(boost::system::error_code ec);
  void dispatch();
  void write_complete_response();
  void after_response(bool written);
  void graceful_close();
  void drain(Clock::time_point deadline, size_t drained);
  void close_socket();

  // On a worker: runs the handler (and a streamed body's producer).
  void run_handler(const std::function<Response()>& rest);
  void stream_body();
  // Sets `response_` to a JSON error envelope.
  void set_error_response(int status, std::string_view message);
  // Posts a write of `buffers` to the strand and waits for it (from a worker).
  bool write_and_wait(const std::vector<boost::asio::const_buffer>& buffers);
  void log_request();

  // The deadline of the step in progress: when it passes, the socket's
  // operations are cancelled and `timed_out_` is set.
  void arm_deadline(Clock::time_point deadline);
  void disarm_deadline();
  void set_timer(Clock::time_point expiry);
  template <typename Function>
  decltype(auto) with_stream(Function&& function);
  boost::asio::ip::tcp::socket& tcp();

  const ConnectionContext& context_;
  const uint64_t id_;
  boost::asio::any_io_executor executor_;  // the connection's strand
  boost::asio::ip::tcp::socket socket_;    // moved into tls_ when TLS is on
  std::optional<boost::asio::ssl::stream<boost::asio::ip::tcp::socket>> tls_;
  boost::asio::steady_timer timer_;
  Clock::time_point deadline_ = Clock::time_point::max();  // of the step in progress
  bool timer_set_ = false;                                 // a wait is pending, until timer_expiry_
  Clock::time_point timer_expiry_{};                       // not after deadline_ while a step runs
  bool timed_out_ = false;
  boost::beast::flat_buffer buffer_;
  std::optional<Parser> parser_;
  std::string remote_address_;
  bool idle_ = false;
  bool closed_ = false;
  std::atomic<bool> force_closed_{false};
  size_t requests_served_ = 0;

  // The request in progress (one at a time; the strand and the worker hand
  // it over through post and the scheduler's queue).
  Clock::time_point request_started_;
  Request request_;
  Response response_;
  bool keep_alive_ = false;
  bool wire_keep_alive_ = false;
  int status_ = 0;
  uint64_t body_bytes_ = 0;
  std::string head_;  // bytes of a complete response being written
};

}  // namespace lakegate::http
