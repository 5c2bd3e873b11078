#include "auth/audit_log.h"

#include <simdjson.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <vector>

#include "store/store.h"
#include "util/blocking_guard.h"
#include "util/json_text.h"

namespace lakegate::auth {
namespace {

namespace fs = std::filesystem;

// Records handed to the store in one append_audit call, at most.
constexpr size_t kMaxBatch = 500;
constexpr auto kLinger = std::chrono::milliseconds(20);

void append_string_field(std::string& out, std::string_view key, std::string_view value,
                         bool always) {
  if (value.empty() && !always) return;
  out += ",\"";
  out += key;
  out += "\":";
  util::append_json_string(out, value);
}

void append_number_field(std::string& out, std::string_view key, int64_t value) {
  out += ",\"";
  out += key;
  out += "\":";
  out += std::to_string(value);
}

// params_json is produced by lakegate and should be JSON; anything else is
// written as a string so the line stays valid JSON.
void append_params(std::string& out, std::string_view params_json) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element ignored;
  out += ",\"params\":";
  if (parser.parse(params_json.data(), params_json.size()).get(ignored) == simdjson::SUCCESS) {
    out += params_json;
  } else {
    util::append_json_string(out, params_json);
  }
}

fs::path rotated_path(const std::string& file, int index) {
  return fs::path(file + "." + std::to_string(index));
}

}  // namespace

std::string audit_json_line(const store::AuditRecord& record) {
  std::string out = "{\"time\":";
  util::append_json_string(out, record.time);
  append_string_field(out, "request_id", record.request_id, true);
  append_string_field(out, "app", record.app, false);
  append_string_field(out, "user", record.user, false);
  append_string_field(out, "role", record.role, false);
  append_string_field(out, "service", record.service, false);
  append_string_field(out, "resource", record.resource, false);
  append_string_field(out, "verb", record.verb, true);
  append_number_field(out, "status", record.status);
  if (record.rows != -1) append_number_field(out, "rows", record.rows);
  append_number_field(out, "bytes", record.bytes);
  const double duration = std::isfinite(record.duration_ms) ? record.duration_ms : 0.0;
  char duration_text[64];
  std::snprintf(duration_text, sizeof(duration_text), "%.3f", duration);
  out += ",\"duration_ms\":";
  out += duration_text;
  append_string_field(out, "operation_id", record.operation_id, false);
  append_string_field(out, "sql_hash", record.sql_hash, false);
  append_string_field(out, "remote_address", record.remote_address, false);
  if (!record.params_json.empty()) append_params(out, record.params_json);
  out += '}';
  return out;
}

AuditTicket& AuditTicket::operator=(AuditTicket&& other) noexcept {
  if (this != &other) {
    if (log_ != nullptr) log_->release_slot();
    log_ = other.log_;
    other.log_ = nullptr;
  }
  return *this;
}

AuditTicket::~AuditTicket() {
  if (log_ != nullptr) log_->release_slot();
}

AuditLog::AuditLog(AuditOptions options, store::Store* store)
    : options_(std::move(options)),
      store_(store),
      refusal_warnings_(options_.warn_interval),
      store_warnings_(options_.warn_interval) {
  if (options_.queue_capacity == 0) options_.queue_capacity = 1;
  if (!options_.to_store) store_ = nullptr;
  if (!options_.file.empty()) {
    std::error_code error;
    const fs::path path(options_.file);
    if (path.has_parent_path()) fs::create_directories(path.parent_path(), error);
    file_.open(options_.file, std::ios::out | std::ios::app | std::ios::binary);
    if (!file_.is_open()) {
      warn("cannot open the audit file", options_.file);
    } else {
      const auto size = fs::file_size(path, error);
      file_bytes_ = error ? 0 : size;
    }
  }
  worker_ = std::thread([this] { run(); });
}

AuditLog::~AuditLog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    stop_deadline_ = std::chrono::steady_clock::now() + options_.drain_timeout;
  }
  wake_.notify_all();
  worker_.join();
}

Result<AuditTicket> AuditLog::admit(std::chrono::milliseconds wait) {
  std::unique_lock lock(mutex_);
  if (full()) wake_.notify_one();  // a lingering writer: write now, free slots
  if (!util::may_block() && full()) return util::refuse_blocking("a full audit trail");
  if (space_.wait_for(lock, wait, [&] { return !full(); })) {
    ++slots_taken_;
    return AuditTicket(this);
  }
  ++counters_.refused;
  uint64_t held_back = 0;
  const bool report = refusal_warnings_.due(std::chrono::steady_clock::now(), held_back);
  const uint64_t refused = counters_.refused;
  const size_t records_waiting = queue_.size();
  lock.unlock();
  if (report) {
    warn("audit trail full: request refused with 503",
         std::to_string(options_.queue_capacity) + " slots taken (" +
             std::to_string(records_waiting) + " records queued for writing), waited " +
             std::to_string(wait.count()) + " ms; " + std::to_string(held_back) +
             " more refused since the last warning, " + std::to_string(refused) + " in all");
  }
  return Error(ErrorCode::kAuditUnavailable,
               "The audit trail cannot take more records right now; the request was not run. "
               "Try again later.");
}

void AuditLog::record(AuditTicket ticket, store::AuditRecord entry) {
  std::unique_lock lock(mutex_);
  if (ticket.log_ == this) {
    ticket.log_ = nullptr;  // its slot now holds `entry`
  } else {
    if (full()) wake_.notify_one();
    space_.wait(lock, [&] { return !full(); });
    ++slots_taken_;
  }
  const bool was_empty = queue_.empty();
  queue_.push_back(std::move(entry));
  ++enqueued_;
  const bool wake = was_empty || queue_.size() == kMaxBatch || full();
  lock.unlock();
  if (wake) wake_.notify_one();
}

void AuditLog::release_slot() {
  {
    std::lock_guard lock(mutex_);
    --slots_taken_;
  }
  space_.notify_one();
}

void AuditLog::flush() {
  std::unique_lock lock(mutex_);
  const uint64_t target = enqueued_;
  ++flush_waiters_;
  wake_.notify_one();
  drained_.wait(lock, [&] { return done_ >= target; });
  --flush_waiters_;
}

bool AuditLog::flush_for(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  const uint64_t target = enqueued_;
  ++flush_waiters_;
  wake_.notify_one();
  const bool flushed = drained_.wait_for(lock, timeout, [&] { return done_ >= target; });
  --flush_waiters_;
  return flushed;
}

AuditCounters AuditLog::counters() const {
  std::lock_guard lock(mutex_);
  AuditCounters counters = counters_;
  counters.slots_taken = slots_taken_;
  return counters;
}

void AuditLog::warn(std::string_view message, std::string_view detail) const {
  if (options_.warn) {
    options_.warn(message, detail);
  } else {
    std::cerr << "lakegate: " << message << ": " << detail << "\n";
  }
}

// One batch at a time, oldest first: file lines, then the store (retried
// until it takes the batch). The batch's slots are freed only then, so
// `done_` is a watermark: every record with a sequence number below it is
// written (or was given up at shutdown).
void AuditLog::run() {
  std::vector<store::AuditRecord> batch;
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) break;  // stopping and drained
    // Let a batch gather (one wake-up per batch, not per request), unless
    // someone waits: a flush, or admissions while every slot is taken.
    wake_.wait_for(lock, kLinger, [&] {
      return stopping_ || flush_waiters_ > 0 || queue_.size() >= kMaxBatch || full();
    });
    const size_t count = std::min(queue_.size(), kMaxBatch);
    batch.clear();
    for (size_t i = 0; i < count; ++i) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    lock.unlock();

    write_lines(batch);
    const bool stored = store_batch(batch);

    lock.lock();
    (stored ? counters_.written : counters_.unstored) += count;
    done_ += count;
    slots_taken_ -= count;
    drained_.notify_all();
    space_.notify_all();
  }
  const uint64_t unstored = counters_.unstored;
  lock.unlock();
  if (unstored > 0) {
    warn("audit records not stored",
         std::to_string(unstored) + " records could not be written to the store before shutdown" +
             (options_.file.empty() ? " and are lost (no audit file)"
                                    : "; they are in the audit file " + options_.file));
  }
}

void AuditLog::write_lines(const std::vector<store::AuditRecord>& batch) {
  if (options_.file.empty()) return;
  for (const auto& entry : batch) write_line(audit_json_line(entry));
  file_.flush();
}

// Appends `batch` to the store, retrying with a doubling back-off until it
// succeeds. False only when the store is given up at shutdown.
bool AuditLog::store_batch(const std::vector<store::AuditRecord>& batch) {
  if (store_ == nullptr) return true;
  if (store_given_up_) return false;
  auto backoff = options_.retry_min;
  uint64_t attempts = 0;
  while (true) {
    Status appended = store_->append_audit(batch);
    if (appended) {
      if (attempts > 0 && failure_reported_) {
        failure_reported_ = false;
        warn("audit store write recovered", std::to_string(batch.size()) +
                                                " records stored after " +
                                                std::to_string(attempts) + " failed attempts");
      }
      return true;
    }
    ++attempts;
    const auto now = std::chrono::steady_clock::now();
    std::unique_lock lock(mutex_);
    ++counters_.store_failures;
    const uint64_t failures = counters_.store_failures;
    const size_t slots_taken = slots_taken_;
    const bool stopping = stopping_;
    const auto deadline = stop_deadline_;
    lock.unlock();

    const bool give_up = stopping && now >= deadline;
    uint64_t held_back = 0;
    if (give_up || store_warnings_.due(now, held_back)) {
      failure_reported_ = true;
      warn("audit store write failed",
           std::to_string(batch.size()) + " records, attempt " + std::to_string(attempts) + ": " +
               appended.error().message + "; " + std::to_string(slots_taken) +
               " audit slots taken of " + std::to_string(options_.queue_capacity) + "; " +
               std::to_string(held_back) + " more failures since the last warning, " +
               std::to_string(failures) + " in all; " +
               (give_up ? "giving up: shutting down" : "retrying, records kept"));
    }
    if (give_up) {
      store_given_up_ = true;
      return false;
    }
    auto wait = backoff;
    if (stopping) {
      wait = std::min(wait, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now));
    }
    lock.lock();
    // A shutdown starting meanwhile cuts the wait short (its deadline then applies).
    wake_.wait_for(lock, wait, [&] { return stopping_ && !stopping; });
    lock.unlock();
    backoff = std::min(backoff * 2, options_.retry_max);
  }
}

void AuditLog::write_line(const std::string& line) {
  if (!file_.is_open()) return;  // could not be opened; reported once already
  const uint64_t line_bytes = line.size() + 1;
  if (file_bytes_ > 0 && file_bytes_ + line_bytes > options_.max_file_bytes) {
    file_.close();
    std::error_code error;
    if (options_.max_files > 0) {
      fs::remove(rotated_path(options_.file, options_.max_files), error);
      for (int index = options_.max_files - 1; index >= 1; --index) {
        fs::rename(rotated_path(options_.file, index), rotated_path(options_.file, index + 1),
                   error);
      }
      fs::rename(options_.file, rotated_path(options_.file, 1), error);
    }
    file_.open(options_.file, std::ios::out | std::ios::trunc | std::ios::binary);
    file_bytes_ = 0;
    if (!file_.is_open()) {
      warn("cannot reopen the audit file", options_.file);
      return;
    }
  }
  file_.write(line.data(), static_cast<std::streamsize>(line.size()));
  file_.put('\n');
  file_bytes_ += line_bytes;
}

}  // namespace lakegate::auth
