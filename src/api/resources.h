// The resource handlers of a service, one per file, called by Gateway after
// it has found the service and authenticated the caller. Each authorizes the
// exact component it serves through `access` (deny by default). `path` is
// what follows the resource name, e.g. for /api/v2/svc/_table/cat.sch.t/42 →
// {"cat.sch.t", "42"}. A resource gets the service by shared_ptr so the
// streamed body it returns can hold it, and records what the audit needs in
// the request's notes (access.audit_notes()).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "api/access.h"
#include "api/service_registry.h"
#include "http/handler.h"

namespace lakegate::api {

// POST /_query (query_resource.cc).
http::Response handle_query(const http::Request& request, const std::shared_ptr<Service>& service,
                            const std::vector<std::string>& path, const Access& access);
// /_table[/{name}[/{id}]] (table_resource.cc).
http::Response handle_table(const http::Request& request, const std::shared_ptr<Service>& service,
                            const std::vector<std::string>& path, const Access& access);
// GET /_catalog[/{catalog}[/{schema}]] (catalog_resource.cc).
http::Response handle_catalog(const http::Request& request, const std::shared_ptr<Service>& service,
                              const std::vector<std::string>& path, const Access& access);
// GET /_schema[/{name}] (schema_resource.cc).
http::Response handle_schema(const http::Request& request, const std::shared_ptr<Service>& service,
                             const std::vector<std::string>& path, const Access& access);
// GET /_spec: the service's OpenAPI document (openapi_resource.cc).
http::Response handle_spec(const http::Request& request, const std::shared_ptr<Service>& service,
                           const std::vector<std::string>& path, const Access& access);
// GET /api/v2/api_docs[/{service}] (openapi_resource.cc).
http::Response handle_api_docs(const http::Request& request, ServiceRegistry& services,
                               const std::vector<std::string>& path, const Access& access);

// Shared by resources: the error envelope response of `error`.
http::Response error_response(const Error& error);
// 405 with an Allow header.
http::Response method_not_allowed(const http::Request& request, const std::string& allowed);

}  // namespace lakegate::api
