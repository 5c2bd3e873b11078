// POST /api/v2/{service}/_query: Spark SQL with bound parameters, streamed,
// each request on a fresh Spark session (query_guard.h); read-only SQL
// may be answered from the service's result cache (api/cache/).
#include "api/cache/answer_cache.h"
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
  // Read-only SQL (the sandbox lets only a query run) may be answered from
  // the result cache: keyed by the text, its values, the sandbox's denied
  // functions and the format; the tables it reads are not known before
  // Spark plans it, so its answer lives at most cache_ttl.
  CacheUse cached;
  if (*grant == QueryGrant::kReadOnly && service->results) {
    cache::KeyBuilder key;
    key.add("_query").add(static_cast<int64_t>(*format)).add(*statement);
    for (const std::string& function : access.denied_functions()) key.add(function);
    cached = plan_cache_use(request, service, std::move(key), /*exact=*/false);
    if (auto hit = cached_answer(cached)) return std::move(*hit);
  }
  // DDL (CREATE, DROP, ALTER, …) changes what the metadata cache holds; any
  // other statement of a full grant may write a table (INSERT, MERGE,
  // UPDATE, …): the cached versions and TTL-bound answers go, so the next
  // reads see it (answers keyed by a Delta commit stay exact; after DDL,
  // which can drop a table and create it again, nothing stays).
  std::function<void()> on_complete;
  if (*grant == QueryGrant::kAny) {
    if (catalog::changes_metadata(statement->sql)) {
      on_complete = [service] {
        service->metadata->invalidate();
        if (service->results) service->results->clear();
        service->writes->announce({service->config.name, "*", true});
      };
    } else {
      on_complete = [service] {
        service->metadata->invalidate_versions();
        if (service->results) service->results->drop_inexact();
        service->writes->announce({service->config.name, "*", false});
      };
    }
  }
  return remember_answer(
      cached,
      stream_statement(service, prepare_caller_statement(*grant, access, std::move(*statement)),
                       *format, access.audit_notes(), std::move(on_complete)));
}

}  // namespace lakegate::api
