// The JSON member readers shared by the system parsers (system_json_fields.h).
#include "api/system/system_json_fields.h"

namespace lakegate::api::json_fields {

Error field_error(std::string_view path, std::string_view message) {
  std::string text(path);
  text += ": ";
  text += message;
  return Error(ErrorCode::kBadRequest, std::move(text));
}

std::string index_path(std::string_view path, size_t index) {
  return std::string(path) + "[" + std::to_string(index) + "]";
}

// The document's root, which must be an object. `parser` owns its memory.
Result<dom::object> parse_object(dom::parser& parser, std::string_view json,
                                 std::string_view what) {
  dom::element root;
  if (auto error = parser.parse(json.data(), json.size()).get(root)) {
    return field_error(what, std::string("invalid JSON: ") + simdjson::error_message(error));
  }
  dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) {
    return field_error(what, "expected a JSON object");
  }
  return object;
}

Status unknown_field(std::string_view path) {
  return field_error(path, "unknown field");
}

// null reads as "".
Status read_string(dom::element value, std::string_view path, std::string& out) {
  if (value.is_null()) {
    out.clear();
    return ok_status();
  }
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) {
    return field_error(path, "expected a string");
  }
  out.assign(text);
  return ok_status();
}

Status read_nonempty_string(dom::element value, std::string_view path, std::string& out) {
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS || text.empty()) {
    return field_error(path, "expected a non-empty string");
  }
  out.assign(text);
  return ok_status();
}

Status read_bool(dom::element value, std::string_view path, bool& out) {
  if (value.get_bool().get(out) != simdjson::SUCCESS)
    return field_error(path, "expected a boolean");
  return ok_status();
}

Status read_int(dom::element value, std::string_view path, int64_t& out) {
  if (value.get_int64().get(out) != simdjson::SUCCESS) {
    return field_error(path, "expected an integer");
  }
  return ok_status();
}

Status read_int_in_range(dom::element value, std::string_view path, int64_t min, int64_t max,
                         int& out) {
  int64_t number = 0;
  if (value.get_int64().get(number) != simdjson::SUCCESS || number < min || number > max) {
    return field_error(
        path, "expected an integer from " + std::to_string(min) + " to " + std::to_string(max));
  }
  out = static_cast<int>(number);
  return ok_status();
}

// A record id: a positive integer, or null for "none".
Status read_optional_id(dom::element value, std::string_view path, std::optional<int64_t>& out) {
  if (value.is_null()) {
    out.reset();
    return ok_status();
  }
  int64_t id = 0;
  if (value.get_int64().get(id) != simdjson::SUCCESS || id <= 0) {
    return field_error(path, "expected a positive integer or null");
  }
  out = id;
  return ok_status();
}

// A scalar kept as text: strings as they are, numbers and booleans as their
// JSON spelling, null as "".
Status read_scalar_text(dom::element value, std::string_view path, std::string& out) {
  switch (value.type()) {
    case dom::element_type::STRING:
      out.assign(value.get_string().value_unsafe());
      return ok_status();
    case dom::element_type::INT64:
    case dom::element_type::UINT64:
    case dom::element_type::DOUBLE:
    case dom::element_type::BOOL:
      out = simdjson::minify(value);
      return ok_status();
    case dom::element_type::NULL_VALUE:
      out.clear();
      return ok_status();
    default:
      return field_error(path, "expected a string, number, boolean or null");
  }
}

// "id": ignored on create; on update it must name the record being updated.
Status check_record_id(dom::element value, std::string_view path, int64_t base_id) {
  if (value.is_null()) return ok_status();
  int64_t id = 0;
  if (Status status = read_int(value, path, id); !status) return status;
  if (base_id != 0 && id != base_id) {
    return field_error(path, "does not match the record's id " + std::to_string(base_id));
  }
  return ok_status();
}

// Server-maintained members echoed back from a GET: checked for type, ignored.
bool is_read_only_date(std::string_view key) {
  return key == "created_date" || key == "last_modified_date";
}
Status ignore_text(dom::element value, std::string_view path) {
  std::string ignored;
  return read_string(value, path, ignored);
}
Status ignore_optional_int(dom::element value, std::string_view path) {
  if (value.is_null()) return ok_status();
  int64_t ignored = 0;
  return read_int(value, path, ignored);
}

// [{name, value}, …] replacing all lookups.
Status read_lookups(dom::element value, std::string_view path,
                    std::map<std::string, std::string>& out) {
  std::map<std::string, std::string> lookups;
  Status status =
      visit_object_elements(value, path, [&](dom::object object, const std::string& item_path) {
        std::string name, text;
        Status member_status =
            visit_members(object, item_path,
                          [&](std::string_view key, dom::element field, const std::string& at) {
                            if (key == "name") return read_nonempty_string(field, at, name);
                            if (key == "value") return read_scalar_text(field, at, text);
                            return unknown_field(at);
                          });
        if (!member_status) return member_status;
        if (name.empty()) return Status(field_error(item_path + ".name", "required"));
        if (!lookups.emplace(name, std::move(text)).second) {
          return Status(field_error(item_path + ".name", "duplicate lookup \"" + name + "\""));
        }
        return ok_status();
      });
  if (!status) return status;
  out = std::move(lookups);
  return ok_status();
}

}  // namespace lakegate::api::json_fields
