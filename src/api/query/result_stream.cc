#include "api/query/result_stream.h"

#include <memory>

#include "format/result_writer.h"
#include "http/error_envelope.h"
#include "sql/read_only_query.h"

namespace lakegate::api {
namespace {

const char* content_type(OutputFormat format) {
  switch (format) {
    case OutputFormat::kNdjson:
      return "application/x-ndjson";
    case OutputFormat::kCsv:
      return "text/csv; charset=utf-8";
    case OutputFormat::kArrow:
      return "application/vnd.apache.arrow.stream";
    case OutputFormat::kJson:
      break;
  }
  return "application/json";
}

bool accepts(std::string_view accept, std::string_view type) {
  return accept.find(type) != std::string_view::npos;
}

}  // namespace

Result<OutputFormat> choose_format(const http::Request& request) {
  if (const std::string* format = request.query_param("format")) {
    if (*format == "json") return OutputFormat::kJson;
    if (*format == "ndjson") return OutputFormat::kNdjson;
    if (*format == "csv") return OutputFormat::kCsv;
    if (*format == "arrow") return OutputFormat::kArrow;
    return Error(ErrorCode::kBadRequest,
                 "unknown format \"" + *format + "\"; use json, ndjson, csv or arrow");
  }
  const std::string* accept = request.header("accept");
  if (accept == nullptr || accept->empty()) return OutputFormat::kJson;
  if (accepts(*accept, "application/json")) return OutputFormat::kJson;
  if (accepts(*accept, "application/x-ndjson") || accepts(*accept, "application/ndjson")) {
    return OutputFormat::kNdjson;
  }
  if (accepts(*accept, "text/csv")) return OutputFormat::kCsv;
  if (accepts(*accept, "application/vnd.apache.arrow.stream")) return OutputFormat::kArrow;
  if (accepts(*accept, "*/*") || accepts(*accept, "application/*")) return OutputFormat::kJson;
  return Error(ErrorCode::kNotAcceptable,
               "cannot produce " + *accept +
                   "; use application/json, application/x-ndjson, text/csv or "
                   "application/vnd.apache.arrow.stream");
}

http::Response stream_statement(std::shared_ptr<Service> service, backend::Statement statement,
                                OutputFormat format, std::shared_ptr<AuditNotes> notes,
                                std::function<void()> on_complete) {
  const auto deadline =
      backend::CancelToken::Clock::now() + std::chrono::seconds(service->config.timeout_seconds);
  http::Response response;
  response.status = 200;
  response.headers.emplace_back("Content-Type", content_type(format));
  response.producer = [service = std::move(service), statement = std::move(statement), format,
                       deadline, notes = std::move(notes), on_complete = std::move(on_complete)](
                          util::ByteSink& out) -> http::StreamEnd {
    util::FirstWriteSink tracking(out);
    auto writer = format::make_writer(format, tracking);
    backend::CancelToken cancel(deadline);
    auto summary = service->backend->execute(statement, *writer, cancel);
    if (!summary && statement.session == backend::SessionUse::kReadOnly) {
      // Sandboxed SQL: Spark's message must not show the wrapper.
      Error error = summary.error();
      error.message = sql::caller_facing_spark_message(error.message,
                                                       sql::caller_lines_of_wrapped(statement.sql));
      summary = std::move(error);
    }
    note_statement(*notes, statement, summary);
    if (on_complete) on_complete();
    return stream_end(summary, tracking, *writer);
  };
  return response;
}

http::StreamEnd stream_end(const Result<backend::Summary>& summary,
                           const util::FirstWriteSink& tracking, format::ResultWriter& writer) {
  if (!summary) {
    if (tracking.wrote()) return http::StreamEnd::aborted();
    const Error& error = summary.error();
    return http::StreamEnd::replaced(http_status(error.code), http::error_envelope(error));
  }
  if (!writer.finish()) return http::StreamEnd::aborted();
  return http::StreamEnd::complete();
}

}  // namespace lakegate::api
