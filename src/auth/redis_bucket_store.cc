// Token buckets shared by every node through Redis (standalone or a primary;
// the multi-key script is not Redis Cluster-safe). One Lua script takes a
// token from all buckets of a request or from none, atomically; each bucket
// is a hash {t = tokens, ts = seconds of the last take} under "lakegate:rl:"
// that expires once it would have refilled completely. `now` comes from the
// caller, so nodes should keep their clocks in sync (NTP): a node running
// behind is treated as "no time passed", never as extra tokens.
//
// Connections come from a redis::Pool (1 s connect and command timeouts).
// Every failure is kBackendUnavailable and refuses the request.
#include <hiredis/hiredis.h>

#include <charconv>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "auth/rate_limiter.h"
#include "redis/redis_pool.h"
#include "util/blocking_guard.h"

namespace lakegate::auth {
namespace {

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

std::string number_text(double value) {
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, error == std::errc() ? end : buffer);
}

template <typename Number>
bool parse_number(std::string_view text, Number& value) {
  const char* end = text.data() + text.size();
  auto [stop, error] = std::from_chars(text.data(), end, value);
  return !text.empty() && error == std::errc() && stop == end;
}

using redis::is_error;
using redis::Reply;
using redis::text_of;

class RedisBucketStore final : public BucketStore {
 public:
  RedisBucketStore(redis::Address address, std::string key_prefix)
      : pool_(std::move(address), "rate limit store"), key_prefix_(std::move(key_prefix)) {}
  Result<std::vector<BucketResult>> take(const std::vector<Bucket>& buckets,
                                         double now_seconds) override;
  Status reset() override;

 private:
  // A retried take (redis::Pool retries once after a pooled connection broke)
  // may have been applied already: it then costs two tokens, which errs on
  // the side of refusing.
  Result<Reply> eval_take(redisContext* context, std::vector<std::string> args);
  Result<Reply> run(redisContext* context, const std::vector<std::string>& args) {
    return pool_.run(context, args);
  }
  Error unavailable(std::string detail) const { return pool_.unavailable(std::move(detail)); }

  redis::Pool pool_;
  std::string key_prefix_;  // every key starts with it (reset deletes exactly those)
  std::mutex mutex_;
  std::string script_sha_;  // guarded by mutex_; "" until SCRIPT LOAD ran
};

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

  return pool_.with_connection<std::vector<BucketResult>>(
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
  Result<bool> done = pool_.with_connection<bool>([this](redisContext* context) -> Result<bool> {
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
  Result<redis::Address> address = redis::parse_url(url, "rate limit");
  if (!address) return address.error();
  if (key_prefix.empty() || key_prefix.find_first_of("*?[]\\") != std::string::npos) {
    return Error(ErrorCode::kBadConfig,
                 "rate_limits.key_prefix: must be non-empty, without * ? [ ] \\");
  }
  return std::unique_ptr<BucketStore>(
      std::make_unique<RedisBucketStore>(std::move(*address), key_prefix));
}

}  // namespace lakegate::auth
