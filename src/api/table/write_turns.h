// Writes to one table through this lakegate take turns. Delta commits
// optimistically: of several statements racing on one table, usually only
// one commits and the others are abandoned with a conflict after doing all
// their work (a fleet of 24 concurrent PATCHes lost 18 that way). Queued
// here instead, each write runs once, on the latest version; conflicts with
// writers elsewhere (other nodes, other engines) are still retried
// (write_retry.h). A write waits for its turn at most until its deadline.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace lakegate::api {

class TableWriteTurns {
 public:
  // Held while a write runs; the next waiting write goes when it ends.
  using Turn = std::unique_lock<std::timed_mutex>;

  // The turn of `table` (a resolved, displayable name), or nullopt when the
  // deadline passed first.
  std::optional<Turn> take(const std::string& table,
                           std::chrono::steady_clock::time_point deadline);

 private:
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<std::timed_mutex>> by_table_;  // one per table written
};

}  // namespace lakegate::api
