#include "redis/redis_pool.h"

#include <pthread.h>
#include <sys/time.h>

#include <charconv>
#include <system_error>

namespace lakegate::redis {
namespace {

constexpr timeval kTimeout = {1, 0};
// Connections kept open between commands.
constexpr size_t kMaxIdleConnections = 16;

template <typename Number>
bool parse_number(std::string_view text, Number& value) {
  const char* end = text.data() + text.size();
  auto [stop, error] = std::from_chars(text.data(), end, value);
  return !text.empty() && error == std::errc() && stop == end;
}

bool sigpipe_pending() {
  sigset_t pending_signals;
  sigpending(&pending_signals);
  return sigismember(&pending_signals, SIGPIPE) == 1;
}

}  // namespace

Result<Address> parse_url(std::string_view url, std::string_view what) {
  const auto bad_url = [what](std::string why) {
    return Error(ErrorCode::kBadConfig,
                 "invalid " + std::string(what) + " Redis URL: " + why +
                     " (expected redis://[[user]:password@]host[:port][/db])");
  };
  constexpr std::string_view kScheme = "redis://";
  if (!url.starts_with(kScheme)) return bad_url("not a redis:// URL");
  std::string_view rest = url.substr(kScheme.size());
  Address address;
  if (size_t at = rest.rfind('@'); at != std::string_view::npos) {
    const std::string_view credentials = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const size_t colon = credentials.find(':');
    if (colon == std::string_view::npos || colon + 1 == credentials.size()) {
      return bad_url("credentials need a password");
    }
    address.user = credentials.substr(0, colon);
    address.password = credentials.substr(colon + 1);
  }
  if (size_t slash = rest.find('/'); slash != std::string_view::npos) {
    const std::string_view db = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
    if (!db.empty() && (!parse_number(db, address.db) || address.db < 0)) {
      return bad_url("database must be a number");
    }
  }
  std::string_view port;
  bool has_port = false;
  if (rest.starts_with('[')) {
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) return bad_url("unclosed '[' in host");
    address.host = rest.substr(1, close - 1);
    const std::string_view after = rest.substr(close + 1);
    if (!after.empty() && after.front() != ':') return bad_url("junk after host");
    has_port = !after.empty();
    if (has_port) port = after.substr(1);
  } else if (size_t colon = rest.rfind(':'); colon != std::string_view::npos) {
    address.host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
    has_port = true;
  } else {
    address.host = rest;
  }
  if (address.host.empty()) return bad_url("missing host");
  if (has_port && (!parse_number(port, address.port) || address.port < 1 || address.port > 65535)) {
    return bad_url("port must be 1-65535");
  }
  return address;
}

bool is_error(const redisReply& reply) {
  return reply.type == REDIS_REPLY_ERROR;
}

std::string_view text_of(const redisReply& reply) {
  return std::string_view(reply.str, reply.len);
}

Pool::Sigpipe::Sigpipe() {
  sigemptyset(&sigpipe_);
  sigaddset(&sigpipe_, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &sigpipe_, &saved_mask_);
  was_pending_ = sigpipe_pending();
}

Pool::Sigpipe::~Sigpipe() {
  if (!was_pending_ && sigpipe_pending()) {
    const timespec no_wait = {0, 0};
    sigtimedwait(&sigpipe_, nullptr, &no_wait);
  }
  pthread_sigmask(SIG_SETMASK, &saved_mask_, nullptr);
}

Error Pool::unavailable(std::string detail) const {
  return Error(ErrorCode::kBackendUnavailable, what_ + " unavailable")
      .with("detail", std::move(detail));
}

Result<Reply> Pool::run(redisContext* context, const std::vector<std::string>& args) const {
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  argv.reserve(args.size());
  lengths.reserve(args.size());
  for (const std::string& arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  void* reply =
      redisCommandArgv(context, static_cast<int>(args.size()), argv.data(), lengths.data());
  if (reply == nullptr) return unavailable(context->err != 0 ? context->errstr : "no reply");
  return Reply(static_cast<redisReply*>(reply));
}

Result<Pool::Connection> Pool::connect() {
  Connection connection(redisConnectWithTimeout(address_.host.c_str(), address_.port, kTimeout));
  if (connection == nullptr) return unavailable("cannot allocate a Redis context");
  if (connection->err != 0) return unavailable(connection->errstr);
  if (redisSetTimeout(connection.get(), kTimeout) != REDIS_OK) {
    return unavailable("cannot set the Redis command timeout");
  }
  redisEnableKeepAlive(connection.get());
  const auto expect_ok = [&](const std::vector<std::string>& args) -> Status {
    Result<Reply> reply = run(connection.get(), args);
    if (!reply) return reply.error();
    if ((*reply)->type != REDIS_REPLY_STATUS) {
      return unavailable(args.front() + ": " + std::string(text_of(**reply)));
    }
    return ok_status();
  };
  if (!address_.password.empty()) {
    std::vector<std::string> auth = {"AUTH", address_.password};
    if (!address_.user.empty()) auth.insert(auth.begin() + 1, address_.user);
    if (Status status = expect_ok(auth); !status) return status.error();
  }
  if (address_.db != 0) {
    if (Status status = expect_ok({"SELECT", std::to_string(address_.db)}); !status) {
      return status.error();
    }
  }
  return connection;
}

Pool::Connection Pool::pop_idle() {
  std::lock_guard lock(mutex_);
  if (idle_.empty()) return nullptr;
  Connection connection = std::move(idle_.back());
  idle_.pop_back();
  return connection;
}

void Pool::push_idle(Connection connection) {
  std::lock_guard lock(mutex_);
  if (idle_.size() < kMaxIdleConnections) idle_.push_back(std::move(connection));
}

void Pool::drop_idle() {
  std::vector<Connection> stale;
  std::lock_guard lock(mutex_);
  stale.swap(idle_);
}

}  // namespace lakegate::redis
