#include "http/connection.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <cctype>
#include <exception>
#include <utility>

#include "http/access_log.h"
#include "http/error_envelope.h"
#include "http/request_target.h"
#include "util/ascii.h"

namespace lakegate::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using boost::system::error_code;
using tcp = asio::ip::tcp;
using ResponseHeader = bhttp::response_header<>;

namespace {

constexpr auto kDrainTime = std::chrono::milliseconds(1000);
constexpr size_t kDrainBytes = 1 << 20;
constexpr auto kTlsShutdownTime = std::chrono::milliseconds(200);

// Header values from handlers must not smuggle a line break onto the wire.
std::string strip_line_breaks(std::string_view value) {
  std::string out(value);
  out.erase(std::remove_if(out.begin(), out.end(), [](char c) { return c == '\r' || c == '\n'; }),
            out.end());
  return out;
}

// The status line and headers of a response; the framing headers
// (Content-Length, Transfer-Encoding, Connection) are the server's to set.
ResponseHeader make_header(const Request& request, const Response& response, bool keep_alive) {
  ResponseHeader header;
  header.version(11);
  const int status = response.status >= 100 && response.status <= 999 ? response.status : 500;
  header.result(static_cast<unsigned>(status));
  if (bhttp::int_to_status(static_cast<unsigned>(status)) == bhttp::status::unknown) {
    header.reason(status == 499 ? "Client Closed Request" : "Status");
  }
  for (const auto& [name, value] : response.headers) {
    const std::string lower_name = util::ascii_lower(name);
    if (lower_name == "content-length" || lower_name == "transfer-encoding" ||
        lower_name == "connection" || name.find_first_of("\r\n: ") != std::string::npos) {
      continue;
    }
    header.insert(name, strip_line_breaks(value));
  }
  header.set("X-Request-Id", request.request_id);
  header.set(bhttp::field::server, "lakegate");
  if (!keep_alive) header.set(bhttp::field::connection, "close");
  return header;
}

bool is_http_category(const error_code& ec) {
  return &ec.category() == &bhttp::make_error_code(bhttp::error::bad_method).category();
}

}  // namespace

// The ByteSink a streaming producer writes to: headers at the first write,
// then one chunk per write, each bounded by the write timeout.
class ChunkedSink final : public util::ByteSink {
 public:
  ChunkedSink(Connection& connection, ResponseHeader header)
      : connection_(connection), header_(std::move(header)) {}

  bool write(std::string_view bytes) override {
    if (failed_) return false;
    if (connection_.force_closed_.load()) return fail();
    if (bytes.empty()) return true;
    if (!started_) {
      started_ = true;
      if (!send_header()) return fail();
    }
    const auto chunk = bhttp::make_chunk(asio::const_buffer(bytes.data(), bytes.size()));
    if (!write_buffers(chunk)) return fail();
    body_bytes_ += bytes.size();
    return true;
  }

  // Sends the terminating chunk.
  bool finish() { return !failed_ && write_buffers(bhttp::make_chunk_last()); }

  bool started() const { return started_; }
  bool failed() const { return failed_; }
  uint64_t body_bytes() const { return body_bytes_; }

 private:
  bool fail() {
    failed_ = true;
    return false;
  }
  bool send_header() {
    bhttp::response<bhttp::empty_body> message(std::move(header_));
    message.chunked(true);
    bhttp::response_serializer<bhttp::empty_body> serializer(message);
    const error_code ec =
        connection_.run_io(connection_.context_.options.write_timeout, [&](auto done) {
          connection_.with_stream(
              [&](auto& stream) { bhttp::async_write_header(stream, serializer, done); });
        });
    return !ec;
  }
  template <typename Buffers>
  bool write_buffers(const Buffers& buffers) {
    const error_code ec =
        connection_.run_io(connection_.context_.options.write_timeout, [&](auto done) {
          connection_.with_stream([&](auto& stream) { asio::async_write(stream, buffers, done); });
        });
    return !ec;
  }

  Connection& connection_;
  ResponseHeader header_;
  bool started_ = false;
  bool failed_ = false;
  uint64_t body_bytes_ = 0;
};

Connection::Connection(const ConnectionContext& context, std::unique_ptr<asio::io_context> io,
                       tcp::socket socket)
    : context_(context), io_(std::move(io)), socket_(std::move(socket)), timer_(*io_) {
  error_code ec;
  const tcp::endpoint remote = socket_.remote_endpoint(ec);
  if (!ec) remote_address_ = remote.address().to_string();
}

Connection::~Connection() = default;

tcp::socket& Connection::tcp() {
  return tls_ ? tls_->next_layer() : socket_;
}

template <typename Function>
decltype(auto) Connection::with_stream(Function&& function) {
  if (tls_) return function(*tls_);
  return function(socket_);
}

template <typename Initiate>
error_code Connection::run_io(Clock::duration timeout, Initiate&& initiate) {
  if (force_closed_.load()) return asio::error::operation_aborted;
  bool finished = false;
  bool timed_out = false;
  error_code result;
  timer_.expires_after(timeout);
  timer_.async_wait([&](error_code ec) {
    if (ec || finished) return;
    timed_out = true;
    error_code ignored;
    tcp().cancel(ignored);
  });
  auto done = [&](error_code ec, std::size_t = 0) {
    finished = true;
    result = ec;
    timer_.cancel();
  };
  initiate(done);
  io_->restart();
  io_->run();
  if (result && timed_out) return beast::error::timeout;
  return result;
}

void Connection::request_stop() {
  asio::post(*io_, [this] {
    if (idle_ && buffer_.size() == 0) {
      error_code ignored;
      tcp().cancel(ignored);
    }
  });
}

void Connection::force_close() {
  force_closed_.store(true);
  asio::post(*io_, [this] {
    error_code ignored;
    tcp().shutdown(tcp::socket::shutdown_both, ignored);
    tcp().close(ignored);
  });
}

void Connection::serve() {
  try {
    serve_requests();
  } catch (const std::exception& exception) {
    log_server_error("connection failed", exception.what());
  } catch (...) {
    log_server_error("connection failed", "unknown exception");
  }
  error_code ignored;
  tcp().shutdown(tcp::socket::shutdown_both, ignored);
  tcp().close(ignored);
}

bool Connection::handshake() {
  tls_.emplace(std::move(socket_), *context_.tls);
  const error_code ec = run_io(context_.options.read_timeout, [&](auto done) {
    tls_->async_handshake(asio::ssl::stream_base::server, [done](error_code ec) { done(ec); });
  });
  if (!ec) return true;
  // One line for what an operator may want to see (plain HTTP on the HTTPS
  // port, no common protocol version or cipher, a client that never said
  // hello); none for a client that just went away, nor during shutdown.
  const bool went_away = ec == asio::error::eof || ec == asio::ssl::error::stream_truncated ||
                         ec == asio::error::connection_reset;
  if (!went_away && !force_closed_.load() && !context_.stopping.load()) {
    log_server_info("TLS handshake failed", remote_address_ + ": " + ec.message());
  }
  return false;
}

void Connection::serve_requests() {
  if (context_.tls != nullptr && !handshake()) return;
  while (!context_.stopping.load()) {
    if (!wait_for_request()) return;
    const auto started = Clock::now();
    std::optional<BeastRequest> request = read_request();
    if (!request) return;
    if (!answer(*request, started)) {
      graceful_close();
      return;
    }
  }
}

bool Connection::wait_for_request() {
  if (buffer_.size() > 0) return true;
  idle_ = true;
  std::size_t received = 0;
  const error_code ec = run_io(context_.options.idle_timeout, [&](auto done) {
    with_stream([&](auto& stream) {
      stream.async_read_some(buffer_.prepare(4096), [&received, done](error_code ec, size_t n) {
        received = n;
        done(ec, n);
      });
    });
  });
  idle_ = false;
  buffer_.commit(received);
  return !ec && received > 0;
}

std::optional<Connection::BeastRequest> Connection::read_request() {
  const ServerOptions& options = context_.options;
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(options.max_header_bytes);
  parser.body_limit(options.max_body_bytes);
  const auto deadline = Clock::now() + options.read_timeout;
  const auto remaining = [&] {
    return std::max<Clock::duration>(deadline - Clock::now(), std::chrono::milliseconds(1));
  };

  error_code ec = run_io(remaining(), [&](auto done) {
    with_stream([&](auto& stream) { bhttp::async_read_header(stream, buffer_, parser, done); });
  });
  if (!ec && !parser.is_done()) {
    if (beast::iequals(parser.get()[bhttp::field::expect], "100-continue") &&
        !write_raw("HTTP/1.1 100 Continue\r\n\r\n")) {
      return std::nullopt;
    }
    ec = run_io(remaining(), [&](auto done) {
      with_stream([&](auto& stream) { bhttp::async_read(stream, buffer_, parser, done); });
    });
  }
  if (!ec) return parser.release();

  std::string request_id;
  if (parser.is_header_done()) {
    const auto incoming = parser.get()["X-Request-Id"];
    if (is_sane_request_id({incoming.data(), incoming.size()})) request_id = std::string(incoming);
  }
  if (request_id.empty()) request_id = new_request_id();
  int status = 0;
  std::string message;
  if (ec == beast::error::timeout) {
    status = 408;
    message = "request not received within the read timeout";
  } else if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) {
    status = 431;
    message = "request headers exceed " + std::to_string(options.max_header_bytes) + " bytes";
  } else if (ec == bhttp::error::body_limit) {
    status = 413;
    message = "request body exceeds " + std::to_string(options.max_body_bytes) + " bytes";
  } else if (is_http_category(ec) && ec != bhttp::error::end_of_stream &&
             ec != bhttp::error::partial_message) {
    status = 400;
    message = "malformed HTTP request: " + ec.message();
  }
  if (status != 0 && !force_closed_.load()) {
    if (write_error(status, message, request_id)) graceful_close();
    if (context_.options.access_log) {
      log_access({.method = parser.is_header_done() ? parser.get().method_string() : "-",
                  .path = "-",
                  .status = status,
                  .request_id = request_id,
                  .remote_address = remote_address_});
    }
  }
  return std::nullopt;
}

bool Connection::write_raw(std::string_view bytes) {
  const error_code ec = run_io(context_.options.write_timeout, [&](auto done) {
    with_stream([&](auto& stream) {
      asio::async_write(stream, asio::const_buffer(bytes.data(), bytes.size()), done);
    });
  });
  return !ec;
}

bool Connection::write_error(int status, std::string_view message, const std::string& request_id) {
  Request request;
  request.request_id = request_id;
  uint64_t ignored = 0;
  return write_complete(request, Response::json(status, error_envelope(status, message)),
                        /*keep_alive=*/false, ignored);
}

bool Connection::write_complete(const Request& request, const Response& response, bool keep_alive,
                                uint64_t& body_bytes) {
  ResponseHeader header = make_header(request, response, keep_alive);
  error_code ec;
  if (request.head_only) {
    bhttp::response<bhttp::empty_body> message(std::move(header));
    if (response.producer) {
      message.chunked(true);
    } else {
      message.content_length(response.body.size());
    }
    bhttp::response_serializer<bhttp::empty_body> serializer(message);
    ec = run_io(context_.options.write_timeout, [&](auto done) {
      with_stream([&](auto& stream) { bhttp::async_write_header(stream, serializer, done); });
    });
  } else {
    bhttp::response<bhttp::string_body> message(std::move(header), response.body);
    message.prepare_payload();
    ec = run_io(context_.options.write_timeout, [&](auto done) {
      with_stream([&](auto& stream) { bhttp::async_write(stream, message, done); });
    });
    if (!ec) body_bytes = response.body.size();
  }
  return !ec;
}

bool Connection::write_streamed(const Request& request, Response& response, bool keep_alive,
                                int& status, uint64_t& body_bytes) {
  ChunkedSink sink(*this, make_header(request, response, keep_alive));
  StreamEnd end;
  try {
    end = response.producer(sink);
  } catch (const std::exception& exception) {
    log_server_error("body producer threw", exception.what());
    end.kind = StreamEnd::Kind::kReplaced;
    end.status = 500;
    end.body = error_envelope(Error(ErrorCode::kInternal, "internal error"));
  }
  body_bytes = sink.body_bytes();
  if (sink.started()) {
    // A producer that wrote cannot replace its answer any more: drop it.
    if (sink.failed() || end.kind != StreamEnd::Kind::kComplete) return false;
    return sink.finish();
  }
  switch (end.kind) {
    case StreamEnd::Kind::kAborted:
      return false;
    case StreamEnd::Kind::kReplaced: {
      status = end.status;
      return write_complete(request, Response::json(end.status, std::move(end.body)), keep_alive,
                            body_bytes);
    }
    case StreamEnd::Kind::kComplete:
      break;
  }
  Response empty;
  empty.status = response.status;
  empty.headers = response.headers;
  return write_complete(request, empty, keep_alive, body_bytes);
}

bool Connection::answer(BeastRequest& wire_request, Clock::time_point started) {
  Request request;
  request.remote_address = remote_address_;
  for (const auto& field : wire_request) {
    std::string name = util::ascii_lower(field.name_string());
    auto [it, inserted] = request.headers.try_emplace(std::move(name), field.value());
    if (!inserted) {
      it->second += ", ";
      it->second += field.value();
    }
  }
  const std::string* incoming_id = request.header("x-request-id");
  request.request_id =
      incoming_id != nullptr && is_sane_request_id(*incoming_id) ? *incoming_id : new_request_id();
  request.method = std::string(wire_request.method_string());

  Response response;
  Result<RequestTarget> target = parse_request_target(wire_request.target());
  if (!target) {
    response = Response::json(400, error_envelope(target.error()));
    request.path = "-";
  } else {
    request.path = std::move(target->path);
    request.raw_path = std::move(target->raw_path);
    request.query = std::move(target->query);
    Result<std::string> method =
        effective_method(wire_request.method_string(), request.headers, request.query);
    if (!method) {
      response = Response::json(400, error_envelope(method.error()));
    } else {
      request.method = std::move(*method);
      if (request.method == "HEAD") {
        request.method = "GET";
        request.head_only = true;
      }
      request.body = std::move(wire_request.body());
      try {
        response = context_.handler.handle(request);
      } catch (const std::exception& exception) {
        log_server_error("handler threw", exception.what());
        response =
            Response::json(500, error_envelope(Error(ErrorCode::kInternal, "internal error")));
      }
    }
  }

  // Decided after the handler: a stop() meanwhile ends keep-alive.
  const bool keep_alive = wire_request.keep_alive() && !context_.stopping.load();
  int status = response.status;
  uint64_t body_bytes = 0;
  bool reusable;
  if (response.producer && !request.head_only) {
    reusable = write_streamed(request, response, keep_alive, status, body_bytes);
  } else {
    reusable = write_complete(request, response, keep_alive, body_bytes);
  }
  if (context_.options.access_log) {
    const double duration_ms =
        std::chrono::duration<double, std::milli>(Clock::now() - started).count();
    log_access({.method = request.head_only ? "HEAD" : request.method,
                .path = request.path,
                .status = status,
                .body_bytes = body_bytes,
                .duration_ms = duration_ms,
                .request_id = request.request_id,
                .remote_address = remote_address_});
  }
  return reusable && keep_alive;
}

void Connection::graceful_close() {
  if (force_closed_.load()) return;
  error_code ignored;
  if (tls_) {
    // close_notify, then wait briefly for the client's (most clients just
    // close the TCP connection, which ends the wait at once).
    run_io(kTlsShutdownTime,
           [&](auto done) { tls_->async_shutdown([done](error_code ec) { done(ec); }); });
  }
  tcp().shutdown(tcp::socket::shutdown_send, ignored);
  // Read what the client still sends for a moment: closing with unread
  // bytes would reset the connection before the client reads our answer.
  const auto deadline = Clock::now() + kDrainTime;
  size_t drained = 0;
  char scratch[8192];
  while (drained < kDrainBytes && Clock::now() < deadline) {
    size_t received = 0;
    const error_code ec = run_io(deadline - Clock::now(), [&](auto done) {
      tcp().async_read_some(asio::buffer(scratch), [&received, done](error_code ec, size_t n) {
        received = n;
        done(ec, n);
      });
    });
    if (ec) break;
    drained += received;
  }
}

}  // namespace lakegate::http
