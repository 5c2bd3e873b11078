#include "store/store_json.h"

#include <simdjson.h>

#include "store/store_internal.h"
#include "util/json_text.h"

namespace lakegate::store {
namespace {

namespace od = simdjson::ondemand;

// Appends `"key":` (with a leading comma unless first).
void append_key(std::string& out, std::string_view key) {
  if (out.size() > 1) out.push_back(',');
  util::append_json_string(out, key);
  out.push_back(':');
}

void append_text_field(std::string& out, std::string_view key, std::string_view value) {
  append_key(out, key);
  util::append_json_string(out, value);
}

void append_number_field(std::string& out, std::string_view key, int64_t value) {
  append_key(out, key);
  out += std::to_string(value);
}

void append_flag_field(std::string& out, std::string_view key, bool value) {
  append_key(out, key);
  out += value ? "true" : "false";
}

// Parses `json` as one document and hands its root value to `visit`; "" is
// an empty document and visits nothing.
template <typename Visit>
Status parse_document(std::string_view json, std::string_view what, Visit visit) {
  if (json.empty()) return ok_status();  // an unset column reads as empty
  od::parser parser;
  const simdjson::padded_string padded(json);
  od::document document;
  if (parser.iterate(padded).get(document) != simdjson::SUCCESS) return corrupt(what);
  od::value root;
  if (document.get_value().get(root) != simdjson::SUCCESS) return corrupt(what);
  if (visit(root) != simdjson::SUCCESS) return corrupt(what);
  return ok_status();
}

simdjson::error_code read_string(od::value value, std::string& out) {
  std::string_view text;
  if (auto error = value.get_string().get(text)) return error;
  out.assign(text);
  return simdjson::SUCCESS;
}

simdjson::error_code read_int(od::value value, int& out) {
  int64_t number = 0;
  if (auto error = value.get_int64().get(number)) return error;
  out = static_cast<int>(number);
  return simdjson::SUCCESS;
}

// Calls visit(key, value) for each member of an object.
template <typename Visit>
simdjson::error_code for_each_member(od::value value, Visit visit) {
  od::object object;
  if (auto error = value.get_object().get(object)) return error;
  for (auto member : object) {
    std::string_view key;
    if (auto error = member.unescaped_key().get(key)) return error;
    const std::string key_text(key);  // the view dies with the next string read
    od::value value;
    if (auto error = member.value().get(value)) return error;
    if (auto error = visit(key_text, value)) return error;
  }
  return simdjson::SUCCESS;
}

// Calls visit(value) for each element of an array.
template <typename Visit>
simdjson::error_code for_each_element(od::value value, Visit visit) {
  od::array array;
  if (auto error = value.get_array().get(array)) return error;
  for (auto element : array) {
    od::value item;
    if (auto error = std::move(element).get(item)) return error;
    if (auto error = visit(item)) return error;
  }
  return simdjson::SUCCESS;
}

}  // namespace

std::string service_settings_json(const config::ServiceConfig& config) {
  std::string out = "{";
  append_text_field(out, "workspace_url", config.workspace_url);
  append_text_field(out, "http_path", config.http_path);
  append_text_field(out, "cluster_id", config.cluster_id);
  append_text_field(out, "catalog", config.catalog);
  append_text_field(out, "schema", config.schema);
  append_number_field(out, "timeout_seconds", config.timeout_seconds);
  append_flag_field(out, "use_unity_catalog", config.use_unity_catalog);
  append_text_field(out, "protocol", config.protocol);
  append_text_field(out, "ca_file", config.ca_file);
  append_text_field(out, "user_id", config.user_id);
  append_number_field(out, "pool_size", config.pool_size);
  append_number_field(out, "max_records", config.max_records);
  append_number_field(out, "max_concurrent_requests", config.max_concurrent_requests);
  append_number_field(out, "max_queued_requests", config.max_queued_requests);
  append_number_field(out, "version_ttl_ms", config.version_ttl_ms);
  append_flag_field(out, "cache_enabled", config.cache_enabled);
  append_number_field(out, "cache_ttl", config.cache_ttl);
  append_number_field(out, "cache_max_mb", config.cache_max_mb);
  out.push_back('}');
  return out;
}

Status parse_service_settings_json(std::string_view json, config::ServiceConfig& config) {
  const std::map<std::string_view, std::string*> text_fields = {
      {"workspace_url", &config.workspace_url},
      {"http_path", &config.http_path},
      {"cluster_id", &config.cluster_id},
      {"catalog", &config.catalog},
      {"schema", &config.schema},
      {"protocol", &config.protocol},
      {"ca_file", &config.ca_file},
      {"user_id", &config.user_id}};
  const std::map<std::string_view, int*> number_fields = {
      {"timeout_seconds", &config.timeout_seconds},
      {"pool_size", &config.pool_size},
      {"max_records", &config.max_records},
      {"max_concurrent_requests", &config.max_concurrent_requests},
      {"max_queued_requests", &config.max_queued_requests},
      {"version_ttl_ms", &config.version_ttl_ms},
      {"cache_ttl", &config.cache_ttl},
      {"cache_max_mb", &config.cache_max_mb}};
  return parse_document(json, "service config_json", [&](od::value root) {
    return for_each_member(root, [&](const std::string& key, od::value value) {
      if (auto text = text_fields.find(key); text != text_fields.end()) {
        return read_string(value, *text->second);
      }
      if (auto number = number_fields.find(key); number != number_fields.end()) {
        return read_int(value, *number->second);
      }
      if (key == "use_unity_catalog") return value.get_bool().get(config.use_unity_catalog);
      if (key == "cache_enabled") return value.get_bool().get(config.cache_enabled);
      return simdjson::SUCCESS;  // a setting of a newer lakegate
    });
  });
}

std::string role_filters_json(const std::vector<RoleFilter>& filters) {
  std::string out = "[";
  for (const RoleFilter& filter : filters) {
    if (out.size() > 1) out.push_back(',');
    std::string object = "{";
    append_text_field(object, "name", filter.name);
    append_text_field(object, "operator", filter.op);
    append_text_field(object, "value", filter.value);
    out += object + "}";
  }
  out.push_back(']');
  return out;
}

Result<std::vector<RoleFilter>> parse_role_filters_json(std::string_view json) {
  std::vector<RoleFilter> filters;
  auto status = parse_document(json, "role filters_json", [&](od::value root) {
    return for_each_element(root, [&](od::value item) {
      RoleFilter& filter = filters.emplace_back();
      return for_each_member(item, [&](const std::string& key, od::value value) {
        if (key == "name") return read_string(value, filter.name);
        if (key == "operator") return read_string(value, filter.op);
        if (key == "value") return read_string(value, filter.value);
        return simdjson::SUCCESS;
      });
    });
  });
  if (!status) return status.error();
  return filters;
}

std::string string_list_json(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const std::string& item : items) {
    if (out.size() > 1) out.push_back(',');
    util::append_json_string(out, item);
  }
  out.push_back(']');
  return out;
}

Result<std::vector<std::string>> parse_string_list_json(std::string_view json) {
  std::vector<std::string> items;
  auto status = parse_document(json, "field list JSON", [&](od::value root) {
    return for_each_element(
        root, [&](od::value item) { return read_string(item, items.emplace_back()); });
  });
  if (!status) return status.error();
  return items;
}

std::string string_map_json(const std::map<std::string, std::string>& entries) {
  std::string out = "{";
  for (const auto& [key, value] : entries) append_text_field(out, key, value);
  out.push_back('}');
  return out;
}

Result<std::map<std::string, std::string>> parse_string_map_json(std::string_view json) {
  std::map<std::string, std::string> entries;
  auto status = parse_document(json, "lookups JSON", [&](od::value root) {
    return for_each_member(root, [&](const std::string& key, od::value value) {
      return read_string(value, entries[key]);
    });
  });
  if (!status) return status.error();
  return entries;
}

}  // namespace lakegate::store
