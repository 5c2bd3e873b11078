#include "auth/audit_log.h"

#include <simdjson.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <vector>

#include "store/store.h"
#include "util/json_text.h"

namespace lakegate::auth {
namespace {

namespace fs = std::filesystem;

// Records handed to the store in one append_audit call, at most.
constexpr size_t kMaxBatch = 500;
constexpr auto kLinger = std::chrono::milliseconds(20);
// A failing store is reported at most this often on stderr.
constexpr auto kStoreErrorInterval = std::chrono::seconds(60);

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

AuditLog::AuditLog(AuditOptions options, store::Store* store)
    : options_(std::move(options)), store_(store) {
  if (options_.queue_capacity == 0) options_.queue_capacity = 1;
  if (!options_.to_store) store_ = nullptr;
  if (!options_.file.empty()) {
    std::error_code error;
    const fs::path path(options_.file);
    if (path.has_parent_path()) fs::create_directories(path.parent_path(), error);
    file_.open(options_.file, std::ios::out | std::ios::app | std::ios::binary);
    if (!file_.is_open()) {
      std::cerr << "lakegate: cannot open audit file " << options_.file << "\n";
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
  }
  wake_.notify_all();
  worker_.join();
}

void AuditLog::record(store::AuditRecord record) {
  std::unique_lock lock(mutex_);
  if (queue_.size() >= options_.queue_capacity) {
    // The store is behind: the oldest waiting record loses its store row, but
    // its file line is written here and now. Lock order: mutex_, then file_mutex_.
    store::AuditRecord oldest = std::move(queue_.front());
    queue_.pop_front();
    if (store_ != nullptr) ++dropped_;
    if (!options_.file.empty()) {
      const std::string line = audit_json_line(oldest);
      std::lock_guard file_lock(file_mutex_);
      write_line(line);
      file_.flush();
    }
  }
  const bool was_empty = queue_.empty();
  queue_.push_back(std::move(record));
  ++enqueued_;
  const bool wake = was_empty || queue_.size() == kMaxBatch;
  lock.unlock();
  if (wake) wake_.notify_one();
}

void AuditLog::flush() {
  std::unique_lock lock(mutex_);
  const uint64_t target = enqueued_;
  ++flush_waiters_;
  wake_.notify_one();
  drained_.wait(lock, [&] { return written_ >= target; });
  --flush_waiters_;
}

uint64_t AuditLog::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

// One batch at a time, oldest first. `written_` is a watermark: every record
// with a sequence number below it is in the file and the store (or dropped).
// While a batch is in flight, record() may pop and write newer records, so on
// completion the watermark jumps to the oldest record still queued.
void AuditLog::run() {
  std::vector<store::AuditRecord> batch;
  std::optional<std::chrono::steady_clock::time_point> last_store_error;
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) break;  // stopping and drained
    // Let a batch gather (one wake-up per batch, not per request).
    wake_.wait_for(lock, kLinger, [&] {
      return stopping_ || flush_waiters_ > 0 || queue_.size() >= kMaxBatch;
    });
    const size_t count = std::min(queue_.size(), kMaxBatch);
    batch.clear();
    for (size_t i = 0; i < count; ++i) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    lock.unlock();

    if (!options_.file.empty()) {
      std::vector<std::string> lines;
      lines.reserve(batch.size());
      for (const auto& record : batch) lines.push_back(audit_json_line(record));
      std::lock_guard file_lock(file_mutex_);
      for (const auto& line : lines) write_line(line);
      file_.flush();
    }
    uint64_t failed = 0;
    if (store_ != nullptr) {
      if (auto appended = store_->append_audit(batch); !appended) {
        failed = batch.size();
        const auto now = std::chrono::steady_clock::now();
        if (!last_store_error || now - *last_store_error >= kStoreErrorInterval) {
          last_store_error = now;
          std::cerr << "lakegate: audit records not stored: " << appended.error().message << "\n";
        }
      }
    }

    lock.lock();
    dropped_ += failed;
    written_ = enqueued_ - queue_.size();
    drained_.notify_all();
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
      std::cerr << "lakegate: cannot reopen audit file " << options_.file << "\n";
      return;
    }
  }
  file_.write(line.data(), static_cast<std::streamsize>(line.size()));
  file_.put('\n');
  file_bytes_ += line_bytes;
}

}  // namespace lakegate::auth
