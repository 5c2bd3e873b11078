// AuditFilter's record: built when the response exists, completed (bytes,
// rows, duration) when it is sent or, for a streamed body, when the body
// ends. The facts the resources noted travel in the request's Access
// (AuditNotes), never in a thread-local.
#include <chrono>
#include <ctime>

#include "api/audit_notes.h"
#include "api/filters/security_filters.h"

namespace lakegate::api {

namespace {

std::string rfc3339_millis(std::chrono::system_clock::time_point when) {
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[40];
  const size_t n = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buffer + n, sizeof buffer - n, ".%03dZ", static_cast<int>(millis % 1000));
  return buffer;
}

// Counts the bytes of a streamed body for the audit record.
class CountingSink final : public util::ByteSink {
 public:
  explicit CountingSink(util::ByteSink& out) : out_(out) {}
  bool write(std::string_view bytes) override {
    count += bytes.size();
    return out_.write(bytes);
  }
  uint64_t count = 0;

 private:
  util::ByteSink& out_;
};

// What the record still needs once the response (or its body) is done.
struct PendingRecord {
  store::AuditRecord record;
  auth::AuditTicket ticket;
  std::shared_ptr<const AuditNotes> notes;
  std::chrono::steady_clock::time_point start;
  bool include_params = false;

  void finish(Security& security) {
    const AuditNotes& noted = *notes;
    record.rows = noted.rows;
    record.operation_id = noted.operation_id;
    record.sql_hash = noted.sql_hash;
    if (include_params) record.params_json = noted.params_json;
    record.duration_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    security.audit().record(std::move(ticket), std::move(record));
  }
};

}  // namespace

void record_audit(Security& security, RequestContext& context, http::Response& response) {
  const http::Request& request = context.request;
  auto pending = std::make_shared<PendingRecord>();
  store::AuditRecord& record = pending->record;
  record.time = rfc3339_millis(context.wall);
  record.request_id = request.request_id;
  if (context.principal) {
    record.app = context.principal->app_name();
    record.user = context.principal->user_email();
    record.role = context.principal->role_name();
  }
  record.service = context.service_name;
  record.resource = context.resource;
  record.verb = request.head_only ? "HEAD" : request.method;
  record.remote_address = request.remote_address;
  record.status = response.status;
  pending->ticket = std::move(context.audit_ticket);
  pending->notes = context.access.audit_notes();
  pending->start = context.start;
  pending->include_params = security.config().audit.include_params;
  if (!response.producer) {
    record.bytes = static_cast<int64_t>(response.body.size());
    pending->finish(security);
    return;
  }
  response.producer = [inner = std::move(response.producer), pending,
                       &security](util::ByteSink& out) {
    CountingSink counting(out);
    http::StreamEnd end = inner(counting);
    store::AuditRecord& streamed = pending->record;
    streamed.bytes = static_cast<int64_t>(counting.count);
    if (end.kind == http::StreamEnd::Kind::kReplaced) {
      streamed.status = end.status;
      streamed.bytes = static_cast<int64_t>(end.body.size());
    } else if (end.kind == http::StreamEnd::Kind::kAborted) {
      streamed.resource += " (aborted)";
    }
    pending->finish(security);
    return end;
  };
}

}  // namespace lakegate::api
