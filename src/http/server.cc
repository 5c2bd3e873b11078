#include "http/server.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <csignal>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "http/access_log.h"
#include "http/connection.h"
#include "http/error_envelope.h"
#include "http/work_scheduler.h"

namespace lakegate::http {

namespace asio = boost::asio;
using boost::system::error_code;
using tcp = asio::ip::tcp;

namespace {

// A connection over the limit: gets a 503, then is closed after a moment
// (reading what it sends meanwhile, so the close does not reset it).
struct Rejection : std::enable_shared_from_this<Rejection> {
  Rejection(tcp::socket s, asio::io_context& io) : socket(std::move(s)), timer(io) {}

  void start() {
    const std::string body = error_envelope(503, "server busy: too many connections");
    response =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
        "Connection: close\r\nRetry-After: 1\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body;
    auto self = shared_from_this();
    timer.expires_after(std::chrono::seconds(1));
    timer.async_wait([self](error_code) {
      error_code ignored;
      self->socket.close(ignored);
    });
    asio::async_write(socket, asio::buffer(response), [self](error_code ec, size_t) {
      if (ec) return;
      error_code ignored;
      self->socket.shutdown(tcp::socket::shutdown_send, ignored);
      self->drain();
    });
  }
  void drain() {
    auto self = shared_from_this();
    socket.async_read_some(asio::buffer(scratch), [self](error_code ec, size_t) {
      if (ec) {
        self->timer.cancel();
        error_code ignored;
        self->socket.close(ignored);
        return;
      }
      self->drain();
    });
  }

  tcp::socket socket;
  asio::steady_timer timer;
  std::string response;
  char scratch[4096];
};

// Builds the TLS context from options.tls_cert_file and tls_key_file (both
// or neither): TLS 1.2 and newer, no compression. Leaves `tls` empty for
// plain HTTP. kBadConfig naming the file that failed.
Status load_tls(const ServerOptions& options, std::optional<asio::ssl::context>& tls) {
  tls.reset();
  const std::string& cert_file = options.tls_cert_file;
  const std::string& key_file = options.tls_key_file;
  if (cert_file.empty() && key_file.empty()) return ok_status();
  if (cert_file.empty() || key_file.empty()) {
    return Error(
        ErrorCode::kBadConfig,
        "TLS needs both a certificate file and a key file (got " +
            (cert_file.empty() ? "only the key " + key_file : "only the certificate " + cert_file) +
            ")");
  }
  try {
    tls.emplace(asio::ssl::context::tls_server);
  } catch (const std::exception& error) {  // SSL_CTX_new failed
    return Error(ErrorCode::kBadConfig,
                 std::string("cannot create a TLS context: ") + error.what());
  }
  // asio's tlsv12_server would pin the version to exactly 1.2 (no 1.3);
  // a minimum keeps 1.3 available.
  SSL_CTX_set_min_proto_version(tls->native_handle(), TLS1_2_VERSION);
  error_code ec;
  tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_compression,
                   ec);
  if (!ec) tls->use_certificate_chain_file(cert_file, ec);
  if (ec) {
    tls.reset();
    return Error(ErrorCode::kBadConfig,
                 "cannot load TLS certificate chain " + cert_file + ": " + ec.message());
  }
  tls->use_private_key_file(key_file, asio::ssl::context::pem, ec);
  if (!ec && SSL_CTX_check_private_key(tls->native_handle()) != 1) {
    const unsigned long reason = ERR_get_error();
    ec = reason != 0 ? error_code(static_cast<int>(reason), asio::error::get_ssl_category())
                     : error_code(asio::error::invalid_argument);
  }
  if (ec) {
    tls.reset();
    return Error(ErrorCode::kBadConfig, "cannot load TLS private key " + key_file + " (for " +
                                            cert_file + "): " + ec.message());
  }
  return ok_status();
}

}  // namespace

struct Server::State {
  State(ServerOptions o, Handler& h)
      : options(std::move(o)),
        handler(h),
        acceptor(io),
        retry_timer(io),
        grace_timer(io),
        work_guard(asio::make_work_guard(io)) {}

  void accept_next();
  // The loop the next connection lives on, in turn.
  asio::io_context& next_loop();
  void on_accepted(tcp::socket socket);
  void on_connection_end(uint64_t id);
  // Runs on the event loop once stop() was called.
  void begin_shutdown();
  // Lets the event loop end once stopping and no connection is left.
  void release_loop_if_done();

  ServerOptions options;
  Handler& handler;
  // Event loops beyond `io`, one thread each (run()); each connection lives
  // on one loop, so loops share no queue. Declared before `io`: destroyed
  // after it.
  std::vector<std::unique_ptr<asio::io_context>> extra_loops;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> extra_guards;
  size_t loop_turn = 0;  // accept handler only
  asio::io_context io;   // the acceptor, timers, shutdown; and connections in turn
  tcp::acceptor acceptor;
  asio::steady_timer retry_timer;
  asio::steady_timer grace_timer;
  asio::executor_work_guard<asio::io_context::executor_type> work_guard;
  std::optional<asio::ssl::context> tls;
  std::atomic<bool> stopping{false};
  std::atomic<uint16_t> port{0};
  std::atomic<size_t> live_count{0};
  bool started = false;

  std::mutex mutex;  // guards everything below
  std::map<uint64_t, std::weak_ptr<Connection>> live;
  uint64_t next_id = 1;
  bool stop_requested = false;
  std::chrono::steady_clock::time_point deadline;

  // Last: destroyed first, so no worker job outlives what it uses.
  std::optional<ConnectionContext> context;  // set by start()
  std::unique_ptr<WorkScheduler> workers;    // set by start()
};

asio::io_context& Server::State::next_loop() {
  const size_t loops = extra_loops.size() + 1;
  const size_t turn = loop_turn++ % loops;
  return turn == 0 ? io : *extra_loops[turn - 1];
}

void Server::State::accept_next() {
  acceptor.async_accept(asio::make_strand(next_loop()), [this](error_code ec, tcp::socket socket) {
    if (!acceptor.is_open() || stopping.load()) return;
    if (ec) {
      // E.g. out of file descriptors: back off briefly instead of spinning.
      log_server_error("accept failed", ec.message());
      retry_timer.expires_after(std::chrono::milliseconds(50));
      retry_timer.async_wait([this](error_code wait_ec) {
        if (!wait_ec) accept_next();
      });
      return;
    }
    on_accepted(std::move(socket));
    accept_next();
  });
}

void Server::State::on_accepted(tcp::socket socket) {
  // Responses leave in few writes, but a streamed body is several: without
  // this, Nagle's algorithm holds a small write until the client's delayed
  // ACK (~40 ms).
  error_code nodelay_ec;
  socket.set_option(tcp::no_delay(true), nodelay_ec);
  if (live_count.load() >= options.max_connections) {
    if (tls) {
      // A plaintext 503 means nothing to a TLS client, and a handshake here
      // would spend the event loop's time when the server is busiest: close.
      error_code ignored;
      socket.close(ignored);
      return;
    }
    std::make_shared<Rejection>(std::move(socket), io)->start();
    return;
  }
  std::shared_ptr<Connection> connection;
  {
    std::lock_guard lock(mutex);
    const uint64_t id = next_id++;
    connection = std::make_shared<Connection>(*context, id, std::move(socket));
    live.emplace(id, connection);
    live_count.fetch_add(1);
  }
  connection->start();
}

void Server::State::on_connection_end(uint64_t id) {
  {
    std::lock_guard lock(mutex);
    live.erase(id);
    live_count.fetch_sub(1);
  }
  if (stopping.load()) asio::post(io, [this] { release_loop_if_done(); });
}

void Server::State::begin_shutdown() {
  error_code ignored;
  acceptor.close(ignored);
  retry_timer.cancel();
  std::vector<std::shared_ptr<Connection>> connections;
  {
    std::lock_guard lock(mutex);
    for (auto& [id, weak] : live) {
      if (auto connection = weak.lock()) connections.push_back(std::move(connection));
    }
  }
  for (auto& connection : connections) connection->request_stop();
  connections.clear();
  grace_timer.expires_at(deadline);
  grace_timer.async_wait([this](error_code ec) {
    if (ec) return;
    std::vector<std::shared_ptr<Connection>> remaining;
    {
      std::lock_guard lock(mutex);
      for (auto& [id, weak] : live) {
        if (auto connection = weak.lock()) remaining.push_back(std::move(connection));
      }
    }
    for (auto& connection : remaining) connection->force_close();
  });
  release_loop_if_done();
}

void Server::State::release_loop_if_done() {
  if (!stopping.load() || live_count.load() != 0) return;
  grace_timer.cancel();
  work_guard.reset();
  for (auto& guard : extra_guards) guard.reset();
}

Server::Server(ServerOptions options, Handler& handler)
    : state_(std::make_unique<State>(std::move(options), handler)) {}

Server::~Server() = default;

Status Server::start() {
  State& state = *state_;
  if (state.started) return ok_status();
  const ServerOptions& options = state.options;
  // TLS first: a bad certificate must not leave the port bound.
  if (Status loaded = load_tls(options, state.tls); !loaded) return loaded;
  error_code ec;
  const asio::ip::address address = asio::ip::make_address(options.host, ec);
  if (ec) return Error(ErrorCode::kBadConfig, "invalid listen host: " + options.host);
  const tcp::endpoint endpoint(address, options.port);
  state.acceptor.open(endpoint.protocol(), ec);
  if (!ec) state.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) state.acceptor.bind(endpoint, ec);
  if (!ec) state.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    error_code ignored;
    state.acceptor.close(ignored);
    return Error(ErrorCode::kBadConfig, "cannot listen on " + options.host + ":" +
                                            std::to_string(options.port) + ": " + ec.message());
  }
  state.port.store(state.acceptor.local_endpoint().port());
  if (state.tls) {
    // Idle TLS connections give their read and write buffers back.
    SSL_CTX_set_mode(state.tls->native_handle(), SSL_MODE_RELEASE_BUFFERS);
  }
  state.workers = std::make_unique<WorkScheduler>(options.worker_threads);
  State* raw = &state;
  state.context.emplace(ConnectionContext{options, state.handler, *state.workers,
                                          state.tls ? &*state.tls : nullptr, state.stopping,
                                          [raw](uint64_t id) { raw->on_connection_end(id); }});
  state.started = true;
  return ok_status();
}

Status Server::run() {
  State& state = *state_;
  if (Status started = start(); !started) return started;
  size_t io_threads = state.options.io_threads;
  if (io_threads == 0) {
    const size_t cores = std::max(1u, std::thread::hardware_concurrency());
    io_threads = std::clamp<size_t>(cores, 1, 8);
  }
  for (size_t index = 1; index < io_threads; ++index) {
    state.extra_loops.push_back(std::make_unique<asio::io_context>(1));
    state.extra_guards.push_back(asio::make_work_guard(*state.extra_loops.back()));
  }
  state.accept_next();
  std::vector<std::thread> extra;
  for (auto& loop : state.extra_loops) {
    extra.emplace_back([&loop] { loop->run(); });
  }
  // Until stop() and every connection has ended (the work guard keeps the
  // loop alive while handlers run on workers with no socket operation
  // pending).
  state.io.run();
  for (std::thread& thread : extra) thread.join();
  return ok_status();
}

void Server::stop(std::chrono::milliseconds grace) {
  State& state = *state_;
  {
    std::lock_guard lock(state.mutex);
    if (state.stop_requested) return;
    state.stop_requested = true;
    state.deadline = std::chrono::steady_clock::now() + grace;
    state.stopping.store(true);
  }
  asio::post(state.io, [&state] { state.begin_shutdown(); });
}

uint16_t Server::bound_port() const {
  return state_->port.load();
}

size_t Server::active_connections() const {
  return state_->live_count.load();
}

struct ShutdownSignals::State {
  asio::io_context io;
  asio::signal_set signals{io, SIGINT, SIGTERM};
  asio::steady_timer grace_timer{io};
  std::thread thread;
};

ShutdownSignals::ShutdownSignals(Server& server, std::chrono::milliseconds grace,
                                 std::function<void()> on_grace_expired)
    : state_(std::make_unique<State>()) {
  State* state = state_.get();
  state->signals.async_wait([state, &server, grace, on_grace_expired = std::move(on_grace_expired)](
                                error_code ec, int signal_number) {
    if (ec) return;
    log_server_info("shutting down", "signal " + std::to_string(signal_number));
    server.stop(grace);
    error_code ignored;
    state->signals.clear(ignored);  // a second signal ends the process the default way
    if (on_grace_expired) {
      state->grace_timer.expires_after(grace);
      state->grace_timer.async_wait([on_grace_expired](error_code timer_ec) {
        if (!timer_ec) on_grace_expired();
      });
    }
  });
  state->thread = std::thread([state] { state->io.run(); });
}

ShutdownSignals::~ShutdownSignals() {
  State* state = state_.get();
  asio::post(state->io, [state] {
    error_code ignored;
    state->signals.cancel(ignored);
    state->grace_timer.cancel();
  });
  state->thread.join();
}

}  // namespace lakegate::http
