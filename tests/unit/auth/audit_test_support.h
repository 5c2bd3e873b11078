// Shared by the audit log tests: a temporary directory, sample records, the
// lines of a file, warnings captured from the log, and a real SQLite store
// whose audit inserts can be made to fail (a fault-injecting Database over
// the real driver; everything else passes through).
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/audit_log.h"
#include "crypto/secret_box.h"
#include "store/database.h"
#include "store/store.h"

namespace lakegate::auth::testing {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "lakegate-audit-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code error;
    fs::remove_all(path_, error);
  }
  fs::path path() const { return path_; }

 private:
  fs::path path_;
};

inline std::vector<std::string> read_lines(const fs::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

inline store::AuditRecord sample_record(int index = 0) {
  store::AuditRecord record;
  record.id = 987654321;
  record.time = "2024-05-01T12:34:56.789Z";
  record.request_id = "req-" + std::to_string(index);
  record.app = "reporting";
  record.user = "jane@example.com";
  record.role = "analyst";
  record.service = "lake";
  record.resource = "_table/sales.orders";
  record.verb = "GET";
  record.status = 200;
  record.rows = 17;
  record.bytes = 4096;
  record.duration_ms = 12.3456;
  record.operation_id = "op-1";
  record.sql_hash = std::string(64, 'a');
  record.remote_address = "10.1.2.3";
  return record;
}

// Collects what the log warns about (any thread).
class Warnings {
 public:
  std::function<void(std::string_view, std::string_view)> sink() {
    return [this](std::string_view message, std::string_view detail) {
      std::lock_guard lock(mutex_);
      seen_.emplace_back(message, detail);
    };
  }
  // The warnings whose message contains `part`.
  std::vector<std::pair<std::string, std::string>> matching(std::string_view part) const {
    std::lock_guard lock(mutex_);
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& warning : seen_) {
      if (warning.first.find(part) != std::string::npos) out.push_back(warning);
    }
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<std::string, std::string>> seen_;
};

// The real SQLite driver, except that INSERTs into the audit table fail while
// the store is "down" or failures are pending.
class FaultyAuditDatabase final : public store::Database {
 public:
  explicit FaultyAuditDatabase(std::unique_ptr<store::Database> real) : real_(std::move(real)) {}

  void fail_next(int count) { pending_failures_ = count; }
  void set_down(bool down) { down_ = down; }
  int injected() const { return injected_; }

  std::string_view dialect() const override { return real_->dialect(); }
  Result<std::vector<store::DbRow>> query(std::string_view sql,
                                          const std::vector<store::DbValue>& params) override {
    if (sql.rfind("INSERT INTO audit", 0) == 0) {
      int pending = pending_failures_.load();
      while (pending > 0 && !pending_failures_.compare_exchange_weak(pending, pending - 1)) {
      }
      if (down_ || pending > 0) {
        ++injected_;
        return Error(ErrorCode::kStore, "injected: database is locked");
      }
    }
    return real_->query(sql, params);
  }
  Status execute_script(std::string_view sql) override { return real_->execute_script(sql); }

 private:
  std::unique_ptr<store::Database> real_;
  std::atomic<int> pending_failures_{0};
  std::atomic<bool> down_{false};
  std::atomic<int> injected_{0};
};

// A migrated SQLite store in `dir` whose audit inserts `faults` controls.
struct FaultyStore {
  std::unique_ptr<store::Store> store;
  FaultyAuditDatabase* faults = nullptr;  // owned by `store`
};

inline FaultyStore open_faulty_store(const fs::path& dir) {
  const std::string url = "sqlite://" + (dir / "system.db").string();
  const crypto::SecretBox box(std::string(32, 'k'));
  auto migrated = store::Store::open(url, box);  // creates and migrates the file
  EXPECT_TRUE(migrated) << migrated.error().message;
  auto real = store::open_database(url);
  EXPECT_TRUE(real) << real.error().message;
  auto faulty = std::make_unique<FaultyAuditDatabase>(std::move(*real));
  FaultyStore out;
  out.faults = faulty.get();
  out.store = std::make_unique<store::Store>(std::move(faulty), box);
  return out;
}

}  // namespace lakegate::auth::testing
