// The result cache's shared tier: answers kept in Redis (result_cache.shared),
// where every node using the same Redis finds what any of them stored. A
// node asks it after its own memory missed and keeps what it finds there;
// each answer it stores locally it also puts there, for the time the
// service's cache_ttl leaves. Redis keys are the prefix, the service name and
// the SHA-256 of the cache key; the value holds the whole key, compared on
// every read, so a hash collision can never serve another read's answer.
// Redis unreachable or slow (1 s) is a miss, never an error. Thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "cache/result_cache.h"
#include "config/gateway_config.h"
#include "redis/redis_pool.h"
#include "util/result.h"

namespace lakegate::api {

class SharedAnswers {
 public:
  // Null when `config.shared` is empty; kBadConfig for a bad URL.
  static Result<std::shared_ptr<SharedAnswers>> open(const config::ResultCacheConfig& config);
  SharedAnswers(redis::Address address, std::string key_prefix);

  struct Found {
    cache::Answer answer;
    bool exact = false;
    std::chrono::milliseconds age{0};  // since the node that made it stored it
  };
  std::optional<Found> get(const std::string& service, const std::string& key);
  // Keeps `answer` for `ttl` from `age` ago (skipped when that has passed).
  void put(const std::string& service, const std::string& key, const cache::Answer& answer,
           bool exact, std::chrono::milliseconds age, std::chrono::seconds ttl);

  // Encodes/decodes a stored value (exposed for tests): false for bytes that
  // are not one, or hold another key.
  static std::string encode(const std::string& key, const cache::Answer& answer, bool exact,
                            int64_t stored_at_ms);
  static bool decode(std::string_view bytes, const std::string& key, cache::Answer& answer,
                     bool& exact, int64_t& stored_at_ms);

 private:
  std::string redis_key(const std::string& service, const std::string& key) const;

  redis::Pool pool_;
  const std::string key_prefix_;
};

}  // namespace lakegate::api
