// The audit trail: one JSON line per request (store::AuditRecord's fields;
// never secrets; parameter values only when configured) appended to a file
// that rotates by size (lakegate-audit.log → .1 → .2 …, keeping max_files),
// and batched into the store. Recording is non-blocking for the request: a
// background thread drains a bounded queue (when it is full, the oldest
// store-bound records are dropped and counted, the file line is still written).
// The writer lets a batch gather for up to 20 ms (or 500 records) before it
// writes, so a busy server wakes it ~50 times a second, not once per request.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>

#include "store/records.h"

namespace lakegate::store {
class Store;
}

namespace lakegate::auth {

struct AuditOptions {
  std::string file;                       // "" = no file. Default: "".
  uint64_t max_file_bytes = 64ull << 20;  // Rotate beyond this. Default: 64 MiB.
  int max_files = 5;                      // Rotated files kept. Default: 5.
  bool to_store = true;                   // Also batch into the store. Default: true.
  size_t queue_capacity = 100000;         // Records waiting (0 acts as 1). Default: 100 000.
};

// The JSON line of a record (no trailing newline).
std::string audit_json_line(const store::AuditRecord& record);

class AuditLog {
 public:
  // `store` may be null (file only). Starts the background writer.
  AuditLog(AuditOptions options, store::Store* store);
  ~AuditLog();  // drains the queue, then stops
  void record(store::AuditRecord record);
  // Blocks until everything recorded so far is in the file and the store.
  void flush();
  uint64_t dropped() const;

 private:
  void run();
  void write_line(const std::string& line);  // under file_mutex_

  AuditOptions options_;
  store::Store* store_;
  mutable std::mutex mutex_;
  std::condition_variable wake_, drained_;
  std::deque<store::AuditRecord> queue_;
  uint64_t dropped_ = 0, enqueued_ = 0, written_ = 0;
  bool stopping_ = false;
  int flush_waiters_ = 0;  // flush() calls waiting: the writer does not linger
  std::mutex file_mutex_;
  std::ofstream file_;
  uint64_t file_bytes_ = 0;
  std::thread worker_;
};

}  // namespace lakegate::auth
