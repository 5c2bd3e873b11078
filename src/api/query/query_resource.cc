// POST /api/v2/{service}/_query: Spark SQL with bound parameters, streamed,
// each request on a fresh Spark session (query_guard.h).
#include "api/query/query_guard.h"
#include "api/query/query_request.h"
#include "api/query/result_stream.h"
#include "api/resources.h"
#include "catalog/ddl_detection.h"

namespace lakegate::api {

http::Response handle_query(const http::Request& request, const std::shared_ptr<Service>& service,
                            const std::vector<std::string>& path, const Access& access) {
  if (!path.empty()) {
    return error_response(Error(ErrorCode::kNotFound, "no route for " + request.path));
  }
  if (request.method != "POST") return method_not_allowed(request, "POST");
  auto format = choose_format(request);
  if (!format) return error_response(format.error());
  auto statement = parse_query_request(request.body);
  if (!statement) return error_response(statement.error());
  auto grant = authorize_query(access, *service);
  if (!grant) return error_response(grant.error());
  // DDL (CREATE, DROP, ALTER, …) changes what the metadata cache holds; any
  // other statement of a full grant may write a Delta table (INSERT, MERGE,
  // UPDATE, …): the cached versions go, so the next reads see it.
  std::function<void()> on_complete;
  if (*grant == QueryGrant::kAny) {
    if (catalog::changes_metadata(statement->sql)) {
      on_complete = [service] { service->metadata->invalidate(); };
    } else {
      on_complete = [service] { service->metadata->invalidate_versions(); };
    }
  }
  return stream_statement(service, prepare_caller_statement(*grant, access, std::move(*statement)),
                          *format, access.audit_notes(), std::move(on_complete));
}

}  // namespace lakegate::api
