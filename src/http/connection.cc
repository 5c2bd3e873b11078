#include "http/connection.h"

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <utility>

#include "http/access_log.h"
#include "http/error_envelope.h"
#include "http/request_target.h"
#include "http/response_wire.h"
#include "util/ascii.h"
#include "util/blocking_guard.h"

namespace lakegate::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using boost::system::error_code;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kDrainTime = std::chrono::milliseconds(1000);
constexpr size_t kDrainBytes = 1 << 20;
constexpr auto kTlsShutdownTime = std::chrono::milliseconds(200);
constexpr size_t kFirstReadBytes = 4096;

bool is_http_category(const error_code& ec) {
  return &ec.category() == &bhttp::make_error_code(bhttp::error::bad_method).category();
}

}  // namespace

// The ByteSink a streaming producer writes to, on its worker: the head
// with the first chunk, then one chunk per write, each within the write
// timeout.
class StreamSink final : public util::ByteSink {
 public:
  StreamSink(Connection& connection, std::string head)
      : connection_(connection), head_(std::move(head)) {}

  bool write(std::string_view bytes) override {
    if (failed_) return false;
    if (connection_.force_closed_.load()) return fail();
    if (bytes.empty()) return true;
    const std::string size_line = chunk_size_line(bytes.size());
    std::vector<asio::const_buffer> buffers;
    if (!started_) {
      started_ = true;
      buffers.push_back(asio::buffer(head_));
    }
    buffers.push_back(asio::buffer(size_line));
    buffers.push_back(asio::buffer(bytes.data(), bytes.size()));
    buffers.push_back(asio::buffer(kChunkEnd.data(), kChunkEnd.size()));
    if (!connection_.write_and_wait(buffers)) return fail();
    body_bytes_ += bytes.size();
    return true;
  }

  // Sends the terminating chunk.
  bool finish() {
    return !failed_ &&
           connection_.write_and_wait({asio::buffer(kLastChunk.data(), kLastChunk.size())});
  }

  bool started() const { return started_; }
  bool failed() const { return failed_; }
  uint64_t body_bytes() const { return body_bytes_; }

 private:
  bool fail() {
    failed_ = true;
    return false;
  }

  Connection& connection_;
  std::string head_;
  bool started_ = false;
  bool failed_ = false;
  uint64_t body_bytes_ = 0;
};

Connection::Connection(const ConnectionContext& context, uint64_t id, tcp::socket socket)
    : context_(context),
      id_(id),
      executor_(socket.get_executor()),
      socket_(std::move(socket)),
      timer_(executor_) {
  error_code ec;
  const tcp::endpoint remote = socket_.remote_endpoint(ec);
  if (!ec) remote_address_ = remote.address().to_string();
}

Connection::~Connection() {
  if (context_.on_end) context_.on_end(id_);
}

tcp::socket& Connection::tcp() {
  return tls_ ? tls_->next_layer() : socket_;
}

template <typename Function>
decltype(auto) Connection::with_stream(Function&& function) {
  if (tls_) return function(*tls_);
  return function(socket_);
}

// The timer is lazy: it stays set for the earliest deadline it was given
// and, when it fires, compares the clock with the step's deadline then,
// setting itself again for a later one. Arming a later deadline (the usual
// case: every step's deadline lies after the last one's) costs an
// assignment, not a timer operation and a cancelled wait per step.
void Connection::arm_deadline(Clock::time_point deadline) {
  timed_out_ = false;
  deadline_ = deadline;
  if (timer_set_ && timer_expiry_ <= deadline) return;
  set_timer(deadline);
}

void Connection::set_timer(Clock::time_point expiry) {
  timer_set_ = true;
  timer_expiry_ = expiry;
  timer_.expires_at(expiry);  // a wait already pending ends with operation_aborted
  timer_.async_wait([self = shared_from_this()](error_code ec) {
    if (ec) return;  // cancelled (closed) or replaced by a newer wait
    self->timer_set_ = false;
    if (self->closed_ || self->deadline_ == Clock::time_point::max()) return;
    if (Clock::now() < self->deadline_) return self->set_timer(self->deadline_);
    self->timed_out_ = true;
    error_code ignored;
    self->tcp().cancel(ignored);
  });
}

void Connection::disarm_deadline() {
  deadline_ = Clock::time_point::max();
}

void Connection::start() {
  asio::dispatch(executor_, [self = shared_from_this()] {
    if (self->context_.tls != nullptr) {
      self->handshake();
    } else {
      self->wait_for_request();
    }
  });
}

void Connection::request_stop() {
  asio::post(executor_, [self = shared_from_this()] {
    if (self->idle_ && self->buffer_.size() == 0) self->close_socket();
  });
}

void Connection::force_close() {
  force_closed_.store(true);
  asio::post(executor_, [self = shared_from_this()] { self->close_socket(); });
}

void Connection::close_socket() {
  if (closed_) return;
  closed_ = true;
  disarm_deadline();
  timer_.cancel();  // its wait holds the connection
  error_code ignored;
  tcp().shutdown(tcp::socket::shutdown_both, ignored);
  tcp().close(ignored);
}

void Connection::handshake() {
  tls_.emplace(std::move(socket_), *context_.tls);
  arm_deadline(Clock::now() + context_.options.read_timeout);
  tls_->async_handshake(asio::ssl::stream_base::server, [self = shared_from_this()](error_code ec) {
    self->disarm_deadline();
    if (!ec && !self->force_closed_.load()) {
      self->wait_for_request();
      return;
    }
    // One line for what an operator may want to see (plain HTTP on the HTTPS
    // port, no common protocol version or cipher, a client that never said
    // hello); none for a client that just went away, nor during shutdown.
    const bool went_away = ec == asio::error::eof || ec == asio::ssl::error::stream_truncated ||
                           ec == asio::error::connection_reset;
    if (ec && !went_away && !self->force_closed_.load() && !self->context_.stopping.load()) {
      log_server_info("TLS handshake failed",
                      self->remote_address_ + ": " +
                          (self->timed_out_ ? std::string("timed out") : ec.message()));
    }
    self->close_socket();
  });
}

void Connection::wait_for_request() {
  if (closed_ || force_closed_.load()) return close_socket();
  if (buffer_.size() > 0) return read_request();  // a pipelined request is here
  if (context_.stopping.load()) return close_socket();
  // An idle connection keeps no buffer: memory is taken when bytes arrive.
  buffer_.shrink_to_fit();
  idle_ = true;
  arm_deadline(Clock::now() + context_.options.idle_timeout);
  auto self = shared_from_this();
  if (!tls_) {
    socket_.async_wait(tcp::socket::wait_read, [self](error_code ec) {
      self->idle_ = false;
      self->disarm_deadline();
      if (ec || self->closed_) return self->close_socket();
      self->read_request();
    });
    return;
  }
  // TLS: bytes must go through the TLS stream (its buffers are released
  // while idle, SSL_MODE_RELEASE_BUFFERS).
  tls_->async_read_some(buffer_.prepare(kFirstReadBytes), [self](error_code ec, size_t received) {
    self->idle_ = false;
    self->disarm_deadline();
    self->buffer_.commit(received);
    if (ec || received == 0 || self->closed_) return self->close_socket();
    self->read_request();
  });
}

void Connection::read_request() {
  const ServerOptions& options = context_.options;
  request_started_ = Clock::now();
  parser_.emplace();
  parser_->header_limit(options.max_header_bytes);
  parser_->body_limit(options.max_body_bytes);
  arm_deadline(request_started_ + std::min(options.header_timeout, options.read_timeout));
  with_stream([&](auto& stream) {
    bhttp::async_read_header(stream, buffer_, *parser_,
                             [self = shared_from_this()](error_code ec, size_t) {
                               self->disarm_deadline();
                               if (ec) return self->on_read_failed(ec);
                               if (self->parser_->is_done()) return self->dispatch();
                               self->read_body();
                             });
  });
}

void Connection::read_body() {
  auto self = shared_from_this();
  auto read_rest = [self] {
    self->arm_deadline(self->request_started_ + self->context_.options.read_timeout);
    self->with_stream([&](auto& stream) {
      bhttp::async_read(stream, self->buffer_, *self->parser_, [self](error_code ec, size_t) {
        self->disarm_deadline();
        if (ec) return self->on_read_failed(ec);
        self->dispatch();
      });
    });
  };
  if (!beast::iequals(parser_->get()[bhttp::field::expect], "100-continue")) return read_rest();
  static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
  arm_deadline(Clock::now() + context_.options.write_timeout);
  with_stream([&](auto& stream) {
    asio::async_write(stream, asio::buffer(kContinue.data(), kContinue.size()),
                      [self, read_rest](error_code ec, size_t) {
                        self->disarm_deadline();
                        if (ec) return self->close_socket();
                        read_rest();
                      });
  });
}

void Connection::on_read_failed(error_code ec) {
  if (force_closed_.load() || closed_) return close_socket();
  const ServerOptions& options = context_.options;
  Parser& parser = *parser_;
  std::string request_id;
  if (parser.is_header_done()) {
    const auto incoming = parser.get()["X-Request-Id"];
    if (is_sane_request_id({incoming.data(), incoming.size()})) request_id = std::string(incoming);
  }
  if (request_id.empty()) request_id = new_request_id();
  int status = 0;
  std::string message;
  if (timed_out_) {
    status = 408;
    message = parser.is_header_done() ? "request not received within the read timeout"
                                      : "request headers not received within the header timeout";
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
  if (status == 0) return close_socket();  // the client went away
  request_ = Request{};
  request_.request_id = std::move(request_id);
  request_.remote_address = remote_address_;
  request_.method = parser.is_header_done() ? std::string(parser.get().method_string()) : "-";
  request_.path = "-";
  keep_alive_ = false;
  set_error_response(status, message);
  write_complete_response();
}

void Connection::set_error_response(int status, std::string_view message) {
  response_ = Response::json(status, error_envelope(status, message));
}

void Connection::dispatch() {
  Parser::value_type wire = parser_->release();
  parser_.reset();
  ++requests_served_;
  request_ = Request{};
  response_ = Response{};
  body_bytes_ = 0;
  request_.remote_address = remote_address_;
  for (const auto& field : wire) {
    std::string name = util::ascii_lower(field.name_string());
    auto [it, inserted] = request_.headers.try_emplace(std::move(name), field.value());
    if (!inserted) {
      it->second += ", ";
      it->second += field.value();
    }
  }
  const std::string* incoming_id = request_.header("x-request-id");
  request_.request_id =
      incoming_id != nullptr && is_sane_request_id(*incoming_id) ? *incoming_id : new_request_id();
  request_.method = std::string(wire.method_string());
  wire_keep_alive_ = wire.keep_alive();
  keep_alive_ = wire_keep_alive_ && !context_.stopping.load() &&
                requests_served_ < context_.options.max_requests_per_connection;

  Result<RequestTarget> target = parse_request_target(wire.target());
  if (!target) {
    request_.path = "-";
    response_ = Response::json(400, error_envelope(target.error()));
    return write_complete_response();
  }
  request_.path = std::move(target->path);
  request_.raw_path = std::move(target->raw_path);
  request_.query = std::move(target->query);
  Result<std::string> method =
      effective_method(wire.method_string(), request_.headers, request_.query);
  if (!method) {
    response_ = Response::json(400, error_envelope(method.error()));
    return write_complete_response();
  }
  request_.method = std::move(*method);
  if (request_.method == "HEAD") {
    request_.method = "GET";
    request_.head_only = true;
  }
  request_.body = std::move(wire.body());

  Start start;
  try {
    util::NonBlockingScope event_loop;
    start = context_.handler.start(request_);
  } catch (const std::exception& exception) {
    log_server_error("handler threw", exception.what());
    start.answer =
        Response::json(500, error_envelope(Error(ErrorCode::kInternal, "internal error")));
  }
  if (start.answer) {
    response_ = std::move(*start.answer);
    if (!response_.producer) return write_complete_response();
    // A streamed answer writes from a worker, never from the event loop.
    response_.producer = {};
    set_error_response(500, "an inline handler cannot stream");
    return write_complete_response();
  }
  const WorkLane& lane = start.lane;
  const LaneLimits limits{lane.max_running,
                          lane.max_queued.value_or(context_.options.default_max_queued)};
  const bool queued = context_.workers.submit(
      lane.name, limits,
      [self = shared_from_this(), rest = std::move(start.rest)] { self->run_handler(rest); });
  if (!queued) {
    set_error_response(503, "server busy: too many requests are waiting; retry later");
    response_.headers.emplace_back("Retry-After", "1");
    write_complete_response();
  }
}

void Connection::run_handler(const std::function<Response()>& rest) {
  if (force_closed_.load()) {
    asio::post(executor_, [self = shared_from_this()] { self->close_socket(); });
    return;
  }
  try {
    response_ = rest();
  } catch (const std::exception& exception) {
    log_server_error("handler threw", exception.what());
    response_ = Response::json(500, error_envelope(Error(ErrorCode::kInternal, "internal error")));
  }
  // Decided after the handler: a stop() meanwhile ends keep-alive.
  keep_alive_ = keep_alive_ && !context_.stopping.load();
  if (response_.producer && !request_.head_only && status_allows_body(response_.status)) {
    return stream_body();
  }
  asio::post(executor_, [self = shared_from_this()] { self->write_complete_response(); });
}

void Connection::stream_body() {
  StreamSink sink(*this, response_head(request_, response_, keep_alive_, BodyFraming::kChunked));
  StreamEnd end;
  try {
    end = response_.producer(sink);
  } catch (const std::exception& exception) {
    log_server_error("body producer threw", exception.what());
    end = StreamEnd::replaced(500, error_envelope(Error(ErrorCode::kInternal, "internal error")));
  }
  response_.producer = {};
  body_bytes_ = sink.body_bytes();
  status_ = response_.status;
  auto self = shared_from_this();
  if (sink.started()) {
    // A producer that wrote cannot replace its answer any more: drop it.
    const bool ok = !sink.failed() && end.kind == StreamEnd::Kind::kComplete && sink.finish();
    asio::post(executor_, [self, ok] {
      self->log_request();
      self->after_response(ok);
    });
    return;
  }
  switch (end.kind) {
    case StreamEnd::Kind::kAborted:
      asio::post(executor_, [self] {
        self->log_request();
        self->close_socket();
      });
      return;
    case StreamEnd::Kind::kReplaced:
      response_ = Response::json(end.status, std::move(end.body));
      break;
    case StreamEnd::Kind::kComplete:
      break;  // an empty body with the response's status and headers
  }
  asio::post(executor_, [self] { self->write_complete_response(); });
}

bool Connection::write_and_wait(const std::vector<asio::const_buffer>& buffers) {
  std::mutex mutex;
  std::condition_variable done_signal;
  bool done = false;
  bool written = false;
  auto finish = [&](bool ok) {
    std::lock_guard lock(mutex);
    written = ok;
    done = true;
    done_signal.notify_one();
  };
  asio::post(executor_, [self = shared_from_this(), &buffers, &finish] {
    if (self->closed_ || self->force_closed_.load()) return finish(false);
    self->arm_deadline(Clock::now() + self->context_.options.write_timeout);
    self->with_stream([&](auto& stream) {
      asio::async_write(stream, buffers, [self, &finish](error_code ec, size_t) {
        self->disarm_deadline();
        finish(!ec);
      });
    });
  });
  std::unique_lock lock(mutex);
  done_signal.wait(lock, [&] { return done; });
  return written;
}

void Connection::write_complete_response() {
  if (closed_ || force_closed_.load()) {
    log_request();
    return close_socket();
  }
  status_ = response_.status;
  const bool with_body = !request_.head_only && status_allows_body(response_.status);
  head_ = response_head(request_, response_, keep_alive_,
                        response_.producer ? BodyFraming::kChunked : BodyFraming::kContentLength,
                        response_.body.size());
  std::vector<asio::const_buffer> buffers{asio::buffer(head_)};
  if (with_body && !response_.body.empty()) buffers.push_back(asio::buffer(response_.body));
  arm_deadline(Clock::now() + context_.options.write_timeout);
  with_stream([&](auto& stream) {
    asio::async_write(stream, buffers,
                      [self = shared_from_this(), with_body](error_code ec, size_t) {
                        self->disarm_deadline();
                        if (!ec && with_body) self->body_bytes_ = self->response_.body.size();
                        self->log_request();
                        self->after_response(!ec);
                      });
  });
}

void Connection::log_request() {
  if (!context_.options.access_log) return;
  const double duration_ms =
      std::chrono::duration<double, std::milli>(Clock::now() - request_started_).count();
  log_access({.method = request_.head_only ? "HEAD" : request_.method,
              .path = request_.path,
              .status = status_,
              .body_bytes = body_bytes_,
              .duration_ms = duration_ms,
              .request_id = request_.request_id,
              .remote_address = remote_address_});
}

void Connection::after_response(bool written) {
  response_ = Response{};
  head_.clear();
  if (!written || closed_ || force_closed_.load()) return close_socket();
  if (!keep_alive_ || context_.stopping.load()) return graceful_close();
  request_ = Request{};
  wait_for_request();
}

void Connection::graceful_close() {
  if (closed_ || force_closed_.load()) return close_socket();
  auto self = shared_from_this();
  auto half_close = [self] {
    error_code ignored;
    self->tcp().shutdown(tcp::socket::shutdown_send, ignored);
    // Read what the client still sends for a moment: closing with unread
    // bytes would reset the connection before the client reads our answer.
    self->drain(Clock::now() + kDrainTime, 0);
  };
  if (!tls_) return half_close();
  // close_notify, then wait briefly for the client's.
  arm_deadline(Clock::now() + kTlsShutdownTime);
  tls_->async_shutdown([self, half_close](error_code) {
    self->disarm_deadline();
    half_close();
  });
}

void Connection::drain(Clock::time_point deadline, size_t drained) {
  if (closed_ || drained >= kDrainBytes || Clock::now() >= deadline) return close_socket();
  buffer_.clear();
  arm_deadline(deadline);
  tcp().async_read_some(buffer_.prepare(8192),
                        [self = shared_from_this(), deadline, drained](error_code ec, size_t n) {
                          self->disarm_deadline();
                          if (ec) return self->close_socket();
                          self->drain(deadline, drained + n);
                        });
}

}  // namespace lakegate::http
