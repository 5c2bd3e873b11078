// The JSON columns of the store, private to it: a service's non-secret
// connection settings (config_json), role filters, field lists and lookup
// maps. Writers use util::append_json_string; readers parse with simdjson and
// answer kStore for text the store could not have written.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "config/service_config.h"
#include "store/records.h"
#include "util/result.h"

namespace lakegate::store {

// Every ServiceConfig field except name, label and type (own columns) and
// access_token (sealed in its own column).
std::string service_settings_json(const config::ServiceConfig& config);
// Fills the same fields of `config` from `json`; keys it does not know are skipped.
Status parse_service_settings_json(std::string_view json, config::ServiceConfig& config);

// [{"name":…,"operator":…,"value":…}, …] (DreamFactory's filter shape).
std::string role_filters_json(const std::vector<RoleFilter>& filters);
Result<std::vector<RoleFilter>> parse_role_filters_json(std::string_view json);

// ["a","b"]
std::string string_list_json(const std::vector<std::string>& items);
Result<std::vector<std::string>> parse_string_list_json(std::string_view json);

// {"key":"value", …}
std::string string_map_json(const std::map<std::string, std::string>& entries);
Result<std::map<std::string, std::string>> parse_string_map_json(std::string_view json);

}  // namespace lakegate::store
