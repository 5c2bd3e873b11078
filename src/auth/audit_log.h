// The audit trail: one JSON line per request (store::AuditRecord's fields;
// never secrets; parameter values only when configured) appended to a file
// that rotates by size (lakegate-audit.log → .1 → .2 …, keeping max_files),
// and batched into the store. A record, once admitted, is never dropped:
//  - Admission: a request takes a slot with admit() before its resource runs.
//    There are queue_capacity slots, held by admitted requests still running
//    and by records not yet written. When all are taken, admit() waits up to
//    its bound for one to free, then refuses (kAuditUnavailable, HTTP 503;
//    counted in `refused`, warned about) and the request must not run.
//  - A slot is consumed by record(); a ticket destroyed without a record
//    (the request produced none) releases its slot.
//  - Writing: a background thread writes each batch's file lines (once),
//    then appends the batch to the store in one transaction. A failed append
//    is retried with a doubling back-off (retry_min … retry_max) until it
//    succeeds; the records keep their slots meanwhile, so a dead store ends
//    in refused requests, never in lost records. A slot is freed once its
//    record is in the file and the store. Each failure is counted in
//    `store_failures`. Warnings go to `warn`, at most one per warn_interval
//    per kind (refusals, store failures) with the counts held back; a
//    store's recovery after a reported failure is warned about too.
//  - The writer lets a batch gather for up to 20 ms (or 500 records) before
//    it writes, so a busy server wakes it ~50 times a second, not once per
//    request; it does not wait when every slot is taken or a flush waits.
//  - Shutdown: the destructor drains the queue. A store still failing after
//    drain_timeout is given up: the remaining records get their file lines
//    only, counted in `unstored` and warned about (the one way a record can
//    miss the store).
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <fstream>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "auth/warning_throttle.h"
#include "store/records.h"
#include "util/result.h"

namespace lakegate::store {
class Store;
}

namespace lakegate::auth {

struct AuditOptions {
  std::string file{};                     // "" = no file. Default: "".
  uint64_t max_file_bytes = 64ull << 20;  // Rotate beyond this. Default: 64 MiB.
  int max_files = 5;                      // Rotated files kept. Default: 5.
  bool to_store = true;                   // Also batch into the store. Default: true.
  // Slots: admitted requests still running plus records not yet written
  // (0 acts as 1). Default: 100 000.
  size_t queue_capacity = 100000;
  // First wait after a failed store write; doubles per retry. Default: 50 ms.
  std::chrono::milliseconds retry_min{50};
  std::chrono::milliseconds retry_max{5000};       // Cap of the doubling wait. Default: 5 s.
  std::chrono::milliseconds drain_timeout{10000};  // Store retries at destruction. Default: 10 s.
  // One warning per kind (refusals, store failures) at most this often. Default: 30 s.
  std::chrono::milliseconds warn_interval{30000};
  // Receives warnings (message, detail). Default: stderr, "lakegate: message: detail".
  std::function<void(std::string_view message, std::string_view detail)> warn{};
};

// Totals since the log was made (a consistent snapshot).
struct AuditCounters {
  uint64_t written = 0;         // records in the file and the store (whichever are configured)
  uint64_t refused = 0;         // admit() calls refused: requests answered 503, not run
  uint64_t store_failures = 0;  // failed store appends, each retry counted
  uint64_t unstored = 0;        // records given up at shutdown (file line only)
  size_t slots_taken = 0;       // admitted requests running + records not yet written
};

// The JSON line of a record (no trailing newline).
std::string audit_json_line(const store::AuditRecord& record);

class AuditLog;

// A slot reserved by AuditLog::admit(). Move-only; record() consumes it, its
// destructor releases it otherwise. REQUIRES: destroyed before its AuditLog.
class AuditTicket {
 public:
  AuditTicket() = default;  // holds no slot
  AuditTicket(AuditTicket&& other) noexcept : log_(other.log_) { other.log_ = nullptr; }
  AuditTicket& operator=(AuditTicket&& other) noexcept;
  AuditTicket(const AuditTicket&) = delete;
  AuditTicket& operator=(const AuditTicket&) = delete;
  ~AuditTicket();
  bool holds_slot() const { return log_ != nullptr; }

 private:
  friend class AuditLog;
  explicit AuditTicket(AuditLog* log) : log_(log) {}
  AuditLog* log_ = nullptr;
};

class AuditLog {
 public:
  // `store` may be null (file only). Starts the background writer.
  AuditLog(AuditOptions options, store::Store* store);
  ~AuditLog();  // drains the queue (see drain_timeout), then stops

  // Takes a slot, waiting up to `wait` while all are taken (0: not at all).
  // kAuditUnavailable when none frees in time.
  Result<AuditTicket> admit(std::chrono::milliseconds wait);
  // Queues `entry` in the slot of `ticket`. A ticket holding no slot of this
  // log (e.g. default-constructed) first takes one, waiting as long as it
  // takes. Never drops a record.
  void record(AuditTicket ticket, store::AuditRecord entry);
  void record(store::AuditRecord entry) { record(AuditTicket(), std::move(entry)); }

  // Blocks until everything recorded so far is written (or given up at shutdown).
  void flush();
  // The same, for at most `timeout`; false when it ran out (e.g. a dead store).
  bool flush_for(std::chrono::milliseconds timeout);

  AuditCounters counters() const;

 private:
  friend class AuditTicket;
  bool full() const { return slots_taken_ >= options_.queue_capacity; }  // under mutex_
  void release_slot();
  void warn(std::string_view message, std::string_view detail) const;
  void run();
  void write_lines(const std::vector<store::AuditRecord>& batch);  // writer thread only
  bool store_batch(const std::vector<store::AuditRecord>& batch);  // writer thread only
  void write_line(const std::string& line);                        // writer thread only

  AuditOptions options_;
  store::Store* store_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;     // the writer: records queued, a flush waits, stopping
  std::condition_variable drained_;  // flush(): a batch is done
  std::condition_variable space_;    // admit(): a slot freed
  std::deque<store::AuditRecord> queue_;
  size_t slots_taken_ = 0;
  uint64_t enqueued_ = 0, done_ = 0;  // done_: records written or given up, oldest first
  AuditCounters counters_;
  WarningThrottle refusal_warnings_;
  bool stopping_ = false;
  std::chrono::steady_clock::time_point stop_deadline_;
  int flush_waiters_ = 0;  // flush() calls waiting: the writer does not linger
  // Writer thread only:
  WarningThrottle store_warnings_;
  bool failure_reported_ = false;  // a store failure was warned about since the last recovery
  bool store_given_up_ = false;    // at shutdown, after drain_timeout
  std::ofstream file_;
  uint64_t file_bytes_ = 0;
  std::thread worker_;
};

}  // namespace lakegate::auth
