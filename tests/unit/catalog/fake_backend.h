// Test double: a Backend that answers SQL text from a script (string
// columns, NULLs allowed, or an Error), counts what it ran, and fails on
// anything unscripted. For unit tests only; end-to-end tests use real Spark.
#pragma once

#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/backend.h"

namespace lakegate::catalog::testing {

struct Answer {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;
  std::vector<bool> nullable;  // per column; default true
  std::optional<Error> error;
};

class FakeBackend final : public backend::Backend {
 public:
  void script(const std::string& sql, Answer answer) {
    std::lock_guard lock(mutex_);
    answers_[sql] = std::move(answer);
  }
  void fail(const std::string& sql, Error error) {
    Answer answer;
    answer.error = std::move(error);
    script(sql, std::move(answer));
  }
  int count(const std::string& sql) {
    std::lock_guard lock(mutex_);
    return runs_[sql];
  }
  int total() {
    std::lock_guard lock(mutex_);
    int sum = 0;
    for (const auto& [sql, n] : runs_) sum += n;
    return sum;
  }

  // Called (outside the lock) with each statement before it is answered:
  // lets a test act while a statement is "in flight".
  std::function<void(const std::string&)> on_execute;

  Result<backend::ConnectionInfo> test() override { return backend::ConnectionInfo{}; }
  void shutdown() override {}

  Result<backend::Summary> execute(const backend::Statement& statement, backend::BatchSink& sink,
                                   const backend::CancelToken&) override {
    if (auto hook = on_execute) hook(statement.sql);  // a copy: the hook may reset itself
    Answer answer;
    {
      std::lock_guard lock(mutex_);
      ++runs_[statement.sql];
      auto found = answers_.find(statement.sql);
      if (found == answers_.end()) {
        return Error(ErrorCode::kSparkAnalysis, "unscripted statement: " + statement.sql);
      }
      answer = found->second;
    }
    if (answer.error) return *answer.error;
    arrow::Schema schema;
    for (size_t c = 0; c < answer.columns.size(); ++c) {
      arrow::Field field;
      field.name = answer.columns[c];
      field.type.id = arrow::TypeId::kUtf8;
      field.nullable = c < answer.nullable.size() ? answer.nullable[c] : true;
      schema.fields.push_back(field);
    }
    if (!sink.on_schema(schema)) return Error(ErrorCode::kCancelled, "stopped");
    if (answer.rows.empty()) return backend::Summary{};
    // One batch of utf8 columns over buffers owned here.
    const size_t row_count = answer.rows.size();
    std::vector<std::vector<int32_t>> offsets(answer.columns.size());
    std::vector<std::string> data(answer.columns.size());
    std::vector<std::vector<uint8_t>> validity(answer.columns.size());
    arrow::RecordBatch batch;
    batch.num_rows = static_cast<int64_t>(row_count);
    for (size_t c = 0; c < answer.columns.size(); ++c) {
      offsets[c].push_back(0);
      validity[c].assign((row_count + 7) / 8, 0);
      for (size_t r = 0; r < row_count; ++r) {
        const auto& cell = answer.rows[r][c];
        if (cell) {
          data[c] += *cell;
          validity[c][r / 8] |= static_cast<uint8_t>(1u << (r % 8));
        }
        offsets[c].push_back(static_cast<int32_t>(data[c].size()));
      }
      arrow::ArrayView view;
      view.length = static_cast<int64_t>(row_count);
      view.validity = validity[c].data();
      view.offsets = {reinterpret_cast<const uint8_t*>(offsets[c].data()), offsets[c].size() * 4};
      view.values = {reinterpret_cast<const uint8_t*>(data[c].data()), data[c].size()};
      batch.columns.push_back(view);
    }
    if (!sink.on_batch(batch)) return Error(ErrorCode::kCancelled, "stopped");
    return backend::Summary{static_cast<int64_t>(row_count), "op"};
  }

 private:
  std::mutex mutex_;
  std::map<std::string, Answer> answers_;
  std::map<std::string, int> runs_;
};

}  // namespace lakegate::catalog::testing
