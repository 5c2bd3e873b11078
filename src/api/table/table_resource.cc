// /_table[/{name}[/{id}]]: parse the options, resolve the table, then read
// (table_read.cc) or write (table_write.cc). The whole path of a request:
//   parse_table_options → resolve_table_name → MetadataCache::describe →
//   read_table | write_table → sql::build_* → Backend::execute → writer.
#include "api/resources.h"
#include "api/table/table_exec.h"
#include "api/table/table_handlers.h"
#include "http/error_envelope.h"
#include "sql/spark_types.h"
#include "util/ascii.h"
#include "util/json_text.h"

namespace lakegate::api {
namespace {

bool is_numeric_type(std::string_view spark_type) {
  const sql::TypeCategory category = sql::categorize(spark_type);
  return category == sql::TypeCategory::kIntegral || category == sql::TypeCategory::kFractional;
}

bool is_plain_number(std::string_view text) {
  size_t i = text.size() > 1 && text[0] == '-' ? 1 : 0;
  if (i >= text.size() || text[i] == '.') return false;
  if (text[i] == '0' && i + 1 < text.size() && text[i + 1] != '.')
    return false;  // no leading zeros
  bool dot = false;
  for (; i < text.size(); ++i) {
    if (text[i] == '.' && !dot && i + 1 < text.size()) {
      dot = true;
    } else if (text[i] < '0' || text[i] > '9') {
      return false;
    }
  }
  return true;
}

}  // namespace

std::vector<std::string> id_fields_of(const catalog::TableSchema& schema,
                                      const std::vector<std::string>& requested) {
  if (!requested.empty()) return requested;
  auto property = schema.properties.find("lakegate.id_field");
  if (property != schema.properties.end()) {
    auto fields = split_list(property->second);
    if (!fields.empty()) return fields;
  }
  for (const auto& column : schema.columns) {
    if (util::equals_ignore_case(column.name, "id")) return {column.name};
  }
  return {};
}

std::string id_json(const catalog::TableSchema& schema, const std::string& column,
                    const std::string& text) {
  const catalog::Column* found = schema.find(column);
  if (found != nullptr && is_numeric_type(found->spark_type) && is_plain_number(text)) return text;
  std::string out;
  util::append_json_string(out, text);
  return out;
}

std::string error_object(const Error& error) {
  std::string envelope = http::error_envelope(error);
  // {"error":{…}} → {…}
  const size_t start = envelope.find(':') + 1;
  return envelope.substr(start, envelope.size() - start - 1);
}

http::Response list_tables(const http::Request& request, Service& service,
                           const TableOptions& options, const Access& access) {
  if (Status allowed = access.authorize(service, "_table", "GET"); !allowed) {
    return error_response(allowed.error());
  }
  if (service.config.catalog.empty() || service.config.schema.empty()) {
    return error_response(
        Error(ErrorCode::kBadRequest, "Service \"" + service.config.name +
                                          "\" has no default catalog and schema; use "
                                          "_catalog/{catalog}/{schema} to list tables."));
  }
  backend::CancelToken cancel(service_deadline(service));
  auto tables = service.metadata->tables(service.config.catalog, service.config.schema, cancel);
  if (!tables) return error_response(tables.error());
  std::string body = "{\"resource\":[";
  bool first = true;
  for (const auto& table : *tables) {
    const catalog::TableName name{service.config.catalog, service.config.schema, table.name};
    if (!access.allows(service, table_component(name), "GET")) continue;
    if (!first) body.push_back(',');
    first = false;
    if (options.as_list) {
      util::append_json_string(body, table.name);
      continue;
    }
    body += "{\"name\":";
    util::append_json_string(body, table.name);
    body += ",\"label\":";
    util::append_json_string(body, table.name);
    body += ",\"type\":";
    util::append_json_string(body, table.type);
    body += ",\"is_delta\":";
    body += table.is_delta ? "true" : "false";
    body += "}";
  }
  body += "]}";
  auto response = http::Response::json(200, std::move(body));
  if (request.head_only) response.body.clear();
  return response;
}

http::Response handle_table(const http::Request& request, const std::shared_ptr<Service>& service,
                            const std::vector<std::string>& path, const Access& access) {
  if (path.size() > 2) {
    return error_response(Error(ErrorCode::kNotFound, "no route for " + request.path));
  }
  const std::string& method = request.method;
  const bool is_read = method == "GET";
  const bool is_write =
      method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
  if (path.empty()) {
    if (!is_read) return method_not_allowed(request, "GET");
  } else if (!is_read && !is_write) {
    return method_not_allowed(
        request, path.size() == 2 ? "GET, PUT, PATCH, DELETE" : "GET, POST, PUT, PATCH, DELETE");
  }
  if (path.size() == 2 && method == "POST") {
    return error_response(
        Error(ErrorCode::kBadRequest, "Create record by identifier not currently supported."));
  }
  auto options = parse_table_options(request);
  if (!options) return error_response(options.error());
  if (path.empty()) return list_tables(request, *service, *options, access);

  auto name = catalog::resolve_table_name(path[0], service->config);
  if (!name) return error_response(name.error());
  // Authorized before Spark is asked, so a denied caller cannot probe which tables exist.
  auto policy = access.table_policy(*service, table_component(*name), method);
  if (!policy) return error_response(policy.error());
  backend::CancelToken cancel(service_deadline(*service));
  auto schema = service->metadata->describe(*name, cancel);
  if (!schema) {
    Error error = schema.error();
    if (error.code == ErrorCode::kTableNotFound || error.code == ErrorCode::kNotFound) {
      error.code = ErrorCode::kNotFound;
      error.message = "Table \"" + path[0] + "\" does not exist in the database.";
    }
    return error_response(error);
  }
  policy->row_filter.schema = *schema;
  TableTarget target{*name, *schema, std::move(*policy)};
  if (!target.policy.hidden_columns.empty()) {
    target.schema =
        std::make_shared<const catalog::TableSchema>(visible_schema(**schema, target.policy));
  }
  const std::string* id = path.size() == 2 ? &path[1] : nullptr;
  if (is_read) {
    return read_table(request, service, target, *options, id, access.audit_notes());
  }
  if (Status allowed = check_write_policy(method, target, *options); !allowed) {
    return error_response(allowed.error());
  }
  const auto deadline = service_deadline(*service);
  auto turn = service->write_turns.take(target.name.display(), deadline);
  if (!turn) {
    return error_response(
        Error(ErrorCode::kConflict, "Table \"" + target.name.display() +
                                        "\" is busy with other writes until this request's "
                                        "timeout; nothing was written. Retry later.")
            .with("table", target.name.display())
            .with("retryAfter", "1"));
  }
  http::Response written = write_table(request, *service, target, std::move(*options), id, deadline,
                                       *access.audit_notes());
  turn->unlock();
  // Whatever it committed, this node's next read looks the version up again
  // (so answers cached by version are simply not asked for), and answers
  // that are only TTL-bound go (a view or a non-Delta table may show it).
  service->metadata->invalidate_version(target.name);
  if (service->results) service->results->drop_inexact();
  service->writes->announce({service->config.name, target.name.display(), false});
  if (const int retries = access.audit_notes()->write_retries; retries > 0) {
    written.headers.emplace_back("X-Lakegate-Write-Retries", std::to_string(retries));
  }
  return written;
}

}  // namespace lakegate::api
