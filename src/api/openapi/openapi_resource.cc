// GET /api/v2/{service}/_spec and GET /api/v2/api_docs[/{service}]: the
// service's OpenAPI 3.1 document (openapi_document.h), generated from the
// live catalog: the tables of the default catalog.schema, each described
// through the metadata cache (a few threads at once when the cache is cold).
// api_docs alone lists the services with their spec URLs:
//   {"resource":[{"name","label","type","spec_url"},…]}
#include <algorithm>
#include <atomic>
#include <optional>
#include <thread>

#include "api/catalog/catalog_common.h"
#include "api/catalog/catalog_json.h"
#include "api/openapi/openapi_document.h"
#include "api/resources.h"
#include "lakegate_version.h"

namespace lakegate::api {
namespace {

constexpr int kMaxDescribeThreads = 4;

bool is_transient(const Error& error) {
  return error.code == ErrorCode::kCancelled || error.code == ErrorCode::kTimeout ||
         error.code == ErrorCode::kBackendUnavailable;
}

// "http://host/api/v2/<service>" from the request's Host (or X-Forwarded-*
// headers set by a proxy); a relative URL when there is no Host.
std::string server_url(const http::Request& request, const std::string& service_name) {
  const std::string path = "/api/v2/" + percent_encode_segment(service_name);
  const std::string* host = request.header("x-forwarded-host");
  if (host == nullptr || host->empty()) host = request.header("host");
  if (host == nullptr || host->empty()) return path;
  const std::string* proto = request.header("x-forwarded-proto");
  const std::string scheme =
      proto != nullptr && (*proto == "https" || *proto == "http") ? *proto : "http";
  std::string first_host = host->substr(0, host->find(','));  // X-Forwarded-Host may list several
  return scheme + "://" + first_host + path;
}

// Describes every table, up to kMaxDescribeThreads at once. A table Spark
// cannot describe keeps a null schema and the reason; a backend outage fails all.
Result<std::vector<OpenApiTable>> describe_tables(Service& service,
                                                  const std::vector<catalog::TableEntry>& entries,
                                                  const backend::CancelToken& cancel) {
  std::vector<OpenApiTable> tables(entries.size());
  std::vector<std::optional<Error>> failures(entries.size());
  std::atomic<size_t> next{0};
  const std::string catalog_name = catalog::default_catalog(service.config);
  const std::string schema_name = catalog::default_schema(service.config);
  auto work = [&] {
    for (size_t i = next++; i < entries.size(); i = next++) {
      OpenApiTable& table = tables[i];
      table.name = entries[i].name;
      table.is_view = entries[i].type == "view";
      table.is_delta = entries[i].is_delta;
      auto schema = service.metadata->describe({catalog_name, schema_name, table.name}, cancel);
      if (schema) {
        table.schema = *schema;
        table.is_view = (*schema)->is_view;
        table.is_delta = (*schema)->is_delta;
      } else if (is_transient(schema.error())) {
        failures[i] = schema.error();
      } else {
        table.problem = schema.error().message;
      }
    }
  };
  const int thread_count = static_cast<int>(std::min<size_t>(
      entries.size(), std::min(kMaxDescribeThreads, std::max(1, service.config.pool_size))));
  std::vector<std::thread> threads;
  for (int t = 1; t < thread_count; ++t) threads.emplace_back(work);
  work();
  for (auto& thread : threads) thread.join();
  for (auto& failure : failures) {
    if (failure) return *failure;
  }
  return tables;
}

// Drops the tables the caller may not read and the columns hidden from it.
void apply_access(std::vector<OpenApiTable>& tables, Service& service, const Access& access,
                  const std::string& catalog_name, const std::string& schema_name) {
  if (access.bypasses_rbac()) return;
  std::vector<OpenApiTable> visible;
  for (auto& table : tables) {
    auto policy = access.table_policy(
        service, table_component({catalog_name, schema_name, table.name}), "GET");
    if (!policy) continue;
    if (table.schema) {
      table.schema =
          std::make_shared<const catalog::TableSchema>(visible_schema(*table.schema, *policy));
    }
    visible.push_back(std::move(table));
  }
  tables = std::move(visible);
}

http::Response spec_of(const http::Request& request, Service& service, const Access& access) {
  if (Status allowed = access.authorize(service, "_spec", "GET"); !allowed) {
    return error_response(allowed.error());
  }
  refresh_if_asked(request, service);
  backend::CancelToken cancel(metadata_deadline(service));
  OpenApiInput input;
  input.service_name = service.config.name;
  input.service_label = service.config.label;
  input.server_url = server_url(request, service.config.name);
  input.version = LAKEGATE_VERSION;
  input.catalog = catalog::default_catalog(service.config);
  input.schema = catalog::default_schema(service.config);
  auto entries = service.metadata->tables(input.catalog, input.schema, cancel);
  if (!entries) return error_response(entries.error());
  auto tables = describe_tables(service, *entries, cancel);
  if (!tables) return error_response(tables.error());
  apply_access(*tables, service, access, input.catalog, input.schema);
  input.tables = std::move(*tables);
  return http::Response::json(200, build_openapi_document(input));
}

}  // namespace

http::Response handle_spec(const http::Request& request, const std::shared_ptr<Service>& service,
                           const std::vector<std::string>& path, const Access& access) {
  if (!is_read(request)) return method_not_allowed(request, "GET, HEAD");
  if (!path.empty()) {
    return error_response(Error(ErrorCode::kNotFound, "no route for " + request.path));
  }
  return spec_of(request, *service, access);
}

http::Response handle_api_docs(const http::Request& request, ServiceRegistry& services,
                               const std::vector<std::string>& path, const Access& access) {
  if (!is_read(request)) return method_not_allowed(request, "GET, HEAD");
  if (path.size() > 1) {
    return error_response(Error(ErrorCode::kNotFound, "no route for " + request.path));
  }
  if (path.size() == 1) {
    std::shared_ptr<Service> service = services.find(path[0]);
    if (service == nullptr) {
      return error_response(Error(ErrorCode::kNotFound, "Service \"" + path[0] + "\" not found.")
                                .with("service", path[0]));
    }
    return spec_of(request, *service, access);
  }
  JsonWriter json;
  json.begin_object().key("resource").begin_array();
  access.mark_checked();
  for (const auto& service : services.all()) {
    if (!access.allows(*service, "_spec", "GET")) continue;
    json.begin_object()
        .field("name", service->config.name)
        .field("label", service->config.label)
        .field("type", service->config.type)
        .field("spec_url", "/api/v2/api_docs/" + percent_encode_segment(service->config.name))
        .end_object();
  }
  json.end_array().end_object();
  return http::Response::json(200, json.take());
}

}  // namespace lakegate::api
