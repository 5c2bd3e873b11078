#include "api/table/table_exec.h"

#include "api/table/write_retry.h"
#include "format/json_value.h"
#include "format/ndjson_writer.h"

namespace lakegate::api {
namespace {

class MetricSink final : public backend::BatchSink {
 public:
  bool on_schema(const arrow::Schema& schema) override {
    schema_ = schema;
    return true;
  }
  bool on_batch(const arrow::RecordBatch& batch) override {
    if (done_ || batch.num_rows == 0) return true;
    done_ = true;
    for (size_t i = 0; i < schema_.fields.size() && i < batch.columns.size(); ++i) {
      const auto& type = schema_.fields[i].type;
      const auto& column = batch.columns[i];
      if (type.id != arrow::TypeId::kInt || column.is_null(0)) continue;
      int64_t value = 0;
      switch (type.bit_width) {
        case 8:
          value = column.value<int8_t>(0);
          break;
        case 16:
          value = column.value<int16_t>(0);
          break;
        case 32:
          value = column.value<int32_t>(0);
          break;
        default:
          value = column.value<int64_t>(0);
          break;
      }
      row_[schema_.fields[i].name] = value;
    }
    return true;
  }
  MetricRow take() { return std::move(row_); }

 private:
  arrow::Schema schema_;
  MetricRow row_;
  bool done_ = false;
};

// The first column's cells as JSON text, one string per row.
class FirstColumnSink final : public backend::BatchSink {
 public:
  explicit FirstColumnSink(int64_t max_rows) : max_rows_(max_rows) {}
  bool on_schema(const arrow::Schema& schema) override {
    schema_ = schema;
    return true;
  }
  bool on_batch(const arrow::RecordBatch& batch) override {
    if (schema_.fields.empty() || batch.columns.empty()) return true;
    for (int64_t row = 0; row < batch.num_rows; ++row) {
      if (static_cast<int64_t>(values_.size()) >= max_rows_) {
        overflow_ = true;
        return false;
      }
      std::string& value = values_.emplace_back();
      format::append_json_value(value, schema_.fields[0], batch.columns[0], row);
    }
    return true;
  }
  bool overflow() const { return overflow_; }
  std::vector<std::string> take() { return std::move(values_); }

 private:
  int64_t max_rows_;
  arrow::Schema schema_;
  std::vector<std::string> values_;
  bool overflow_ = false;
};

}  // namespace

Result<std::vector<std::string>> collect_json_values(Service& service,
                                                     const backend::Statement& statement,
                                                     const backend::CancelToken& cancel,
                                                     int64_t max_rows, AuditNotes& notes) {
  FirstColumnSink sink(max_rows);
  auto summary = service.backend->execute(statement, sink, cancel);
  note_statement(notes, statement, summary);
  if (sink.overflow()) return Error(ErrorCode::kInternal, "more rows than expected");
  if (!summary) return summary.error();
  return sink.take();
}

backend::CancelToken::Clock::time_point service_deadline(const Service& service) {
  return backend::CancelToken::Clock::now() + std::chrono::seconds(service.config.timeout_seconds);
}

Result<MetricRow> run_for_metrics(Service& service, const backend::Statement& statement,
                                  const backend::CancelToken& cancel, AuditNotes& notes) {
  MetricSink sink;
  auto summary = service.backend->execute(statement, sink, cancel);
  note_statement(notes, statement, summary);
  if (!summary) return summary.error();
  return sink.take();
}

Result<int64_t> run_dml(Service& service, const backend::Statement& statement,
                        const backend::CancelToken& cancel, AuditNotes& notes) {
  return run_with_conflict_retries(
      [&]() -> Result<int64_t> {
        auto row = run_for_metrics(service, statement, cancel, notes);
        if (!row) return row.error();
        auto it = row->find("num_affected_rows");
        return it == row->end() ? int64_t{-1} : it->second;
      },
      cancel, notes.write_retries);
}

Result<std::vector<std::string>> collect_json_rows(Service& service,
                                                   const backend::Statement& statement,
                                                   const backend::CancelToken& cancel,
                                                   int64_t max_rows, AuditNotes& notes) {
  util::StringSink text;
  format::NdjsonWriter writer(text);
  auto summary = service.backend->execute(statement, writer, cancel);
  note_statement(notes, statement, summary);
  if (!summary) return summary.error();
  writer.finish();
  std::vector<std::string> rows;
  size_t start = 0;
  while (start < text.data.size()) {
    size_t end = text.data.find('\n', start);
    if (end == std::string::npos) end = text.data.size();
    rows.push_back(text.data.substr(start, end - start));
    start = end + 1;
    if (static_cast<int64_t>(rows.size()) > max_rows) {
      return Error(ErrorCode::kInternal, "more rows than expected");
    }
  }
  return rows;
}

}  // namespace lakegate::api
