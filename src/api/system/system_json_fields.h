// Internal to the system JSON parsers (system_json_parse*.cc): reading one
// JSON member at a time with the field's path in every error. Not a public API.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "util/result.h"

namespace lakegate::api::json_fields {

namespace dom = simdjson::dom;

// kBadRequest "path: message".
Error field_error(std::string_view path, std::string_view message);
// "path[index]".
std::string index_path(std::string_view path, size_t index);

// The document's root, which must be an object. `parser` owns its memory.
Result<dom::object> parse_object(dom::parser& parser, std::string_view json, std::string_view what);

// Calls visit(key, value, "prefix.key") for each member; stops at the first
// error. Duplicate members are refused: which one wins would be a guess.
template <typename Visit>
Status visit_members(dom::object object, std::string_view prefix, Visit&& visit) {
  std::set<std::string_view> seen;
  for (dom::key_value_pair member : object) {
    const std::string path = std::string(prefix) + "." + std::string(member.key);
    if (!seen.insert(member.key).second) return field_error(path, "duplicate field");
    Status status = visit(member.key, member.value, path);
    if (!status) return status;
  }
  return ok_status();
}

// Calls visit(element, "path[i]") for each element of an array (null = empty).
template <typename Visit>
Status visit_elements(dom::element value, std::string_view path, Visit&& visit) {
  if (value.is_null()) return ok_status();
  dom::array array;
  if (value.get_array().get(array) != simdjson::SUCCESS) {
    return field_error(path, "expected an array");
  }
  size_t index = 0;
  for (dom::element element : array) {
    Status status = visit(element, index_path(path, index++));
    if (!status) return status;
  }
  return ok_status();
}

// Like visit_elements, for arrays whose elements must be objects.
template <typename Visit>
Status visit_object_elements(dom::element value, std::string_view path, Visit&& visit) {
  return visit_elements(value, path, [&](dom::element item, const std::string& item_path) {
    dom::object object;
    if (item.get_object().get(object) != simdjson::SUCCESS) {
      return Status(field_error(item_path, "expected an object"));
    }
    return Status(visit(object, item_path));
  });
}

Status unknown_field(std::string_view path);
// null reads as "".
Status read_string(dom::element value, std::string_view path, std::string& out);
Status read_nonempty_string(dom::element value, std::string_view path, std::string& out);
Status read_bool(dom::element value, std::string_view path, bool& out);
Status read_int(dom::element value, std::string_view path, int64_t& out);
Status read_int_in_range(dom::element value, std::string_view path, int64_t min, int64_t max,
                         int& out);
// A record id: a positive integer, or null for "none".
Status read_optional_id(dom::element value, std::string_view path, std::optional<int64_t>& out);
// A scalar kept as text: strings as they are, numbers and booleans as their
// JSON spelling, null as "".
Status read_scalar_text(dom::element value, std::string_view path, std::string& out);
// "id": ignored on create; on update it must name the record being updated.
Status check_record_id(dom::element value, std::string_view path, int64_t base_id);
// Server-maintained members echoed back from a GET: checked for type, ignored.
bool is_read_only_date(std::string_view key);
Status ignore_text(dom::element value, std::string_view path);
Status ignore_optional_int(dom::element value, std::string_view path);
// [{name, value}, …] replacing all lookups.
Status read_lookups(dom::element value, std::string_view path,
                    std::map<std::string, std::string>& out);

}  // namespace lakegate::api::json_fields
