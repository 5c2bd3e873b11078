// One client connection, served on its own thread (see server.h for the
// model). Internal to http/: the server creates a Connection per accepted
// socket, runs serve() on a new thread, and may call request_stop() or
// force_close() from its own thread while serve() runs.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "http/handler.h"
#include "http/server_options.h"

namespace lakegate::http {

class ChunkedSink;

// What every connection shares with the server.
struct ConnectionContext {
  const ServerOptions& options;
  Handler& handler;
  boost::asio::ssl::context* tls = nullptr;  // null: plain HTTP
  const std::atomic<bool>& stopping;         // set by Server::stop
};

class Connection {
 public:
  // `io` is this connection's private io_context; `socket` belongs to it.
  Connection(const ConnectionContext& context, std::unique_ptr<boost::asio::io_context> io,
             boost::asio::ip::tcp::socket socket);
  ~Connection();

  // Serves requests until the connection ends; closes the socket. Never throws.
  void serve();
  // From any thread: close now if idle; no further keep-alive.
  void request_stop();
  // From any thread: close the socket; blocked and future I/O fails.
  void force_close();

 private:
  friend class ChunkedSink;
  using Clock = std::chrono::steady_clock;
  using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;

  void serve_requests();
  // Waits (idle timeout) for the first bytes of the next request.
  bool wait_for_request();
  // Reads one request; on failure answers (408/413/431/400) where useful.
  std::optional<BeastRequest> read_request();
  // Answers one request; returns whether the connection may be kept alive.
  bool answer(BeastRequest& wire_request, Clock::time_point started);
  bool write_error(int status, std::string_view message, const std::string& request_id);
  // Writes a complete response; returns false on a write failure.
  bool write_complete(const Request& request, const Response& response, bool keep_alive,
                      uint64_t& body_bytes);
  // Streams response.producer; returns whether keep-alive may continue.
  bool write_streamed(const Request& request, Response& response, bool keep_alive, int& status,
                      uint64_t& body_bytes);
  // Writes all of `bytes` within the write timeout.
  bool write_raw(std::string_view bytes);
  // Runs one async operation to completion with a timeout on this thread.
  template <typename Initiate>
  boost::system::error_code run_io(Clock::duration timeout, Initiate&& initiate);
  // The one seam between plain and TLS: calls `function` with the stream
  // requests and responses travel on (the TLS stream, or the TCP socket).
  // Everything above it is written once, as a generic lambda.
  template <typename Function>
  decltype(auto) with_stream(Function&& function);
  // The TCP socket under either stream (for cancel, shutdown, close).
  boost::asio::ip::tcp::socket& tcp();
  // TLS handshake within the read timeout; false ends the connection.
  bool handshake();
  void graceful_close();

  const ConnectionContext& context_;
  std::unique_ptr<boost::asio::io_context> io_;
  boost::asio::ip::tcp::socket socket_;  // moved into tls_ when TLS is on
  // asio's ssl::stream, not beast::ssl_stream: asio's TLS write already
  // gathers a write's small buffers (status line, headers, chunk framing)
  // into one record (checked with Boost 1.81: one send per small response),
  // so Beast's flat_stream would only add a copy.
  std::optional<boost::asio::ssl::stream<boost::asio::ip::tcp::socket>> tls_;
  boost::asio::steady_timer timer_;
  boost::beast::flat_buffer buffer_;
  std::string remote_address_;
  bool idle_ = false;  // touched only on the connection's thread
  std::atomic<bool> force_closed_{false};
};

}  // namespace lakegate::http
