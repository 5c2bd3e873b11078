#include "cache/result_cache.h"

namespace lakegate::cache {
namespace {

// What an entry costs beyond its strings: list node, map slot, Entry, the
// shared_ptr control block.
constexpr size_t kEntryOverhead = 256;

}  // namespace

ResultCache::ResultCache(size_t max_bytes, std::chrono::seconds ttl)
    : max_bytes_(max_bytes), ttl_(ttl) {
  counters_.max_bytes = max_bytes;
}

size_t ResultCache::cost(const std::string& key, const Entry& entry) {
  size_t total = kEntryOverhead + key.size() + entry.answer.body.size();
  for (const auto& [name, value] : entry.answer.headers) total += name.size() + value.size();
  return total;
}

void ResultCache::erase_locked(Lru::iterator it) {
  bytes_ -= cost(it->first, *it->second);
  by_key_.erase(std::string_view(it->first));
  lru_.erase(it);
}

std::shared_ptr<const Entry> ResultCache::find(const std::string& key, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto found = by_key_.find(std::string_view(key));
  if (found == by_key_.end()) {
    ++counters_.misses;
    return nullptr;
  }
  Lru::iterator it = found->second;
  if (it->second->expires_at <= now) {
    erase_locked(it);
    ++counters_.misses;
    return nullptr;
  }
  lru_.splice(lru_.begin(), lru_, it);
  ++counters_.hits;
  return it->second;
}

bool ResultCache::store(const std::string& key, Answer answer, bool exact, Clock::time_point now,
                        Clock::duration age) {
  if (age >= ttl_) return false;
  auto entry = std::make_shared<Entry>();
  entry->answer = std::move(answer);
  entry->exact = exact;
  entry->stored_at = now - age;
  entry->expires_at = entry->stored_at + ttl_;
  const size_t size = cost(key, *entry);
  std::lock_guard lock(mutex_);
  if (size > max_entry_bytes()) {
    ++counters_.too_large;
    return false;
  }
  if (auto found = by_key_.find(std::string_view(key)); found != by_key_.end()) {
    erase_locked(found->second);
  }
  while (!lru_.empty() && bytes_ + size > max_bytes_) {
    erase_locked(std::prev(lru_.end()));
    ++counters_.evictions;
  }
  lru_.emplace_front(key, std::move(entry));
  by_key_.emplace(std::string_view(lru_.front().first), lru_.begin());
  bytes_ += size;
  ++counters_.stores;
  return true;
}

void ResultCache::note_bypass() {
  std::lock_guard lock(mutex_);
  ++counters_.bypasses;
}

void ResultCache::clear() {
  std::lock_guard lock(mutex_);
  counters_.invalidations += lru_.size();
  lru_.clear();
  by_key_.clear();
  bytes_ = 0;
}

void ResultCache::drop_inexact() {
  std::lock_guard lock(mutex_);
  for (auto it = lru_.begin(); it != lru_.end();) {
    auto next = std::next(it);
    if (!it->second->exact) {
      erase_locked(it);
      ++counters_.invalidations;
    }
    it = next;
  }
}

CacheStats ResultCache::stats() const {
  std::lock_guard lock(mutex_);
  CacheStats stats = counters_;
  stats.entries = lru_.size();
  stats.bytes = bytes_;
  return stats;
}

}  // namespace lakegate::cache
