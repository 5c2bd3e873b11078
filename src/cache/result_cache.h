// A service's result cache: complete answers of reads (status, headers,
// body) by key, in memory, bounded by bytes and evicted least recently used.
// Every entry lives at most `ttl`; an entry whose key names the Delta
// versions it read is `exact` (a newer version is another key), the others
// can only be as fresh as the TTL and are dropped at once when a write
// through this gateway may have changed them (drop_inexact). Keys are the
// full canonical text of what decides the answer (cache_key.h), never a
// hash, so two different reads can never share an entry. Thread-safe: one
// mutex, held only for map and list updates; bodies are shared, not copied.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace lakegate::cache {

using Clock = std::chrono::steady_clock;

// One complete answer, as the client received it.
struct Answer {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct Entry {
  Answer answer;
  bool exact = false;  // keyed by the versions it read: never stale, only old
  Clock::time_point stored_at;
  Clock::time_point expires_at;
};

struct CacheStats {
  uint64_t hits = 0;
  uint64_t misses = 0;    // looked up, absent or expired
  uint64_t bypasses = 0;  // the client asked for a fresh answer (refresh)
  uint64_t stores = 0;
  uint64_t too_large = 0;      // answers over max_entry_bytes, not kept
  uint64_t evictions = 0;      // dropped for room (least recently used first)
  uint64_t invalidations = 0;  // dropped by clear() or drop_inexact()
  size_t entries = 0;
  size_t bytes = 0;
  size_t max_bytes = 0;
};

class ResultCache {
 public:
  // `max_bytes` bounds keys + headers + bodies (plus a fixed cost per entry);
  // one answer may use at most an eighth of it.
  ResultCache(size_t max_bytes, std::chrono::seconds ttl);

  // The live entry of `key`, counted as a hit; null (a miss) when absent or
  // expired (an expired entry is dropped).
  std::shared_ptr<const Entry> find(const std::string& key, Clock::time_point now);
  // Keeps `answer` under `key`, made `age` ago (an answer another node made),
  // until ttl after that, replacing an older entry; false (and nothing kept)
  // when it is larger than max_entry_bytes() or already expired.
  bool store(const std::string& key, Answer answer, bool exact, Clock::time_point now,
             Clock::duration age = Clock::duration::zero());
  // Counts a read that skipped the lookup because its client asked to.
  void note_bypass();

  // Drops every entry.
  void clear();
  // Drops the entries that are not exact (TTL-bound): after a write through
  // this gateway, whose effect they may not show.
  void drop_inexact();

  CacheStats stats() const;
  size_t max_entry_bytes() const { return max_bytes_ / 8; }
  std::chrono::seconds ttl() const { return ttl_; }

 private:
  using Lru = std::list<std::pair<std::string, std::shared_ptr<const Entry>>>;

  static size_t cost(const std::string& key, const Entry& entry);
  void erase_locked(Lru::iterator it);

  const size_t max_bytes_;
  const std::chrono::seconds ttl_;
  mutable std::mutex mutex_;
  Lru lru_;                                                     // most recently used first
  std::unordered_map<std::string_view, Lru::iterator> by_key_;  // views into lru_ keys
  size_t bytes_ = 0;
  CacheStats counters_;
};

}  // namespace lakegate::cache
