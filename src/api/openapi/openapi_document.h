// The OpenAPI 3.1 document of one service, generated from its live catalog:
// for every table and view of the service's default catalog.schema, the
// paths /_table/{name} and /_table/{name}/{id} with DreamFactory's query
// parameters and a record schema built from the columns' Spark types
// (openapi_types.h); plus /_table, /_query, /_catalog…, /_schema…, /_spec;
// the error envelope and list shapes under components. Views get only GET.
// Pure (no I/O): openapi_resource.cc gathers the tables and calls it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/table_schema.h"

namespace lakegate::api {

struct OpenApiTable {
  std::string name;  // as in the URL (the default schema's table name)
  bool is_view = false;
  bool is_delta = false;
  // Columns and types; null when describing the table failed (the record
  // schema is then any object, and `problem` says why).
  std::shared_ptr<const catalog::TableSchema> schema;
  std::string problem;
};

struct OpenApiInput {
  std::string service_name;
  std::string service_label;
  std::string server_url;  // e.g. "http://host:8080/api/v2/spark" (or a relative "/api/v2/spark")
  std::string version;     // lakegate's version
  std::string catalog;     // the default catalog.schema the tables are from
  std::string schema;
  std::vector<OpenApiTable> tables;
};

// The document as JSON text.
std::string build_openapi_document(const OpenApiInput& input);

// "a b/c" → "a%20b%2Fc": a name made safe as one URL path segment.
std::string percent_encode_segment(const std::string& text);

}  // namespace lakegate::api
