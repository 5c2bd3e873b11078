// Spark's own column types of a statement's result, remembered by the
// statement's shape. The Thrift server's result metadata names one type id
// for timestamp and timestamp_ntz and none of an array's, map's or struct's
// inner types, so such results need Spark's type text (DESCRIBE QUERY, a
// round trip that plans the statement again). A statement run again with
// other values of the same kinds has the same result types: its first run
// asks, the next ones read them here. An entry is used only when this run's
// column names match it, and lives `ttl` at most (a table altered in place
// is seen within that). Bounded: least recently used entries go. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/backend.h"

namespace lakegate::backend::hive_thrift {

// The statement's shape: its SQL text with the markers, and each bound
// value's name and kind (not the value).
std::string statement_shape(const Statement& statement);

class DescribedTypes {
 public:
  using Clock = std::chrono::steady_clock;
  explicit DescribedTypes(size_t capacity = 1000,
                          std::chrono::seconds ttl = std::chrono::seconds(60))
      : capacity_(capacity), ttl_(ttl) {}

  // The Spark types remembered for `shape` whose column names are `names`.
  std::optional<std::vector<std::string>> find(const std::string& shape,
                                               const std::vector<std::string>& names,
                                               Clock::time_point now = Clock::now());
  void store(const std::string& shape, std::vector<std::string> names,
             std::vector<std::string> types, Clock::time_point now = Clock::now());

 private:
  struct Entry {
    std::string shape;
    std::vector<std::string> names;
    std::vector<std::string> types;
    Clock::time_point expires;
  };
  const size_t capacity_;
  const std::chrono::seconds ttl_;
  std::mutex mutex_;
  std::list<Entry> lru_;  // most recent first
  std::unordered_map<std::string, std::list<Entry>::iterator> by_shape_;
};

}  // namespace lakegate::backend::hive_thrift
