// Token buckets shared by every node through Redis (standalone or a primary;
// the multi-key script is not Redis Cluster-safe). One Lua script takes a
// token from all buckets of a request or from none, atomically; each bucket
// is a hash {t = tokens, ts = seconds of the last take} under "lakegate:rl:"
// that expires once it would have refilled completely. `now` comes from the
// caller, so nodes should keep their clocks in sync (NTP): a node running
// behind is treated as "no time passed", never as extra tokens.
//
// Connections come from a small pool, each with 1 s connect and command
// timeouts. Every failure is kBackendUnavailable and refuses the request.
#include <hiredis/hiredis.h>
#include <pthread.h>
#include <signal.h>
#include <sys/time.h>

#include <charconv>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "auth/rate_limiter.h"
#include "util/blocking_guard.h"

namespace lakegate::auth {
namespace {

constexpr timeval kTimeout = {1, 0};
// Connections kept open between requests.
constexpr size_t kMaxIdleConnections = 16;

// KEYS[i]: bucket i. ARGV[1]: now (seconds); ARGV[2i], ARGV[2i+1]: capacity
// and refill per second of bucket i. A key named twice needs two tokens.
// Returns per bucket: allowed ("1"/"0"), remaining tokens, retry-after
// seconds; all strings, since Redis truncates Lua numbers to integers.
constexpr const char* kTakeScript = R"lua(
local now = tonumber(ARGV[1])
local epsilon = 1e-9
local held, needed, capacity, refill, stamp = {}, {}, {}, {}, {}
for i, key in ipairs(KEYS) do
  if held[key] == nil then
    local cap, rate = tonumber(ARGV[2 * i]), tonumber(ARGV[2 * i + 1])
    local stored = redis.call('HMGET', key, 't', 'ts')
    local tokens, last = tonumber(stored[1]), tonumber(stored[2])
    if tokens == nil or last == nil then
      tokens, last = cap, now
    else
      tokens = math.min(cap, tokens + math.max(0, now - last) * rate)
    end
    held[key], needed[key], capacity[key], refill[key] = tokens, 0, cap, rate
    stamp[key] = math.max(last, now)
  end
  needed[key] = needed[key] + 1
end
local all_available = true
for key, count in pairs(needed) do
  if held[key] < count - epsilon then all_available = false end
end
local function text(x) return string.format('%.17g', x) end
local out = {}
for _, key in ipairs(KEYS) do
  local allowed, retry = true, 0
  if all_available then
    held[key] = math.max(0, held[key] - 1)
  else
    allowed = held[key] >= needed[key] - epsilon
    if not allowed then
      if refill[key] > 0 then retry = (needed[key] - held[key]) / refill[key] else retry = math.huge end
    end
  end
  out[#out + 1] = allowed and '1' or '0'
  out[#out + 1] = text(held[key])
  out[#out + 1] = text(retry)
end
if all_available then
  for key, _ in pairs(needed) do
    local missing, rate = capacity[key] - held[key], refill[key]
    local ttl_ms = 2678400000
    if missing <= 0 then
      ttl_ms = 1000
    elseif rate > 0 then
      ttl_ms = math.ceil(missing / rate * 1000) + 1000
    end
    redis.call('HSET', key, 't', text(held[key]), 'ts', text(stamp[key]))
    redis.call('PEXPIRE', key, string.format('%d', ttl_ms))
  end
end
return out
)lua";

struct RedisAddress {
  std::string host;
  int port = 6379;
  int db = 0;
  std::string user, password;  // AUTH [user] password when password is set
};

struct ContextDeleter {
  void operator()(redisContext* context) const { redisFree(context); }
};
using Connection = std::unique_ptr<redisContext, ContextDeleter>;

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

// hiredis sends with write(2): on a connection the peer has reset, that
// raises SIGPIPE, which would kill the gateway. While a command runs, SIGPIPE
// is blocked on this thread, and one it raised is discarded afterwards.
class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigemptyset(&sigpipe_);
    sigaddset(&sigpipe_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &sigpipe_, &saved_mask_);
    was_pending_ = pending();
  }
  ~SigpipeGuard() {
    if (!was_pending_ && pending()) {
      const timespec no_wait = {0, 0};
      sigtimedwait(&sigpipe_, nullptr, &no_wait);
    }
    pthread_sigmask(SIG_SETMASK, &saved_mask_, nullptr);
  }
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;

 private:
  static bool pending() {
    sigset_t pending_signals;
    sigpending(&pending_signals);
    return sigismember(&pending_signals, SIGPIPE) == 1;
  }
  sigset_t sigpipe_;
  sigset_t saved_mask_;
  bool was_pending_ = false;
};

Error unavailable(std::string detail) {
  return Error(ErrorCode::kBackendUnavailable, "rate limit store unavailable")
      .with("detail", std::move(detail));
}

Error bad_url(std::string why) {
  return Error(ErrorCode::kBadConfig, "invalid rate limit Redis URL: " + why +
                                          " (expected redis://[[user]:password@]host[:port][/db])");
}

template <typename Number>
bool parse_number(std::string_view text, Number& value) {
  const char* end = text.data() + text.size();
  auto [stop, error] = std::from_chars(text.data(), end, value);
  return !text.empty() && error == std::errc() && stop == end;
}

// redis://[[user]:password@]host[:port][/db]; an IPv6 host goes in brackets.
// The password is taken literally (no percent-decoding).
Result<RedisAddress> parse_redis_url(std::string_view url) {
  constexpr std::string_view kScheme = "redis://";
  if (!url.starts_with(kScheme)) return bad_url("not a redis:// URL");
  std::string_view rest = url.substr(kScheme.size());
  RedisAddress address;
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

// Sends one command. An I/O failure is an error (and leaves the connection
// unusable, context->err set); a Redis error reply is returned as a reply.
Result<Reply> run(redisContext* context, const std::vector<std::string>& args) {
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

bool is_error(const redisReply& reply) {
  return reply.type == REDIS_REPLY_ERROR;
}

std::string_view text_of(const redisReply& reply) {
  return std::string_view(reply.str, reply.len);
}

Status expect_ok(redisContext* context, const std::vector<std::string>& args) {
  Result<Reply> reply = run(context, args);
  if (!reply) return reply.error();
  if ((*reply)->type != REDIS_REPLY_STATUS) {
    return unavailable(args.front() + ": " + std::string(text_of(**reply)));
  }
  return ok_status();
}

std::string number_text(double value) {
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, error == std::errc() ? end : buffer);
}

class RedisBucketStore final : public BucketStore {
 public:
  RedisBucketStore(RedisAddress address, std::string key_prefix)
      : address_(std::move(address)), key_prefix_(std::move(key_prefix)) {}
  Result<std::vector<BucketResult>> take(const std::vector<Bucket>& buckets,
                                         double now_seconds) override;
  Status reset() override;

 private:
  std::string key_prefix_;  // every key starts with it (reset deletes exactly those)
  Result<Connection> connect();
  // Runs `work` on an idle connection, or a new one. A connection that failed
  // is closed; if it came from the pool and broke on I/O (Redis restarted,
  // say), the pool is emptied and the work retried once on a new connection.
  // A retried take may have been applied already: it then costs two tokens,
  // which errs on the side of refusing.
  template <typename T, typename Work>
  Result<T> with_connection(Work work);
  Result<Reply> eval_take(redisContext* context, std::vector<std::string> args);
  Connection pop_idle();
  void push_idle(Connection connection);
  void drop_idle();

  const RedisAddress address_;
  std::mutex mutex_;
  std::vector<Connection> idle_;  // guarded by mutex_
  std::string script_sha_;        // guarded by mutex_; "" until SCRIPT LOAD ran
};

Result<Connection> RedisBucketStore::connect() {
  Connection connection(redisConnectWithTimeout(address_.host.c_str(), address_.port, kTimeout));
  if (connection == nullptr) return unavailable("cannot allocate a Redis context");
  if (connection->err != 0) return unavailable(connection->errstr);
  if (redisSetTimeout(connection.get(), kTimeout) != REDIS_OK) {
    return unavailable("cannot set the Redis command timeout");
  }
  redisEnableKeepAlive(connection.get());
  if (!address_.password.empty()) {
    std::vector<std::string> auth = {"AUTH", address_.password};
    if (!address_.user.empty()) auth.insert(auth.begin() + 1, address_.user);
    if (Status status = expect_ok(connection.get(), auth); !status) return status.error();
  }
  if (address_.db != 0) {
    Status status = expect_ok(connection.get(), {"SELECT", std::to_string(address_.db)});
    if (!status) return status.error();
  }
  return connection;
}

Connection RedisBucketStore::pop_idle() {
  std::lock_guard lock(mutex_);
  if (idle_.empty()) return nullptr;
  Connection connection = std::move(idle_.back());
  idle_.pop_back();
  return connection;
}

void RedisBucketStore::push_idle(Connection connection) {
  std::lock_guard lock(mutex_);
  if (idle_.size() < kMaxIdleConnections) idle_.push_back(std::move(connection));
}

void RedisBucketStore::drop_idle() {
  std::vector<Connection> stale;
  std::lock_guard lock(mutex_);
  stale.swap(idle_);
}

template <typename T, typename Work>
Result<T> RedisBucketStore::with_connection(Work work) {
  SigpipeGuard sigpipe_guard;
  for (bool retried = false;; retried = true) {
    Connection connection = retried ? nullptr : pop_idle();
    const bool reused = connection != nullptr;
    if (!reused) {
      Result<Connection> fresh = connect();
      if (!fresh) return fresh.error();
      connection = std::move(*fresh);
    }
    Result<T> result = work(connection.get());
    if (result) {
      push_idle(std::move(connection));
      return result;
    }
    if (!reused || connection->err == 0) return result;
    drop_idle();
  }
}

// EVALSHA, loading the script first if this store never did; EVAL when Redis
// lost it (restart, SCRIPT FLUSH). `args` starts with two placeholders for
// the command and the script.
Result<Reply> RedisBucketStore::eval_take(redisContext* context, std::vector<std::string> args) {
  std::string sha;
  {
    std::lock_guard lock(mutex_);
    sha = script_sha_;
  }
  if (sha.empty()) {
    Result<Reply> loaded = run(context, {"SCRIPT", "LOAD", kTakeScript});
    if (!loaded) return loaded.error();
    if ((*loaded)->type != REDIS_REPLY_STRING) {
      return unavailable("SCRIPT LOAD: " + std::string(text_of(**loaded)));
    }
    sha = std::string(text_of(**loaded));
    std::lock_guard lock(mutex_);
    script_sha_ = sha;
  }
  args[0] = "EVALSHA";
  args[1] = sha;
  Result<Reply> reply = run(context, args);
  if (!reply || !is_error(**reply) || !text_of(**reply).starts_with("NOSCRIPT")) return reply;
  args[0] = "EVAL";
  args[1] = kTakeScript;
  return run(context, args);
}

Result<std::vector<BucketResult>> RedisBucketStore::take(const std::vector<Bucket>& buckets,
                                                         double now_seconds) {
  if (buckets.empty()) return std::vector<BucketResult>();
  if (!util::may_block()) return util::refuse_blocking("a Redis round trip");
  std::vector<std::string> args = {"", "", std::to_string(buckets.size())};
  for (const Bucket& bucket : buckets) args.push_back(key_prefix_ + bucket.key);
  args.push_back(number_text(now_seconds));
  for (const Bucket& bucket : buckets) {
    args.push_back(number_text(bucket.capacity));
    args.push_back(number_text(bucket.refill_per_second));
  }

  return with_connection<std::vector<BucketResult>>(
      [&](redisContext* context) -> Result<std::vector<BucketResult>> {
        Result<Reply> reply = eval_take(context, args);
        if (!reply) return reply.error();
        const redisReply& answer = **reply;
        if (is_error(answer)) return unavailable(std::string(text_of(answer)));
        if (answer.type != REDIS_REPLY_ARRAY || answer.elements != 3 * buckets.size()) {
          return unavailable("unexpected reply to the bucket script");
        }
        std::vector<BucketResult> results(buckets.size());
        for (size_t i = 0; i < buckets.size(); ++i) {
          const redisReply* const* fields = answer.element + 3 * i;
          for (int f = 0; f < 3; ++f) {
            if (fields[f]->type != REDIS_REPLY_STRING) {
              return unavailable("unexpected reply to the bucket script");
            }
          }
          results[i].allowed = text_of(*fields[0]) == "1";
          if (!parse_number(text_of(*fields[1]), results[i].remaining) ||
              !parse_number(text_of(*fields[2]), results[i].retry_after_seconds)) {
            return unavailable("unexpected number in the bucket script's reply");
          }
        }
        return results;
      });
}

// SCAN + DEL over the prefix; not atomic with concurrent takes, which is as
// good as a reset just before them.
Status RedisBucketStore::reset() {
  Result<bool> done = with_connection<bool>([this](redisContext* context) -> Result<bool> {
    std::string cursor = "0";
    do {
      Result<Reply> page =
          run(context, {"SCAN", cursor, "MATCH", key_prefix_ + "*", "COUNT", "1000"});
      if (!page) return page.error();
      const redisReply& answer = **page;
      if (is_error(answer)) return unavailable("SCAN: " + std::string(text_of(answer)));
      if (answer.type != REDIS_REPLY_ARRAY || answer.elements != 2 ||
          answer.element[0]->type != REDIS_REPLY_STRING ||
          answer.element[1]->type != REDIS_REPLY_ARRAY) {
        return unavailable("unexpected reply to SCAN");
      }
      cursor = std::string(text_of(*answer.element[0]));
      const redisReply& keys = *answer.element[1];
      if (keys.elements == 0) continue;
      std::vector<std::string> del = {"DEL"};
      for (size_t i = 0; i < keys.elements; ++i) {
        del.push_back(std::string(text_of(*keys.element[i])));
      }
      Result<Reply> deleted = run(context, del);
      if (!deleted) return deleted.error();
      if (is_error(**deleted)) return unavailable("DEL: " + std::string(text_of(**deleted)));
    } while (cursor != "0");
    return true;
  });
  if (!done) return done.error();
  return ok_status();
}

}  // namespace

Result<std::unique_ptr<BucketStore>> make_redis_bucket_store(const std::string& url,
                                                             const std::string& key_prefix) {
  Result<RedisAddress> address = parse_redis_url(url);
  if (!address) return address.error();
  if (key_prefix.empty() || key_prefix.find_first_of("*?[]\\") != std::string::npos) {
    return Error(ErrorCode::kBadConfig,
                 "rate_limits.key_prefix: must be non-empty, without * ? [ ] \\");
  }
  return std::unique_ptr<BucketStore>(
      std::make_unique<RedisBucketStore>(std::move(*address), key_prefix));
}

}  // namespace lakegate::auth
