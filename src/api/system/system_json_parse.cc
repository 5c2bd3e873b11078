// Parsing of system request bodies (api/system_json.h). Each parser reads one
// JSON object member by member onto a copy of `base` (PATCH semantics),
// refuses unknown and duplicate members, and names the offending field in
// every error, e.g. "role.role_service_access_by_role_id[0].verb_mask:
// expected an integer from 0 to 127". Read-only members a client may echo back
// from a GET (created_date, last_modified_date, …) are accepted and ignored.
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <set>

#include "api/system/system_json.h"
#include "api/system/system_json_fields.h"
#include "util/ascii.h"

namespace lakegate::api {

using namespace json_fields;  // NOLINT: the member readers of this parser family

namespace {

// ---- roles ---------------------------------------------------------------

constexpr std::array<std::string_view, 14> kFilterOperators = {
    "=",      "!=",          ">",         ">=",       "<",       "<=",          "IN",
    "NOT IN", "STARTS WITH", "ENDS WITH", "CONTAINS", "IS NULL", "IS NOT NULL", "LIKE"};

Status read_filter_operator(dom::element value, std::string_view path, std::string& out) {
  std::string_view text;
  if (value.get_string().get(text) == simdjson::SUCCESS) {
    std::string op = util::ascii_upper(text);
    if (std::find(kFilterOperators.begin(), kFilterOperators.end(), op) != kFilterOperators.end()) {
      out = std::move(op);
      return ok_status();
    }
  }
  return field_error(path,
                     "expected one of = != > >= < <= IN, NOT IN, STARTS WITH, ENDS WITH, "
                     "CONTAINS, IS NULL, IS NOT NULL, LIKE");
}

Status read_filters(dom::element value, std::string_view path,
                    std::vector<store::RoleFilter>& out) {
  out.clear();
  return visit_object_elements(value, path, [&](dom::object object, const std::string& item_path) {
    store::RoleFilter filter;
    Status status = visit_members(
        object, item_path, [&](std::string_view key, dom::element field, const std::string& at) {
          if (key == "name") return read_nonempty_string(field, at, filter.name);
          if (key == "operator") return read_filter_operator(field, at, filter.op);
          if (key == "value") return read_scalar_text(field, at, filter.value);
          return unknown_field(at);
        });
    if (!status) return status;
    if (filter.name.empty()) return Status(field_error(item_path + ".name", "required"));
    if (filter.op.empty()) return Status(field_error(item_path + ".operator", "required"));
    out.push_back(std::move(filter));
    return ok_status();
  });
}

Status read_filter_op(dom::element value, std::string_view path, std::string& out) {
  std::string_view text;
  if (value.get_string().get(text) == simdjson::SUCCESS) {
    std::string op = util::ascii_upper(text);
    if (op == "AND" || op == "OR") {
      out = std::move(op);
      return ok_status();
    }
  }
  return field_error(path, "expected AND or OR");
}

// Column names: an array of non-empty strings (null = none).
Status read_field_names(dom::element value, std::string_view path, std::vector<std::string>& out) {
  out.clear();
  return visit_elements(value, path, [&](dom::element item, const std::string& item_path) {
    std::string name;
    if (Status status = read_nonempty_string(item, item_path, name); !status) return status;
    out.push_back(std::move(name));
    return ok_status();
  });
}

Status read_access_row(dom::object object, std::string_view path, store::RoleServiceAccess& row) {
  return visit_members(object, path,
                       [&](std::string_view key, dom::element value, const std::string& at) {
                         if (key == "service_id")
                           return read_optional_id(value, at, row.service_id);
                         if (key == "component") {
                           std::string_view text;
                           if (value.get_string().get(text) != simdjson::SUCCESS) {
                             return Status(field_error(at, "expected a string"));
                           }
                           row.component.assign(text);
                           return ok_status();
                         }
                         if (key == "verb_mask")
                           return read_int_in_range(value, at, 0, 127, row.verb_mask);
                         if (key == "requestor_mask")
                           return read_int_in_range(value, at, 0, 3, row.requestor_mask);
                         if (key == "filters") return read_filters(value, at, row.filters);
                         if (key == "filter_op") return read_filter_op(value, at, row.filter_op);
                         if (key == "hidden_fields")
                           return read_field_names(value, at, row.hidden_fields);
                         if (key == "read_only_fields")
                           return read_field_names(value, at, row.read_only_fields);
                         // Assigned by the store; the rows are replaced as a whole.
                         if (key == "id" || key == "role_id") return ignore_optional_int(value, at);
                         return unknown_field(at);
                       });
}

// The whole list of access rows, replacing the role's.
Status read_access_rows(dom::element value, std::string_view path,
                        std::vector<store::RoleServiceAccess>& out) {
  std::vector<store::RoleServiceAccess> rows;
  Status status =
      visit_object_elements(value, path, [&](dom::object object, const std::string& item_path) {
        store::RoleServiceAccess row;
        if (Status row_status = read_access_row(object, item_path, row); !row_status)
          return row_status;
        rows.push_back(std::move(row));
        return ok_status();
      });
  if (!status) return status;
  out = std::move(rows);
  return ok_status();
}

// ---- users ---------------------------------------------------------------

Status read_email(dom::element value, std::string_view path, std::string& out) {
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) {
    return field_error(path, "expected an email address");
  }
  const size_t at = text.find('@');
  const bool has_space = std::any_of(text.begin(), text.end(),
                                     [](char c) { return static_cast<unsigned char>(c) <= ' '; });
  if (at == std::string_view::npos || at == 0 || at + 1 == text.size() || has_space) {
    return field_error(path, "expected an email address");
  }
  out.assign(text);
  return ok_status();
}

constexpr size_t kMinPasswordCharacters = 8;
constexpr size_t kMaxPasswordBytes = 1024;  // bounds the hashing work one request can ask for

// null leaves the password unchanged.
Status read_password(dom::element value, std::string_view path, std::string& out) {
  if (value.is_null()) return ok_status();
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) {
    return field_error(path, "expected a string");
  }
  const size_t characters = std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  });
  if (characters < kMinPasswordCharacters) {
    return field_error(path, "must be at least 8 characters");
  }
  if (text.size() > kMaxPasswordBytes) return field_error(path, "must be at most 1024 bytes");
  out.assign(text);
  return ok_status();
}

// The masked placeholder keeps the stored secret; "" or null clears it.
Status read_secret(dom::element value, std::string_view path, std::string& secret) {
  std::string text;
  if (Status status = read_string(value, path, text); !status) return status;
  if (text != kMaskedSecret) secret = std::move(text);
  return ok_status();
}

Status read_app_roles(dom::element value, std::string_view path, int64_t user_id,
                      std::vector<store::UserAppRole>& out) {
  std::vector<store::UserAppRole> rows;
  Status status =
      visit_object_elements(value, path, [&](dom::object object, const std::string& item_path) {
        std::optional<int64_t> app_id, role_id;
        Status member_status =
            visit_members(object, item_path,
                          [&](std::string_view key, dom::element field, const std::string& at) {
                            if (key == "app_id") return read_optional_id(field, at, app_id);
                            if (key == "role_id") return read_optional_id(field, at, role_id);
                            if (key == "user_id") return check_record_id(field, at, user_id);
                            if (key == "id") return ignore_optional_int(field, at);
                            return unknown_field(at);
                          });
        if (!member_status) return member_status;
        if (!app_id) return Status(field_error(item_path + ".app_id", "required"));
        if (!role_id) return Status(field_error(item_path + ".role_id", "required"));
        for (const store::UserAppRole& row : rows) {
          if (row.app_id == *app_id) {
            return Status(field_error(
                item_path + ".app_id",
                "duplicate app " + std::to_string(*app_id) + " (one role per user and app)"));
          }
        }
        rows.push_back(store::UserAppRole{user_id, *app_id, *role_id});
        return ok_status();
      });
  if (!status) return status;
  out = std::move(rows);
  return ok_status();
}

// ---- limits --------------------------------------------------------------

// df-limits' types and the columns each one needs.
struct LimitType {
  std::string_view name;
  bool user, role, service, endpoint;
};
constexpr std::array<LimitType, 10> kLimitTypes = {{
    {"instance", false, false, false, false},
    {"instance.user", true, false, false, false},
    {"instance.each_user", false, false, false, false},
    {"instance.role", false, true, false, false},
    {"instance.service", false, false, true, false},
    {"instance.user.service", true, false, true, false},
    {"instance.each_user.service", false, false, true, false},
    {"instance.service.endpoint", false, false, true, true},
    {"instance.user.service.endpoint", true, false, true, true},
    {"instance.each_user.service.endpoint", false, false, true, true},
}};
constexpr std::array<std::string_view, 5> kPeriodNames = {"minute", "hour", "day", "7-day",
                                                          "30-day"};

const LimitType* find_limit_type(std::string_view name) {
  for (const LimitType& type : kLimitTypes) {
    if (type.name == name) return &type;
  }
  return nullptr;
}

Status read_limit_type(dom::element value, std::string_view path, std::string& out) {
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS || find_limit_type(text) == nullptr) {
    std::string expected = "expected one of ";
    for (const LimitType& type : kLimitTypes) {
      if (&type != &kLimitTypes.front()) expected += ", ";
      expected += type.name;
    }
    return field_error(path, expected);
  }
  out.assign(text);
  return ok_status();
}

// The index 0..4 or its name (minute, hour, day, 7-day, 30-day).
Status read_period(dom::element value, std::string_view path, int& out) {
  int64_t index = 0;
  std::string_view text;
  if (value.get_int64().get(index) == simdjson::SUCCESS) {
    if (index >= 0 && index < static_cast<int64_t>(kPeriodNames.size())) {
      out = static_cast<int>(index);
      return ok_status();
    }
  } else if (value.get_string().get(text) == simdjson::SUCCESS) {
    const std::string name = util::ascii_lower(text);
    for (size_t i = 0; i < kPeriodNames.size(); ++i) {
      if (kPeriodNames[i] == name) {
        out = static_cast<int>(i);
        return ok_status();
      }
    }
  }
  return field_error(path, "expected 0-4 or one of minute, hour, day, 7-day, 30-day");
}

// GET, POST, PUT, PATCH, DELETE (any case, stored upper case); null or "" = all verbs.
Status read_limit_verb(dom::element value, std::string_view path, std::string& out) {
  std::string text;
  if (read_string(value, path, text).ok()) {
    std::string verb = util::ascii_upper(text);
    if (verb.empty() || verb == "GET" || verb == "POST" || verb == "PUT" || verb == "PATCH" ||
        verb == "DELETE") {
      out = std::move(verb);
      return ok_status();
    }
  }
  return field_error(path, "expected GET, POST, PUT, PATCH, DELETE or null");
}

// The columns a limit's type needs are set; those it does not use are not
// (a user_id on an "instance" limit would look per-user but count everyone).
Status check_limit_columns(const store::LimitRecord& limit) {
  const LimitType* type = find_limit_type(limit.type);
  if (type == nullptr) return field_error("limit.type", "unknown type \"" + limit.type + "\"");
  const auto check = [&](std::string_view column, bool needed, bool present) -> Status {
    const std::string path = "limit." + std::string(column);
    if (needed && !present) return field_error(path, "required for type \"" + limit.type + "\"");
    if (!needed && present) {
      return field_error(path, "not used by type \"" + limit.type + "\"; set it to null");
    }
    return ok_status();
  };
  if (Status status = check("user_id", type->user, limit.user_id.has_value()); !status) {
    return status;
  }
  if (Status status = check("role_id", type->role, limit.role_id.has_value()); !status) {
    return status;
  }
  if (Status status = check("service_id", type->service, limit.service_id.has_value()); !status) {
    return status;
  }
  return check("endpoint", type->endpoint, !limit.endpoint.empty());
}

// ---- resource bodies -----------------------------------------------------

Result<std::vector<std::string>> split_records(dom::array array) {
  std::vector<std::string> records;
  size_t index = 0;
  for (dom::element element : array) {
    if (element.type() != dom::element_type::OBJECT) {
      return field_error(index_path("resource", index), "expected a JSON object");
    }
    records.push_back(simdjson::minify(element));
    ++index;
  }
  if (records.empty()) return field_error("resource", "no records in the request body");
  return records;
}

}  // namespace

Result<store::RoleRecord> parse_role_json(std::string_view json, store::RoleRecord base) {
  dom::parser parser;
  Result<dom::object> object = parse_object(parser, json, "role");
  if (!object) return object.error();
  const bool creating = base.id == 0;
  store::RoleRecord role = std::move(base);
  Status status = visit_members(
      *object, "role", [&](std::string_view key, dom::element value, const std::string& path) {
        if (key == "name") return read_nonempty_string(value, path, role.name);
        if (key == "description") return read_string(value, path, role.description);
        if (key == "is_active") return read_bool(value, path, role.is_active);
        if (key == "role_service_access_by_role_id") {
          return read_access_rows(value, path, role.access);
        }
        if (key == "lookup_by_role_id") return read_lookups(value, path, role.lookups);
        if (key == "id") return check_record_id(value, path, role.id);
        if (is_read_only_date(key)) return ignore_text(value, path);
        return unknown_field(path);
      });
  if (!status) return status.error();
  if (creating && role.name.empty()) return field_error("role.name", "required");
  return role;
}

Result<store::AppRecord> parse_app_json(std::string_view json, store::AppRecord base) {
  dom::parser parser;
  Result<dom::object> object = parse_object(parser, json, "app");
  if (!object) return object.error();
  const bool creating = base.id == 0;
  store::AppRecord app = std::move(base);
  Status status = visit_members(
      *object, "app", [&](std::string_view key, dom::element value, const std::string& path) {
        if (key == "name") return read_nonempty_string(value, path, app.name);
        if (key == "description") return read_string(value, path, app.description);
        if (key == "is_active") return read_bool(value, path, app.is_active);
        if (key == "role_id") return read_optional_id(value, path, app.role_id);
        if (key == "api_key") {
          return Status(field_error(path, "cannot be set; API keys are generated by the server"));
        }
        if (key == "id") return check_record_id(value, path, app.id);
        if (key == "api_key_prefix" || is_read_only_date(key)) return ignore_text(value, path);
        return unknown_field(path);
      });
  if (!status) return status.error();
  if (creating && app.name.empty()) return field_error("app.name", "required");
  return app;
}

Result<ParsedUser> parse_user_json(std::string_view json, store::UserRecord base) {
  dom::parser parser;
  Result<dom::object> object = parse_object(parser, json, "user");
  if (!object) return object.error();
  const bool creating = base.id == 0;
  ParsedUser parsed;
  parsed.user = std::move(base);
  store::UserRecord& user = parsed.user;
  Status status = visit_members(
      *object, "user", [&](std::string_view key, dom::element value, const std::string& path) {
        if (key == "email") return read_email(value, path, user.email);
        if (key == "name") return read_string(value, path, user.name);
        if (key == "first_name") return read_string(value, path, user.first_name);
        if (key == "last_name") return read_string(value, path, user.last_name);
        if (key == "is_active") return read_bool(value, path, user.is_active);
        if (key == "is_sys_admin") return read_bool(value, path, user.is_sys_admin);
        if (key == "default_role_id") return read_optional_id(value, path, user.default_role_id);
        if (key == "password") return read_password(value, path, parsed.new_password);
        if (key == "databricks_token") return read_secret(value, path, user.databricks_token);
        if (key == "lookup_by_user_id") return read_lookups(value, path, user.lookups);
        if (key == "user_to_app_to_role_by_user_id") {
          parsed.app_roles_given = true;
          return read_app_roles(value, path, user.id, parsed.app_roles);
        }
        if (key == "id") return check_record_id(value, path, user.id);
        if (key == "last_login_date" || is_read_only_date(key)) return ignore_text(value, path);
        return unknown_field(path);
      });
  if (!status) return status.error();
  if (creating && user.email.empty()) return field_error("user.email", "required");
  return parsed;
}

Result<store::LimitRecord> parse_limit_json(std::string_view json, store::LimitRecord base) {
  dom::parser parser;
  Result<dom::object> object = parse_object(parser, json, "limit");
  if (!object) return object.error();
  const bool creating = base.id == 0;
  store::LimitRecord limit = std::move(base);
  Status status = visit_members(
      *object, "limit", [&](std::string_view key, dom::element value, const std::string& path) {
        if (key == "type") return read_limit_type(value, path, limit.type);
        if (key == "rate") {
          if (value.get_int64().get(limit.rate) != simdjson::SUCCESS || limit.rate <= 0) {
            return Status(field_error(path, "expected an integer greater than 0"));
          }
          return ok_status();
        }
        if (key == "period") return read_period(value, path, limit.period);
        if (key == "user_id") return read_optional_id(value, path, limit.user_id);
        if (key == "role_id") return read_optional_id(value, path, limit.role_id);
        if (key == "service_id") return read_optional_id(value, path, limit.service_id);
        if (key == "endpoint") return read_string(value, path, limit.endpoint);
        if (key == "verb") return read_limit_verb(value, path, limit.verb);
        if (key == "name") return read_nonempty_string(value, path, limit.name);
        if (key == "description") return read_string(value, path, limit.description);
        if (key == "is_active") return read_bool(value, path, limit.is_active);
        if (key == "id") return check_record_id(value, path, limit.id);
        if (is_read_only_date(key)) return ignore_text(value, path);
        return unknown_field(path);
      });
  if (!status) return status.error();
  if (creating && limit.name.empty()) return field_error("limit.name", "required");
  if (limit.rate <= 0) return field_error("limit.rate", "required; an integer greater than 0");
  if (Status columns = check_limit_columns(limit); !columns) return columns.error();
  return limit;
}

Result<std::vector<std::string>> split_resource_body(std::string_view body) {
  dom::parser parser;
  dom::element root;
  if (auto error = parser.parse(body.data(), body.size()).get(root)) {
    return field_error("request body",
                       std::string("invalid JSON: ") + simdjson::error_message(error));
  }
  dom::array array;
  if (root.get_array().get(array) == simdjson::SUCCESS) return split_records(array);
  dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) {
    return field_error("request body", "expected a JSON object or array");
  }
  dom::element resource;
  if (object.at_key("resource").get(resource) != simdjson::SUCCESS) {
    return std::vector<std::string>{simdjson::minify(root)};
  }
  // {"resource": [...]}: the wrapper holds nothing else.
  for (dom::key_value_pair member : object) {
    if (member.key != "resource") {
      return field_error("request body", "unexpected member \"" + std::string(member.key) +
                                             "\" beside \"resource\"");
    }
  }
  if (resource.get_array().get(array) != simdjson::SUCCESS) {
    return field_error("resource", "expected an array of records");
  }
  return split_records(array);
}

}  // namespace lakegate::api
