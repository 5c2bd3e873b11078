// GET /api/v2/{service}/_schema[/{name}[/_field[/{field}]]]: DreamFactory's
// schema resource over Spark's metadata (catalog_schema_json.h):
//   _schema                  {"resource":[{"name","label","type"},…]}: the
//                            tables and views of the default catalog.schema
//   _schema/{name}           the table description; name = t | s.t | c.s.t
//   _schema/{name}/_field    {"resource":[field,…]}
//   _schema/{name}/_field/f  one field (case-insensitive), 404 if absent
// Read-only: DDL goes through _query. ?refresh=true drops the cache first.
#include "api/catalog/catalog_common.h"
#include "api/catalog/catalog_json.h"
#include "api/catalog/catalog_schema_json.h"
#include "api/resources.h"
#include "catalog/metadata_cache.h"

namespace lakegate::api {
namespace {

std::string schema_component(const catalog::TableName& name) {
  return "_schema/" + name.catalog + "." + name.schema + "." + name.table;
}

http::Response list_default_tables(Service& service, const backend::CancelToken& cancel,
                                   const Access& access) {
  const std::string catalog_name = catalog::default_catalog(service.config);
  const std::string schema_name = catalog::default_schema(service.config);
  auto tables = service.metadata->tables(catalog_name, schema_name, cancel);
  if (!tables) return error_response(tables.error());
  JsonWriter json;
  json.begin_object().key("resource").begin_array();
  for (const auto& table : *tables) {
    if (!access.allows(service, schema_component({catalog_name, schema_name, table.name}), "GET")) {
      continue;
    }
    json.begin_object()
        .field("name", table.name)
        .field("label", label_of(table.name))
        .field("type", table.type)
        .end_object();
  }
  json.end_array().end_object();
  return http::Response::json(200, json.take());
}

http::Response describe_table(Service& service, const std::vector<std::string>& path,
                              const std::string& request_path, const backend::CancelToken& cancel,
                              const Access& access) {
  auto name = catalog::resolve_table_name(path[0], service.config);
  if (!name) return error_response(name.error());
  auto policy = access.table_policy(service, schema_component(*name), "GET");
  if (!policy) return error_response(policy.error());
  // Columns hidden from the caller's table reads are hidden from the description too.
  if (auto table_policy = access.table_policy(service, table_component(*name), "GET")) {
    policy->hidden_columns.insert(table_policy->hidden_columns.begin(),
                                  table_policy->hidden_columns.end());
  }
  auto described = service.metadata->describe(*name, cancel);
  if (!described) return error_response(described.error());
  auto visible = std::make_shared<const catalog::TableSchema>(visible_schema(**described, *policy));
  const std::shared_ptr<const catalog::TableSchema>* table = &visible;
  JsonWriter json;
  if (path.size() == 1) {
    write_table_description(json, **table, table_display_name(*name, service.config));
    return http::Response::json(200, json.take());
  }
  if (path[1] != "_field" || path.size() > 3) {
    return error_response(Error(ErrorCode::kNotFound, "no route for " + request_path));
  }
  if (path.size() == 2) {
    json.begin_object().key("resource").begin_array();
    for (const auto& column : (*table)->columns) write_field_description(json, **table, column);
    json.end_array().end_object();
    return http::Response::json(200, json.take());
  }
  const catalog::Column* column = (*table)->find(path[2]);
  if (column == nullptr) {
    return error_response(
        Error(ErrorCode::kNotFound,
              "Field \"" + path[2] + "\" does not exist in table \"" + name->display() + "\".")
            .with("field", path[2]));
  }
  write_field_description(json, **table, *column);
  return http::Response::json(200, json.take());
}

}  // namespace

http::Response handle_schema(const http::Request& request, const std::shared_ptr<Service>& service,
                             const std::vector<std::string>& path, const Access& access) {
  if (!is_read(request)) return method_not_allowed(request, "GET, HEAD");
  refresh_if_asked(request, *service);
  backend::CancelToken cancel(metadata_deadline(*service));
  if (path.empty()) {
    if (Status allowed = access.authorize(*service, "_schema", "GET"); !allowed) {
      return error_response(allowed.error());
    }
    return list_default_tables(*service, cancel, access);
  }
  return describe_table(*service, path, request.path, cancel, access);
}

}  // namespace lakegate::api
