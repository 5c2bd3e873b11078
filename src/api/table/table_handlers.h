// The stages of a _table request after option parsing (table_resource.cc
// dispatches): reads (table_read.cc) and writes (table_write.cc) of one
// resolved table, and the table listing. Shared helpers for rendering ids
// and DreamFactory-shaped results live here too.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "api/access.h"
#include "api/audit_notes.h"
#include "api/service_registry.h"
#include "api/table/table_request_parser.h"
#include "core/table_schema.h"
#include "http/handler.h"

namespace lakegate::api {

// A table named by the URL, resolved and described by the metadata cache.
// `schema` is what the caller may see (hidden columns removed); `policy` is
// the caller's row filter and column rules for this table and verb.
struct TableTarget {
  catalog::TableName name;
  std::shared_ptr<const catalog::TableSchema> schema;
  auth::TablePolicy policy;
};

// GET /_table: tables of the service's default catalog.schema.
http::Response list_tables(const http::Request& request, Service& service,
                           const TableOptions& options, const Access& access);

// kForbidden when a write breaks the caller's policy: a read-only column set,
// a PUT (upsert) under a row filter, a POST record outside the row filter, or
// a PATCH that sets a column the row filter tests.
Status check_write_policy(const std::string& method, const TableTarget& target,
                          const TableOptions& options);

// GET/HEAD /_table/{name}[/{id}] (`id` null for the collection). A streamed
// page holds `service` and `notes` (the request's audit notes) until its
// body ends.
http::Response read_table(const http::Request& request, const std::shared_ptr<Service>& service,
                          const TableTarget& target, const TableOptions& options,
                          const std::string* id, const std::shared_ptr<AuditNotes>& notes);

// POST/PUT/PATCH/DELETE /_table/{name}[/{id}], finished by `deadline` (the
// request's: its wait for the table's write turn counts); every statement is
// recorded in `notes` (the request's audit notes).
http::Response write_table(const http::Request& request, Service& service,
                           const TableTarget& target, TableOptions options, const std::string* id,
                           backend::CancelToken::Clock::time_point deadline, AuditNotes& notes);

// The id columns of a table: `requested` (id_field=…) if given, else the
// table property lakegate.id_field (comma-separated), else a column named
// "id" (any case); empty when none applies.
std::vector<std::string> id_fields_of(const catalog::TableSchema& schema,
                                      const std::vector<std::string>& requested);

// JSON for an id given as text: a bare number when the column is numeric
// and the text is a plain number, else a JSON string.
std::string id_json(const catalog::TableSchema& schema, const std::string& column,
                    const std::string& text);

// The error as a DreamFactory error object (the inside of {"error":…}).
std::string error_object(const Error& error);

}  // namespace lakegate::api
