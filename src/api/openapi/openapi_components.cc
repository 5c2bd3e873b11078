#include "api/openapi/openapi_components.h"

namespace lakegate::api::openapi {
namespace {

struct QueryParameter {
  const char* name;
  const char* type;  // JSON Schema type
  const char* description;
};

// DreamFactory's _table options (reference/dreamfactory-api.md §2.1) and
// lakegate's additions, by the name the components use.
constexpr QueryParameter kParameters[] = {
    {"filter", "string",
     "DreamFactory filter over columns, e.g. (fare_amount > 10) AND (passenger_count = 2); "
     "values are bound as parameters"},
    {"fields", "string", "Comma-separated columns to return (default: all)"},
    {"limit", "integer", "Maximum number of records (capped by the service's max_records)"},
    {"offset", "integer", "Number of records to skip"},
    {"order", "string", "Sort: column [asc|desc] [nulls first|last], …"},
    {"group", "string", "Comma-separated columns to group by"},
    {"include_count", "boolean", "Add meta.count, the number of matching records"},
    {"count_only", "boolean", "Return only the number of matching records"},
    {"ids", "string", "Comma-separated record ids"},
    {"id_field", "string",
     "Comma-separated id columns (default: table property lakegate.id_field, else column id)"},
    {"as_list", "boolean", "Return only the ids"},
    {"as_of_version", "integer", "Delta time travel: read the table as of this version"},
    {"as_of_timestamp", "string", "Delta time travel: read the table as of this timestamp"},
    {"continue", "boolean", "Batch writes: go on after a failed record"},
    {"rollback", "boolean", "Batch writes: all or nothing"},
    {"refresh", "boolean", "Bypass lakegate's metadata cache"},
    {"format", "string", "Result format: json (default), ndjson or csv; or use the Accept header"},
};

void write_string_property(JsonWriter& json, const char* name) {
  json.key(name).begin_object().field("type", "string").end_object();
}

void write_list_schema(JsonWriter& json, const char* name,
                       std::initializer_list<const char*> string_fields,
                       std::initializer_list<const char*> boolean_fields = {}) {
  json.key(name).begin_object().field("type", "object").key("properties").begin_object();
  json.key("resource").begin_object().field("type", "array").key("items").begin_object();
  json.field("type", "object").key("properties").begin_object();
  for (const char* field : string_fields) write_string_property(json, field);
  for (const char* field : boolean_fields) {
    json.key(field).begin_object().field("type", "boolean").end_object();
  }
  json.end_object().end_object().end_object();
  json.end_object().end_object();
}

}  // namespace

void write_ref(JsonWriter& json, const char* kind, const std::string& name) {
  json.begin_object().field("$ref", std::string("#/components/") + kind + "/" + name).end_object();
}

void write_parameters(JsonWriter& json) {
  json.key("parameters").begin_object();
  for (const QueryParameter& parameter : kParameters) {
    json.key(parameter.name).begin_object();
    json.field("name", parameter.name).field("in", "query").field("required", false);
    json.field("description", parameter.description);
    json.key("schema").begin_object().field("type", parameter.type);
    if (std::string_view(parameter.name) == "limit") json.field("minimum", 1);
    if (std::string_view(parameter.name) == "offset") json.field("minimum", 0);
    if (std::string_view(parameter.name) == "format") {
      json.key("enum").begin_array().value("json").value("ndjson").value("csv").end_array();
    }
    json.end_object().end_object();
  }
  json.end_object();
}

void write_shared_schemas(JsonWriter& json) {
  // The DreamFactory error envelope (http/error_envelope.h).
  json.key("Error").begin_object().field("type", "object").key("required");
  json.begin_array().value("error").end_array();
  json.key("properties").begin_object().key("error").begin_object().field("type", "object");
  json.key("required")
      .begin_array()
      .value("code")
      .value("status_code")
      .value("message")
      .end_array();
  json.key("properties").begin_object();
  json.key("code").begin_object().field("type", "integer").end_object();
  json.key("status_code").begin_object().field("type", "integer").end_object();
  json.key("message").begin_object().field("type", "string").end_object();
  json.key("context").begin_object().key("type");
  json.begin_array().value("object").value("null").end_array().end_object();
  json.end_object().end_object().end_object().end_object();

  json.key("Meta").begin_object().field("type", "object").key("properties").begin_object();
  json.key("count").begin_object().field("type", "integer").end_object();
  json.key("next").begin_object().field("type", "integer").end_object();
  json.key("version").begin_object().field("type", "integer").end_object();
  json.end_object().end_object();

  // What writes return: ids (or the requested fields) of each record.
  json.key("RecordIds").begin_object().field("type", "object").key("properties").begin_object();
  json.key("resource").begin_object().field("type", "array");
  json.key("items").begin_object().field("type", "object").end_object().end_object();
  json.end_object().end_object();

  json.key("QueryRequest").begin_object().field("type", "object");
  json.key("required").begin_array().value("sql").end_array();
  json.key("properties").begin_object();
  json.key("sql").begin_object().field("type", "string");
  json.field("description", "Spark SQL with ? or :name placeholders").end_object();
  json.key("params").begin_object().key("type");
  json.begin_array().value("array").value("object").end_array();
  json.field("description", "Values for ? (array) or :name (object) placeholders").end_object();
  json.end_object().end_object();

  json.key("QueryResponse").begin_object().field("type", "object").key("properties").begin_object();
  json.key("resource").begin_object().field("type", "array");
  json.key("items").begin_object().field("type", "object").end_object().end_object();
  json.key("row_count").begin_object().field("type", "integer").end_object();
  json.end_object().end_object();

  write_list_schema(json, "CatalogList", {"catalog"});
  write_list_schema(json, "SchemaList", {"schema", "catalog"});
  write_list_schema(json, "TableList", {"table", "type", "database", "catalog"}, {"is_delta"});
  write_list_schema(json, "SchemaTableList", {"name", "label", "type"});

  json.key("FieldDescription").begin_object().field("type", "object").key("properties");
  json.begin_object();
  for (const char* name : {"name", "label", "description", "type", "db_type"}) {
    write_string_property(json, name);
  }
  for (const char* name : {"allow_null", "is_primary_key", "is_partition"}) {
    json.key(name).begin_object().field("type", "boolean").end_object();
  }
  json.end_object().end_object();

  json.key("TableDescription").begin_object().field("type", "object").key("properties");
  json.begin_object();
  for (const char* name : {"name", "label", "description", "catalog", "schema", "provider"}) {
    write_string_property(json, name);
  }
  json.key("is_view").begin_object().field("type", "boolean").end_object();
  json.key("is_delta").begin_object().field("type", "boolean").end_object();
  json.key("primary_key").begin_object().field("type", "array");
  json.key("items").begin_object().field("type", "string").end_object().end_object();
  json.key("field").begin_object().field("type", "array").key("items");
  schema_ref(json, "FieldDescription");
  json.end_object();
  json.key("properties").begin_object().field("type", "object");
  json.key("additionalProperties").begin_object().field("type", "string").end_object();
  json.end_object();
  json.end_object().end_object();

  json.key("FieldList").begin_object().field("type", "object").key("properties").begin_object();
  json.key("resource").begin_object().field("type", "array").key("items");
  schema_ref(json, "FieldDescription");
  json.end_object().end_object().end_object();
}

void write_responses(JsonWriter& json) {
  json.key("responses").begin_object().key("Error").begin_object();
  json.field("description", "Error (DreamFactory envelope; status_code is the HTTP status)");
  json.key("content").begin_object().key("application/json").begin_object().key("schema");
  schema_ref(json, "Error");
  json.end_object().end_object().end_object().end_object();
}

void write_security_schemes(JsonWriter& json) {
  json.key("securitySchemes").begin_object();
  json.key("api_key").begin_object().field("type", "apiKey").field("in", "header");
  json.field("name", "X-DreamFactory-API-Key");
  json.field("description", "An app's API key (also accepted as the api_key query parameter)");
  json.end_object();
  json.key("session_token").begin_object().field("type", "apiKey").field("in", "header");
  json.field("name", "X-DreamFactory-Session-Token");
  json.field("description", "A session JWT from POST /api/v2/user/session");
  json.end_object();
  json.key("bearer").begin_object().field("type", "http").field("scheme", "bearer");
  json.field("bearerFormat", "JWT").end_object();
  json.end_object();
}

void write_security_requirement(JsonWriter& json) {
  json.key("security").begin_array();
  for (const char* scheme : {"api_key", "session_token", "bearer"}) {
    json.begin_object().key(scheme).begin_array().end_array().end_object();
  }
  json.end_array();
}

void write_ok_responses(JsonWriter& json, const std::string& description,
                        const std::string& schema) {
  json.key("responses").begin_object();
  json.key("200").begin_object().field("description", description);
  json.key("content").begin_object().key("application/json").begin_object().key("schema");
  schema_ref(json, schema);
  json.end_object().end_object().end_object();
  json.key("default");
  write_ref(json, "responses", "Error");
  json.end_object();
}

}  // namespace lakegate::api::openapi
