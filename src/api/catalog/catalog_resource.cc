// GET /api/v2/{service}/_catalog[/{catalog}[/{schema}]]: the catalog →
// schema → table tree as Spark reports it (through the metadata cache), in
// the seed's shapes plus a few fields:
//   _catalog        {"resource":[{"catalog":"spark_catalog"},…]}
//   _catalog/c      {"resource":[{"schema":"nyctaxi","catalog":"c"},…]}
//   _catalog/c/s    {"resource":[{"table":"trips","type":"table"|"view",
//                    "database":"s","catalog":"c","is_delta":true},…]}
// Unknown catalog or schema → 404. ?refresh=true drops the cache first.
#include "api/catalog/catalog_common.h"
#include "api/catalog/catalog_json.h"
#include "api/resources.h"

namespace lakegate::api {
namespace {

http::Response list_catalogs(Service& service, const backend::CancelToken& cancel) {
  auto catalogs = service.metadata->catalogs(cancel);
  if (!catalogs) return error_response(catalogs.error());
  JsonWriter json;
  json.begin_object().key("resource").begin_array();
  for (const auto& catalog : *catalogs) json.begin_object().field("catalog", catalog).end_object();
  json.end_array().end_object();
  return http::Response::json(200, json.take());
}

http::Response list_schemas(Service& service, const std::string& catalog,
                            const backend::CancelToken& cancel) {
  auto schemas = service.metadata->schemas(catalog, cancel);
  if (!schemas) return error_response(schemas.error());
  JsonWriter json;
  json.begin_object().key("resource").begin_array();
  for (const auto& schema : *schemas) {
    json.begin_object().field("schema", schema).field("catalog", catalog).end_object();
  }
  json.end_array().end_object();
  return http::Response::json(200, json.take());
}

http::Response list_tables(Service& service, const std::string& catalog, const std::string& schema,
                           const backend::CancelToken& cancel, const Access& access) {
  auto tables = service.metadata->tables(catalog, schema, cancel);
  if (!tables) return error_response(tables.error());
  JsonWriter json;
  json.begin_object().key("resource").begin_array();
  for (const auto& table : *tables) {
    // Only tables the caller may read or describe.
    const catalog::TableName name{catalog, schema, table.name};
    if (!access.allows(service, table_component(name), "GET") &&
        !access.allows(service, "_schema/" + name.catalog + "." + name.schema + "." + name.table,
                       "GET")) {
      continue;
    }
    json.begin_object()
        .field("table", table.name)
        .field("type", table.type)
        .field("database", schema)
        .field("catalog", catalog)
        .field("is_delta", table.is_delta)
        .end_object();
  }
  json.end_array().end_object();
  return http::Response::json(200, json.take());
}

}  // namespace

http::Response handle_catalog(const http::Request& request, const std::shared_ptr<Service>& service,
                              const std::vector<std::string>& path, const Access& access) {
  if (!is_read(request)) return method_not_allowed(request, "GET, HEAD");
  if (path.size() > 2) {
    return error_response(Error(ErrorCode::kNotFound, "no route for " + request.path));
  }
  std::string component = "_catalog";
  for (const auto& part : path) component += "/" + part;
  if (Status allowed = access.authorize(*service, component, "GET"); !allowed) {
    return error_response(allowed.error());
  }
  refresh_if_asked(request, *service);
  backend::CancelToken cancel(metadata_deadline(*service));
  if (path.empty()) return list_catalogs(*service, cancel);
  if (path.size() == 1) return list_schemas(*service, path[0], cancel);
  return list_tables(*service, path[0], path[1], cancel, access);
}

}  // namespace lakegate::api
