// Rendering of system records (api/system_json.h). Every secret is either
// absent (password and API key hashes) or masked (service access tokens,
// users' Databricks tokens); the tests plant distinctive secrets and check
// that none of them reaches the output.
#include <simdjson.h>

#include <cmath>
#include <cstdio>

#include "api/system/system_json.h"
#include "util/json_text.h"

namespace lakegate::api {
namespace {

// Writes one JSON object member by member; close() appends the '}'.
class ObjectWriter {
 public:
  explicit ObjectWriter(std::string& out) : out_(out) { out_.push_back('{'); }

  // Appends `"name":` and returns the buffer for the caller to write the value.
  std::string& key(std::string_view name) {
    if (!first_) out_.push_back(',');
    first_ = false;
    util::append_json_string(out_, name);
    out_.push_back(':');
    return out_;
  }
  void string(std::string_view name, std::string_view value) {
    util::append_json_string(key(name), value);
  }
  void integer(std::string_view name, int64_t value) { key(name) += std::to_string(value); }
  void boolean(std::string_view name, bool value) { key(name) += value ? "true" : "false"; }
  void null(std::string_view name) { key(name) += "null"; }
  void optional_id(std::string_view name, const std::optional<int64_t>& value) {
    value ? integer(name, *value) : null(name);
  }
  // Empty text (a date never set, an endpoint or verb meaning "any") as null.
  void text_or_null(std::string_view name, std::string_view value) {
    value.empty() ? null(name) : string(name, value);
  }
  // "********" when a secret is set, "" when not; never the secret itself.
  void masked(std::string_view name, std::string_view secret) {
    string(name, secret.empty() ? std::string_view() : kMaskedSecret);
  }
  void close() { out_.push_back('}'); }

 private:
  std::string& out_;
  bool first_ = true;
};

void append_string_array(std::string& out, const std::vector<std::string>& values) {
  out.push_back('[');
  for (size_t index = 0; index < values.size(); ++index) {
    if (index > 0) out.push_back(',');
    util::append_json_string(out, values[index]);
  }
  out.push_back(']');
}

// [{name, value}, …] in name order.
void append_lookups(std::string& out, const std::map<std::string, std::string>& lookups) {
  out.push_back('[');
  bool first = true;
  for (const auto& [name, value] : lookups) {
    if (!first) out.push_back(',');
    first = false;
    ObjectWriter lookup(out);
    lookup.string("name", name);
    lookup.string("value", value);
    lookup.close();
  }
  out.push_back(']');
}

void append_access_json(std::string& out, int64_t role_id, const store::RoleServiceAccess& row) {
  ObjectWriter access(out);
  access.integer("id", row.id);
  access.integer("role_id", role_id);
  access.optional_id("service_id", row.service_id);
  access.string("component", row.component);
  access.integer("verb_mask", row.verb_mask);
  access.integer("requestor_mask", row.requestor_mask);
  std::string& filters = access.key("filters");
  filters.push_back('[');
  for (size_t index = 0; index < row.filters.size(); ++index) {
    if (index > 0) filters.push_back(',');
    ObjectWriter filter(filters);
    filter.string("name", row.filters[index].name);
    filter.string("operator", row.filters[index].op);
    filter.string("value", row.filters[index].value);
    filter.close();
  }
  filters.push_back(']');
  access.string("filter_op", row.filter_op);
  append_string_array(access.key("hidden_fields"), row.hidden_fields);
  append_string_array(access.key("read_only_fields"), row.read_only_fields);
  access.close();
}

constexpr std::string_view kPeriodNames[] = {"minute", "hour", "day", "7-day", "30-day"};

}  // namespace

void append_service_json(std::string& out, const store::ServiceRecord& record) {
  const config::ServiceConfig& service = record.config;
  ObjectWriter writer(out);
  writer.integer("id", record.id);
  writer.string("name", service.name);
  writer.string("label", service.label);
  writer.string("type", service.type);
  writer.string("description", record.description);
  writer.boolean("is_active", record.is_active);
  writer.string("source", record.source);
  writer.text_or_null("created_date", record.created_date);
  writer.text_or_null("last_modified_date", record.last_modified_date);
  ObjectWriter config(writer.key("config"));
  config.string("workspace_url", service.workspace_url);
  config.string("http_path", service.http_path);
  config.string("cluster_id", service.cluster_id);
  config.masked("access_token", service.access_token);
  config.string("catalog", service.catalog);
  config.string("schema", service.schema);
  config.integer("timeout", service.timeout_seconds);
  config.boolean("use_unity_catalog", service.use_unity_catalog);
  config.string("protocol", service.protocol);
  config.string("ca_file", service.ca_file);
  config.string("user_id", service.user_id);
  config.integer("pool_size", service.pool_size);
  config.integer("max_records", service.max_records);
  config.integer("max_concurrent_requests", service.max_concurrent_requests);
  config.integer("max_queued_requests", service.max_queued_requests);
  config.integer("version_ttl_ms", service.version_ttl_ms);
  config.boolean("cache_enabled", service.cache_enabled);
  config.integer("cache_ttl", service.cache_ttl);
  config.integer("cache_max_mb", service.cache_max_mb);
  config.close();
  writer.close();
}

void append_role_json(std::string& out, const store::RoleRecord& record) {
  ObjectWriter writer(out);
  writer.integer("id", record.id);
  writer.string("name", record.name);
  writer.string("description", record.description);
  writer.boolean("is_active", record.is_active);
  std::string& rows = writer.key("role_service_access_by_role_id");
  rows.push_back('[');
  for (size_t index = 0; index < record.access.size(); ++index) {
    if (index > 0) rows.push_back(',');
    append_access_json(rows, record.id, record.access[index]);
  }
  rows.push_back(']');
  append_lookups(writer.key("lookup_by_role_id"), record.lookups);
  writer.text_or_null("created_date", record.created_date);
  writer.text_or_null("last_modified_date", record.last_modified_date);
  writer.close();
}

void append_app_json(std::string& out, const store::AppRecord& record) {
  ObjectWriter writer(out);
  writer.integer("id", record.id);
  writer.string("name", record.name);
  writer.string("description", record.description);
  writer.boolean("is_active", record.is_active);
  writer.optional_id("role_id", record.role_id);
  writer.string("api_key_prefix", record.api_key_prefix);
  writer.text_or_null("created_date", record.created_date);
  writer.text_or_null("last_modified_date", record.last_modified_date);
  writer.close();
}

void append_user_json(std::string& out, const store::UserRecord& record,
                      const std::vector<store::UserAppRole>& app_roles) {
  ObjectWriter writer(out);
  writer.integer("id", record.id);
  writer.string("email", record.email);
  writer.string("name", record.name);
  writer.string("first_name", record.first_name);
  writer.string("last_name", record.last_name);
  writer.boolean("is_active", record.is_active);
  writer.boolean("is_sys_admin", record.is_sys_admin);
  writer.optional_id("default_role_id", record.default_role_id);
  append_lookups(writer.key("lookup_by_user_id"), record.lookups);
  writer.masked("databricks_token", record.databricks_token);
  writer.text_or_null("last_login_date", record.last_login_date);
  writer.text_or_null("created_date", record.created_date);
  writer.text_or_null("last_modified_date", record.last_modified_date);
  std::string& rows = writer.key("user_to_app_to_role_by_user_id");
  rows.push_back('[');
  for (size_t index = 0; index < app_roles.size(); ++index) {
    if (index > 0) rows.push_back(',');
    ObjectWriter row(rows);
    row.integer("app_id", app_roles[index].app_id);
    row.integer("role_id", app_roles[index].role_id);
    row.close();
  }
  rows.push_back(']');
  writer.close();
}

void append_limit_json(std::string& out, const store::LimitRecord& record) {
  ObjectWriter writer(out);
  writer.integer("id", record.id);
  writer.string("type", record.type);
  writer.string("name", record.name);
  writer.string("description", record.description);
  writer.integer("rate", record.rate);
  // An index outside 0..4 cannot come from parse_limit_json; shown as its number.
  if (record.period >= 0 && record.period < static_cast<int>(std::size(kPeriodNames))) {
    writer.string("period", kPeriodNames[record.period]);
  } else {
    writer.integer("period", record.period);
  }
  writer.optional_id("user_id", record.user_id);
  writer.optional_id("role_id", record.role_id);
  writer.optional_id("service_id", record.service_id);
  writer.text_or_null("endpoint", record.endpoint);
  writer.text_or_null("verb", record.verb);
  writer.boolean("is_active", record.is_active);
  writer.text_or_null("created_date", record.created_date);
  writer.text_or_null("last_modified_date", record.last_modified_date);
  writer.close();
}

void append_audit_json(std::string& out, const store::AuditRecord& record) {
  ObjectWriter writer(out);
  writer.integer("id", record.id);
  writer.string("time", record.time);
  writer.string("request_id", record.request_id);
  writer.string("app", record.app);
  writer.string("user", record.user);
  writer.string("role", record.role);
  writer.string("service", record.service);
  writer.string("resource", record.resource);
  writer.string("verb", record.verb);
  writer.integer("status", record.status);
  record.rows < 0 ? writer.null("rows") : writer.integer("rows", record.rows);
  writer.integer("bytes", record.bytes);
  if (std::isfinite(record.duration_ms)) {
    char text[64];
    std::snprintf(text, sizeof text, "%.3f", record.duration_ms);
    writer.key("duration_ms") += text;
  } else {
    writer.null("duration_ms");
  }
  writer.string("operation_id", record.operation_id);
  writer.string("sql_hash", record.sql_hash);
  writer.string("remote_address", record.remote_address);
  // params_json is JSON text written by the audit log; embedded as such when
  // it parses, else shown as a string so the response stays valid JSON.
  if (record.params_json.empty()) {
    writer.null("params");
  } else {
    simdjson::dom::parser parser;
    simdjson::dom::element params;
    if (parser.parse(record.params_json).get(params) == simdjson::SUCCESS) {
      writer.key("params") += simdjson::minify(params);
    } else {
      writer.string("params", record.params_json);
    }
  }
  writer.close();
}

void append_cache_stats_json(std::string& out, std::string_view service,
                             const cache::CacheStats& stats, int64_t ttl_seconds) {
  ObjectWriter writer(out);
  writer.string("name", service);
  writer.integer("cache_ttl", ttl_seconds);
  writer.integer("entries", static_cast<int64_t>(stats.entries));
  writer.integer("bytes", static_cast<int64_t>(stats.bytes));
  writer.integer("max_bytes", static_cast<int64_t>(stats.max_bytes));
  writer.integer("hits", static_cast<int64_t>(stats.hits));
  writer.integer("misses", static_cast<int64_t>(stats.misses));
  writer.integer("refreshes", static_cast<int64_t>(stats.bypasses));
  writer.integer("stores", static_cast<int64_t>(stats.stores));
  writer.integer("too_large", static_cast<int64_t>(stats.too_large));
  writer.integer("evictions", static_cast<int64_t>(stats.evictions));
  writer.integer("invalidations", static_cast<int64_t>(stats.invalidations));
  writer.close();
}

}  // namespace lakegate::api
