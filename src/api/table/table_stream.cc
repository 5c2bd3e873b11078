#include "api/table/table_stream.h"

#include <memory>

#include "api/query/result_stream.h"
#include "format/json_envelope_writer.h"
#include "http/error_envelope.h"

namespace lakegate::api {

bool RowLimitSink::on_batch(const arrow::RecordBatch& batch) {
  if (limit_ < 0) {
    passed_ += batch.num_rows;
    return inner_.on_batch(batch);
  }
  const int64_t room = limit_ - passed_;
  if (batch.num_rows <= room) {
    passed_ += batch.num_rows;
    return inner_.on_batch(batch);
  }
  more_ = true;
  if (room <= 0) return true;
  // Only the first `room` rows: the same column views, a shorter batch.
  arrow::RecordBatch head;
  head.num_rows = room;
  head.columns = batch.columns;
  passed_ += room;
  return inner_.on_batch(head);
}

const char* format_content_type(format::OutputFormat format) {
  switch (format) {
    case format::OutputFormat::kNdjson:
      return "application/x-ndjson";
    case format::OutputFormat::kCsv:
      return "text/csv; charset=utf-8";
    case format::OutputFormat::kArrow:
      return "application/vnd.apache.arrow.stream";
    case format::OutputFormat::kJson:
      break;
  }
  return "application/json";
}

http::Response stream_table(std::shared_ptr<Service> service, TableStream stream,
                            std::shared_ptr<AuditNotes> notes) {
  const auto deadline =
      backend::CancelToken::Clock::now() + std::chrono::seconds(service->config.timeout_seconds);
  http::Response response;
  response.status = 200;
  response.headers.emplace_back("Content-Type", format_content_type(stream.format));
  for (auto& header : stream.headers) response.headers.push_back(std::move(header));
  stream.headers.clear();
  auto shared = std::make_shared<TableStream>(std::move(stream));
  response.producer = [service = std::move(service), shared, deadline,
                       notes = std::move(notes)](util::ByteSink& out) -> http::StreamEnd {
    util::FirstWriteSink tracking(out);
    RowLimitSink* limiter = nullptr;
    std::unique_ptr<format::ResultWriter> writer;
    if (shared->format == format::OutputFormat::kJson) {
      format::JsonEnvelopeOptions options;
      options.row_count = false;  // DreamFactory's envelope: resource (+ meta)
      if (shared->members) {
        options.extra_members = [shared, &limiter](std::string& text, int64_t rows) {
          shared->members(text, rows, limiter != nullptr && limiter->more());
        };
      }
      writer = std::make_unique<format::JsonEnvelopeWriter>(tracking, std::move(options));
    } else {
      writer = format::make_writer(shared->format, tracking);
    }
    RowLimitSink limit_sink(*writer, shared->limit);
    limiter = &limit_sink;
    backend::CancelToken cancel(deadline);
    auto summary = service->backend->execute(shared->statement, limit_sink, cancel);
    note_statement(*notes, shared->statement, summary);
    notes->rows = limit_sink.passed();  // records sent, not the look-ahead row
    return stream_end(summary, tracking, *writer);
  };
  return response;
}

}  // namespace lakegate::api
