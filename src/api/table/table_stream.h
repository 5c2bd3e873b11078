// Streaming the rows of a _table read: a BatchSink that passes at most
// `limit` rows and notes whether more came (the build_select(fetch_one_more)
// row that tells "there is a next page" without a COUNT), and the streamed
// HTTP response around it, whose JSON envelope ends with the page's "meta"
// (appended after "resource" once the rows are known). Like
// result_stream.h, nothing is sent before the first rows, so a statement
// Spark rejects still answers with its own error status.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "api/audit_notes.h"
#include "api/service_registry.h"
#include "core/backend.h"
#include "format/result_writer.h"
#include "http/handler.h"

namespace lakegate::api {

// Passes the schema and at most `limit` rows (< 0: all) to `inner`; rows
// beyond are dropped (the batch view is cut short, no copy of data) and
// recorded. Never stops the backend early: the extra rows are at most one
// row when the SELECT was built with fetch_one_more.
class RowLimitSink final : public backend::BatchSink {
 public:
  RowLimitSink(backend::BatchSink& inner, int64_t limit) : inner_(inner), limit_(limit) {}
  bool on_schema(const arrow::Schema& schema) override { return inner_.on_schema(schema); }
  bool on_batch(const arrow::RecordBatch& batch) override;

  int64_t passed() const { return passed_; }
  // Whether rows beyond the limit arrived.
  bool more() const { return more_; }

 private:
  backend::BatchSink& inner_;
  int64_t limit_;
  int64_t passed_ = 0;
  bool more_ = false;
};

struct TableStream {
  backend::Statement statement;
  format::OutputFormat format = format::OutputFormat::kJson;
  int64_t limit = -1;  // rows sent; < 0 = all
  // JSON envelope only: appends members after "resource" (e.g. "meta":{…}),
  // told how many rows were sent and whether more existed. Default: none.
  std::function<void(std::string& out, int64_t rows, bool more)> members;
  std::vector<std::pair<std::string, std::string>> headers;  // extra response headers
};

// The streamed response of `stream` on `service` (200 unless the statement
// fails before the first row). The producer holds `service` (alive while the
// body streams) and `notes`, where it records the statement and the rows
// sent for the audit.
// REQUIRES: service and notes are not null.
http::Response stream_table(std::shared_ptr<Service> service, TableStream stream,
                            std::shared_ptr<AuditNotes> notes);

// HTTP Content-Type of a format.
const char* format_content_type(format::OutputFormat format);

}  // namespace lakegate::api
