#include "api/openapi/openapi_document.h"

#include <cctype>
#include <set>

#include "api/catalog/catalog_json.h"
#include "api/openapi/openapi_components.h"
#include "api/openapi/openapi_types.h"

namespace lakegate::api {
namespace {

using openapi::parameter_ref;
using openapi::schema_ref;

// One operation: verb, words, parameters by component name, and the
// component schemas of its request body (none: no body) and 200 answer.
struct Operation {
  const char* verb;
  std::string summary;
  std::string operation_id;
  const char* tag;
  std::vector<const char*> parameters;
  std::string body_schema;
  std::string ok_description;
  std::string ok_schema;
};

void write_operation(JsonWriter& json, const Operation& operation) {
  json.key(operation.verb).begin_object();
  json.key("tags").begin_array().value(operation.tag).end_array();
  json.field("summary", operation.summary).field("operationId", operation.operation_id);
  if (!operation.parameters.empty()) {
    json.key("parameters").begin_array();
    for (const char* parameter : operation.parameters) parameter_ref(json, parameter);
    json.end_array();
  }
  if (!operation.body_schema.empty()) {
    json.key("requestBody").begin_object().field("required", true);
    json.key("content").begin_object().key("application/json").begin_object().key("schema");
    schema_ref(json, operation.body_schema);
    json.end_object().end_object().end_object();
  }
  openapi::write_ok_responses(json, operation.ok_description, operation.ok_schema);
  json.end_object();
}

// {"name": <name>, "in": "path", "required": true, "schema": {"type": "string"}}
void write_path_parameter(JsonWriter& json, const char* name, const char* description) {
  json.begin_object().field("name", name).field("in", "path").field("required", true);
  json.field("description", description);
  json.key("schema").begin_object().field("type", "string").end_object().end_object();
}

// A component name (^[a-zA-Z0-9._-]+$) for table `name`, unique in `taken`.
std::string component_key(const std::string& name, std::set<std::string>& taken) {
  std::string key;
  for (char c : name) {
    const bool allowed = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    key.push_back(allowed ? c : '_');
  }
  if (key.empty()) key = "table";
  std::string unique = key;
  for (int suffix = 2; !taken.insert(unique).second; ++suffix) {
    unique = key + "_" + std::to_string(suffix);
  }
  return unique;
}

void write_table_schemas(JsonWriter& json, const OpenApiTable& table, const std::string& key) {
  json.key(key).begin_object().field("type", "object").field("title", table.name);
  if (table.schema) {
    if (!table.schema->comment.empty()) json.field("description", table.schema->comment);
    json.key("properties").begin_object();
    for (const auto& column : table.schema->columns) {
      json.key(column.name);
      write_column_schema(json, column);
    }
    json.end_object();
  } else {
    json.field("description", "columns unknown: " + table.problem);
  }
  json.end_object();

  json.key(key + ".Records").begin_object().field("type", "object");
  json.key("properties").begin_object();
  json.key("resource").begin_object().field("type", "array").key("items");
  schema_ref(json, key);
  json.end_object().key("meta");
  schema_ref(json, "Meta");
  json.end_object().end_object();

  if (table.is_view) return;
  // A batch: {"resource":[record,…]} or a bare array of records.
  json.key(key + ".Batch").begin_object().key("oneOf").begin_array();
  json.begin_object().field("type", "object");
  json.key("required").begin_array().value("resource").end_array();
  json.key("properties").begin_object().key("resource").begin_object().field("type", "array");
  json.key("items");
  schema_ref(json, key);
  json.end_object().end_object().end_object();
  json.begin_object().field("type", "array").key("items");
  schema_ref(json, key);
  json.end_object();
  json.end_array().end_object();
}

void write_table_paths(JsonWriter& json, const OpenApiTable& table, const std::string& key) {
  const std::string path = "/_table/" + percent_encode_segment(table.name);
  std::vector<const char*> read_parameters = {"filter", "fields",   "limit",         "offset",
                                              "order",  "group",    "include_count", "count_only",
                                              "ids",    "id_field", "as_list"};
  if (table.is_delta) {
    read_parameters.push_back("as_of_version");
    read_parameters.push_back("as_of_timestamp");
  }
  const std::string& name = table.name;
  json.key(path).begin_object();
  write_operation(json, {"get", "Read records of " + name, "getRecords_" + key, "_table",
                         read_parameters, "", "Records", key + ".Records"});
  if (!table.is_view) {
    write_operation(json, {"post",
                           "Insert records into " + name + " (one INSERT)",
                           "createRecords_" + key,
                           "_table",
                           {"fields", "continue", "rollback"},
                           key + ".Batch",
                           "Ids of the new records",
                           "RecordIds"});
    write_operation(json, {"put",
                           "Upsert records of " + name + " by id_field (MERGE)",
                           "replaceRecords_" + key,
                           "_table",
                           {"id_field", "fields"},
                           key + ".Batch",
                           "Ids of the records",
                           "RecordIds"});
    write_operation(json, {"patch",
                           "Update records of " + name + " by ids or filter",
                           "updateRecords_" + key,
                           "_table",
                           {"filter", "ids", "id_field", "fields"},
                           key + ".Batch",
                           "Ids of the records",
                           "RecordIds"});
    write_operation(json, {"delete",
                           "Delete records of " + name + " by ids or filter",
                           "deleteRecords_" + key,
                           "_table",
                           {"filter", "ids", "id_field", "fields"},
                           "",
                           "Ids of the records",
                           "RecordIds"});
  }
  json.end_object();

  json.key(path + "/{id}").begin_object().key("parameters").begin_array();
  write_path_parameter(json, "id", "Record id (of id_field; comma-separated for several columns)");
  json.end_array();
  std::vector<const char*> by_id = {"fields", "id_field"};
  write_operation(json, {"get", "Read one record of " + name, "getRecord_" + key, "_table", by_id,
                         "", "The record", key});
  if (!table.is_view) {
    write_operation(json, {"put", "Replace one record of " + name, "replaceRecord_" + key, "_table",
                           by_id, key, "Id of the record", key});
    write_operation(json, {"patch", "Update one record of " + name, "updateRecord_" + key, "_table",
                           by_id, key, "Id of the record", key});
    write_operation(json, {"delete", "Delete one record of " + name, "deleteRecord_" + key,
                           "_table", by_id, "", "Id of the record", key});
  }
  json.end_object();
}

void write_fixed_paths(JsonWriter& json) {
  json.key("/_table").begin_object();
  write_operation(json, {"get",
                         "List the tables of the default schema",
                         "listTables",
                         "_table",
                         {"refresh"},
                         "",
                         "Tables",
                         "SchemaTableList"});
  json.end_object();

  json.key("/_query").begin_object().key("post").begin_object();
  json.key("tags").begin_array().value("_query").end_array();
  json.field("summary", "Run Spark SQL with bound parameters (streamed)");
  json.field("operationId", "runQuery");
  json.key("parameters").begin_array();
  parameter_ref(json, "format");
  json.end_array();
  json.key("requestBody").begin_object().field("required", true).key("content").begin_object();
  json.key("application/json").begin_object().key("schema");
  schema_ref(json, "QueryRequest");
  json.end_object().end_object().end_object();
  json.key("responses").begin_object().key("200").begin_object();
  json.field("description", "Rows: a JSON envelope, NDJSON or CSV (format / Accept)");
  json.key("content").begin_object().key("application/json").begin_object().key("schema");
  schema_ref(json, "QueryResponse");
  json.end_object();
  json.key("application/x-ndjson").begin_object().key("schema").begin_object();
  json.field("type", "string").end_object().end_object();
  json.key("text/csv").begin_object().key("schema").begin_object();
  json.field("type", "string").end_object().end_object();
  json.end_object().end_object().key("default");
  openapi::write_ref(json, "responses", "Error");
  json.end_object().end_object().end_object();

  struct FixedGet {
    const char* path;
    const char* summary;
    const char* operation_id;
    const char* tag;
    std::vector<std::pair<const char*, const char*>> path_parameters;
    const char* schema;
  };
  const FixedGet gets[] = {
      {"/_catalog", "List catalogs", "listCatalogs", "_catalog", {}, "CatalogList"},
      {"/_catalog/{catalog}",
       "List the schemas of a catalog",
       "listSchemas",
       "_catalog",
       {{"catalog", "Catalog name"}},
       "SchemaList"},
      {"/_catalog/{catalog}/{schema}",
       "List the tables and views of a schema",
       "listCatalogTables",
       "_catalog",
       {{"catalog", "Catalog name"}, {"schema", "Schema name"}},
       "TableList"},
      {"/_schema",
       "List the tables of the default schema",
       "listSchemaTables",
       "_schema",
       {},
       "SchemaTableList"},
      {"/_schema/{table_name}",
       "Describe a table (t, s.t or c.s.t)",
       "describeTable",
       "_schema",
       {{"table_name", "t, s.t or c.s.t; parts may be back-quoted"}},
       "TableDescription"},
      {"/_schema/{table_name}/_field",
       "List a table's fields",
       "describeFields",
       "_schema",
       {{"table_name", "t, s.t or c.s.t; parts may be back-quoted"}},
       "FieldList"},
  };
  for (const FixedGet& get : gets) {
    json.key(get.path).begin_object();
    if (!get.path_parameters.empty()) {
      json.key("parameters").begin_array();
      for (const auto& [name, description] : get.path_parameters) {
        write_path_parameter(json, name, description);
      }
      json.end_array();
    }
    write_operation(
        json, {"get", get.summary, get.operation_id, get.tag, {"refresh"}, "", "OK", get.schema});
    json.end_object();
  }

  json.key("/_spec").begin_object().key("get").begin_object();
  json.key("tags").begin_array().value("_spec").end_array();
  json.field("summary", "This OpenAPI document").field("operationId", "getSpec");
  json.key("parameters").begin_array();
  parameter_ref(json, "refresh");
  json.end_array();
  json.key("responses").begin_object().key("200").begin_object();
  json.field("description", "OpenAPI 3.1 document").key("content").begin_object();
  json.key("application/json").begin_object().key("schema").begin_object();
  json.field("type", "object").end_object().end_object().end_object().end_object();
  json.key("default");
  openapi::write_ref(json, "responses", "Error");
  json.end_object().end_object().end_object();
}

}  // namespace

std::string percent_encode_segment(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string build_openapi_document(const OpenApiInput& input) {
  std::set<std::string> taken = {"Error",
                                 "Meta",
                                 "RecordIds",
                                 "QueryRequest",
                                 "QueryResponse",
                                 "CatalogList",
                                 "SchemaList",
                                 "TableList",
                                 "SchemaTableList",
                                 "FieldDescription",
                                 "TableDescription",
                                 "FieldList"};
  std::vector<std::string> keys;
  for (const auto& table : input.tables) keys.push_back(component_key(table.name, taken));

  JsonWriter json;
  json.begin_object().field("openapi", "3.1.0");
  json.key("info").begin_object();
  json.field("title", input.service_label.empty() ? input.service_name : input.service_label);
  json.field("version", input.version);
  json.field("description", "lakegate REST API of service \"" + input.service_name +
                                "\"; tables of " + input.catalog + "." + input.schema +
                                ", generated from the live catalog");
  json.end_object();
  json.key("servers").begin_array().begin_object().field("url", input.server_url);
  json.end_object().end_array();
  openapi::write_security_requirement(json);
  json.key("tags").begin_array();
  for (const char* tag : {"_table", "_query", "_catalog", "_schema", "_spec"}) {
    json.begin_object().field("name", tag).end_object();
  }
  json.end_array();

  json.key("paths").begin_object();
  for (size_t i = 0; i < input.tables.size(); ++i)
    write_table_paths(json, input.tables[i], keys[i]);
  write_fixed_paths(json);
  json.end_object();

  json.key("components").begin_object();
  openapi::write_parameters(json);
  json.key("schemas").begin_object();
  openapi::write_shared_schemas(json);
  for (size_t i = 0; i < input.tables.size(); ++i)
    write_table_schemas(json, input.tables[i], keys[i]);
  json.end_object();
  openapi::write_responses(json);
  openapi::write_security_schemes(json);
  json.end_object();
  json.end_object();
  return json.take();
}

}  // namespace lakegate::api
