#include "api/table/table_request_parser.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <map>

#include "api/query/query_request.h"
#include "util/ascii.h"

namespace lakegate::api {
namespace {

namespace od = simdjson::ondemand;

// The JSON text of an array or object value (consumes it).
simdjson::error_code raw_container(od::value value, od::json_type type, std::string_view& raw) {
  if (type == od::json_type::array) {
    od::array array;
    if (auto error = value.get_array().get(array)) return error;
    return array.raw_json().get(raw);
  }
  od::object object;
  if (auto error = value.get_object().get(object)) return error;
  return object.raw_json().get(raw);
}

Error bad_request(std::string message) {
  return Error(ErrorCode::kBadRequest, std::move(message));
}

using util::trim_whitespace;

// Canonical option name of a query/body key, or "" when it is not an option.
std::string canonical(std::string_view key) {
  static const std::map<std::string, std::string, std::less<>> kNames = {
      {"filter", "filter"},
      {"where", "filter"},
      {"fields", "fields"},
      {"select", "fields"},
      {"limit", "limit"},
      {"top", "limit"},
      {"offset", "offset"},
      {"skip", "offset"},
      {"order", "order"},
      {"sort", "order"},
      {"order_by", "order"},
      {"group", "group"},
      {"group_by", "group"},
      {"ids", "ids"},
      {"id_field", "id_field"},
      {"include_count", "include_count"},
      {"count_only", "count_only"},
      {"as_list", "as_list"},
      {"include_schema", "include_schema"},
      {"history", "history"},
      {"file", "file"},
      {"cursor", "cursor"},
      {"as_of_version", "as_of_version"},
      {"as_of_timestamp", "as_of_timestamp"},
      {"continue", "continue"},
      {"rollback", "rollback"},
  };
  auto it = kNames.find(key);
  return it == kNames.end() ? std::string() : it->second;
}

// Option text as gathered from the query string and body (lists keep their
// items when the body gave a JSON array).
struct RawOption {
  std::string text;
  std::vector<std::string> items;
  bool is_list = false;
};
using RawOptions = std::map<std::string, RawOption>;

// A JSON value of a record or of params: arrays and objects as their JSON
// text, scalars through json_scalar_value (shared with _query).
Result<sql::ClientValue> client_value(od::value value, const std::string& what) {
  sql::ClientValue out;
  od::json_type type;
  if (value.type().get(type) != simdjson::SUCCESS)
    return bad_request(what + ": invalid JSON value");
  if (type == od::json_type::array || type == od::json_type::object) {
    std::string_view raw;
    if (raw_container(value, type, raw) != simdjson::SUCCESS)
      return bad_request(what + ": invalid JSON");
    out.json = std::string(trim_whitespace(raw));
    return out;
  }
  auto scalar = json_scalar_value(value, what);
  if (!scalar) return scalar.error();
  out.scalar = std::move(*scalar);
  return out;
}

// The JSON text of a scalar option value (strings unquoted).
Result<std::string> scalar_text(od::value value, const std::string& what) {
  od::json_type type;
  if (value.type().get(type) != simdjson::SUCCESS)
    return bad_request(what + ": invalid JSON value");
  if (type == od::json_type::string) {
    std::string_view text;
    if (value.get_string().get(text) != simdjson::SUCCESS)
      return bad_request(what + ": invalid string");
    return std::string(text);
  }
  if (type == od::json_type::array || type == od::json_type::object) {
    return bad_request(what + ": expected a string, number or boolean");
  }
  return std::string(trim_whitespace(value.raw_json_token()));
}

Status read_params(od::value value, sql::ReadRequest& read) {
  od::json_type type;
  if (value.type().get(type) != simdjson::SUCCESS) return bad_request("invalid \"params\"");
  if (type == od::json_type::object) {
    od::object object;
    if (value.get_object().get(object) != simdjson::SUCCESS)
      return bad_request("invalid \"params\"");
    return for_each_named_param(object, [&](std::string name, od::value item) -> Status {
      auto bound = client_value(item, "params." + name);
      if (!bound) return bound.error();
      if (bound->is_json()) return bad_request("params." + name + ": must be a scalar");
      read.params.emplace_back(std::move(name), std::move(*bound));
      return {};
    });
  }
  if (type == od::json_type::array) {  // DreamFactory's [{"name":…,"value":…}]
    od::array array;
    if (value.get_array().get(array) != simdjson::SUCCESS) return bad_request("invalid \"params\"");
    for (auto element : array) {
      od::object object;
      if (element.get_object().get(object) != simdjson::SUCCESS) {
        return bad_request("params: each entry must be {\"name\":…,\"value\":…}");
      }
      std::string name;
      std::optional<sql::ClientValue> bound;
      for (auto entry : object) {
        std::string_view key;
        if (entry.unescaped_key().get(key) != simdjson::SUCCESS)
          return bad_request("invalid JSON key");
        od::value item;
        if (entry.value().get(item) != simdjson::SUCCESS)
          return bad_request("invalid params value");
        if (key == "name") {
          auto text = scalar_text(item, "params name");
          if (!text) return text.error();
          name = *text;
        } else if (key == "value") {
          auto v = client_value(item, "params value");
          if (!v) return v.error();
          bound = std::move(*v);
        }
      }
      if (!name.empty() && name.front() == ':') name.erase(0, 1);
      if (name.empty() || !bound || bound->is_json()) {
        return bad_request("params: each entry needs a name and a scalar value");
      }
      read.params.emplace_back(std::move(name), std::move(*bound));
    }
    return {};
  }
  if (type == od::json_type::null) return {};
  return bad_request("\"params\" must be an object or an array");
}

Result<ParsedRecord> read_record(od::object object, size_t index) {
  ParsedRecord record;
  for (auto entry : object) {
    std::string_view key;
    if (entry.unescaped_key().get(key) != simdjson::SUCCESS) return bad_request("invalid JSON key");
    od::value item;
    if (entry.value().get(item) != simdjson::SUCCESS) return bad_request("invalid JSON value");
    const std::string what =
        "record " + std::to_string(index) + ", field \"" + std::string(key) + "\"";
    od::json_type type;
    if (item.type().get(type) != simdjson::SUCCESS)
      return bad_request(what + ": invalid JSON value");
    std::string raw;
    if (type != od::json_type::array && type != od::json_type::object) {
      raw = std::string(trim_whitespace(item.raw_json_token()));
    }
    auto value = client_value(item, what);
    if (!value) return value.error();
    if (value->is_json()) raw = value->json;
    record.values.emplace_back(std::string(key), std::move(*value));
    record.raw_json.push_back(std::move(raw));
  }
  return record;
}

Status read_records(od::array array, TableOptions& options) {
  options.has_body_records = true;
  size_t index = 0;
  for (auto element : array) {
    od::object object;
    if (element.get_object().get(object) != simdjson::SUCCESS) {
      return bad_request("record " + std::to_string(index) + " is not a JSON object");
    }
    auto record = read_record(object, index);
    if (!record) return record.error();
    options.records.push_back(std::move(*record));
    ++index;
  }
  return {};
}

// Reads option members of a body object into `raw` (keys not yet set).
Status read_body_option(std::string_view key, od::value value, RawOptions& raw,
                        TableOptions& options, bool params_from_query) {
  if (key == "params") return params_from_query ? Status() : read_params(value, options.read);
  const std::string name = canonical(key);
  if (name.empty() || raw.count(name)) return {};
  RawOption option;
  od::json_type type;
  if (value.type().get(type) != simdjson::SUCCESS)
    return bad_request(std::string(key) + ": invalid JSON");
  if (type == od::json_type::array) {
    od::array array;
    if (value.get_array().get(array) != simdjson::SUCCESS)
      return bad_request(std::string(key) + ": invalid");
    option.is_list = true;
    for (auto element : array) {
      od::value item;
      if (element.get(item) != simdjson::SUCCESS)
        return bad_request(std::string(key) + ": invalid");
      auto text = scalar_text(item, std::string(key));
      if (!text) return text.error();
      option.items.push_back(std::move(*text));
    }
  } else {
    auto text = scalar_text(value, std::string(key));
    if (!text) return text.error();
    option.text = std::move(*text);
  }
  raw.emplace(name, std::move(option));
  return {};
}

Status read_body(const http::Request& request, RawOptions& raw, TableOptions& options,
                 bool params_from_query) {
  if (trim_whitespace(request.body).empty()) return {};
  od::parser parser;
  simdjson::padded_string padded(request.body);
  od::document document;
  if (parser.iterate(padded).get(document) != simdjson::SUCCESS) {
    return bad_request("request body is not valid JSON");
  }
  const bool is_get = request.method == "GET";
  od::json_type type;
  if (document.type().get(type) != simdjson::SUCCESS)
    return bad_request("request body is not valid JSON");
  if (type == od::json_type::array) {
    if (is_get) return bad_request("a GET body must be a JSON object of options");
    od::array array;
    if (document.get_array().get(array) != simdjson::SUCCESS)
      return bad_request("invalid JSON array");
    if (auto status = read_records(array, options); !status) return status;
  } else if (type == od::json_type::object) {
    od::object object;
    if (document.get_object().get(object) != simdjson::SUCCESS)
      return bad_request("invalid JSON object");
    if (is_get) {
      for (auto field : object) {
        std::string_view key;
        if (field.unescaped_key().get(key) != simdjson::SUCCESS)
          return bad_request("invalid JSON key");
        od::value value;
        if (field.value().get(value) != simdjson::SUCCESS) return bad_request("invalid JSON value");
        if (auto status = read_body_option(key, value, raw, options, params_from_query); !status) {
          return status;
        }
      }
    } else {
      // A {"resource":[…]} wrapper carries records plus options; any other
      // object is one bare record.
      auto resource = object.find_field_unordered("resource");
      if (resource.error() == simdjson::SUCCESS) {
        od::array array;
        if (resource.get_array().get(array) != simdjson::SUCCESS) {
          return bad_request("\"resource\" must be an array of records");
        }
        if (auto status = read_records(array, options); !status) return status;
        object.reset();
        for (auto field : object) {
          std::string_view key;
          if (field.unescaped_key().get(key) != simdjson::SUCCESS)
            return bad_request("invalid JSON key");
          if (key == "resource") continue;
          od::value value;
          if (field.value().get(value) != simdjson::SUCCESS)
            return bad_request("invalid JSON value");
          if (auto status = read_body_option(key, value, raw, options, params_from_query);
              !status) {
            return status;
          }
        }
      } else {
        object.reset();
        auto record = read_record(object, 0);
        if (!record) return record.error();
        options.records.push_back(std::move(*record));
        options.single_object = true;
        options.has_body_records = true;
      }
    }
  } else {
    return bad_request("request body must be a JSON object or array");
  }
  if (document.current_location().error() == simdjson::SUCCESS) {
    return bad_request("request body is not valid JSON: trailing content");
  }
  return {};
}

Result<int64_t> parse_integer(std::string_view name, std::string_view text) {
  text = trim_whitespace(text);
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return bad_request("Invalid value for " + std::string(name) + ": '" + std::string(text) +
                       "' is not an integer.");
  }
  return value;
}

std::vector<std::string> list_of(const RawOption& option) {
  return option.is_list ? option.items : split_list(option.text);
}

}  // namespace

const std::string* ParsedRecord::raw(std::string_view name) const {
  for (size_t i = 0; i < values.size(); ++i) {
    if (util::ascii_lower(values[i].first) == util::ascii_lower(name)) return &raw_json[i];
  }
  return nullptr;
}

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    auto item = trim_whitespace(text.substr(start, end - start));
    if (!item.empty()) out.emplace_back(item);
    start = end + 1;
  }
  return out;
}

Result<bool> parse_flag(std::string_view name, std::string_view text) {
  const std::string value = util::ascii_lower(trim_whitespace(text));
  if (value.empty() || value == "true" || value == "1" || value == "yes" || value == "on")
    return true;
  if (value == "false" || value == "0" || value == "no" || value == "off") return false;
  return bad_request("Invalid value for " + std::string(name) + ": '" + std::string(text) +
                     "'; use true or false.");
}

Result<std::vector<sql::OrderTerm>> parse_order(std::string_view text) {
  if (text.find(';') != std::string_view::npos) {
    return bad_request("Invalid order by clause: ';' is not allowed.");
  }
  std::vector<sql::OrderTerm> terms;
  size_t pos = 0;
  const auto skip_blanks = [&] {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t')) ++pos;
  };
  while (true) {
    skip_blanks();
    if (pos >= text.size()) break;
    sql::OrderTerm term;
    if (text[pos] == '`') {  // `quoted name` with doubled backticks
      ++pos;
      while (true) {
        if (pos >= text.size()) return bad_request("Invalid order by clause: unterminated `.");
        if (text[pos] == '`') {
          if (pos + 1 < text.size() && text[pos + 1] == '`') {
            term.column.push_back('`');
            pos += 2;
            continue;
          }
          ++pos;
          break;
        }
        term.column.push_back(text[pos++]);
      }
    } else {
      const size_t start = pos;
      while (pos < text.size() && text[pos] != ' ' && text[pos] != '\t' && text[pos] != ',') ++pos;
      term.column = std::string(text.substr(start, pos - start));
    }
    if (term.column.empty()) return bad_request("Invalid order by clause: empty field name.");
    std::vector<std::string> words;
    while (true) {
      skip_blanks();
      if (pos >= text.size() || text[pos] == ',') break;
      const size_t start = pos;
      while (pos < text.size() && text[pos] != ' ' && text[pos] != '\t' && text[pos] != ',') ++pos;
      words.push_back(util::ascii_lower(text.substr(start, pos - start)));
    }
    size_t w = 0;
    if (w < words.size() && (words[w] == "asc" || words[w] == "desc")) {
      term.descending = words[w] == "desc";
      ++w;
    }
    if (w < words.size() && words[w] == "nulls") {
      if (w + 1 >= words.size() || (words[w + 1] != "first" && words[w + 1] != "last")) {
        return bad_request("Invalid order by clause for '" + term.column +
                           "': expected NULLS FIRST or NULLS LAST.");
      }
      term.nulls_first = words[w + 1] == "first";
      w += 2;
    }
    if (w != words.size()) {
      return bad_request("Invalid order by clause for '" + term.column + "': unexpected '" +
                         words[w] + "'; use <field> [asc|desc] [nulls first|last].");
    }
    terms.push_back(std::move(term));
    if (pos < text.size() && text[pos] == ',') ++pos;
  }
  return terms;
}

Result<TableOptions> parse_table_options(const http::Request& request) {
  TableOptions options;
  RawOptions raw;
  bool params_from_query = false;
  for (const auto& [key, value] : request.query) {
    if (key == "params") {
      simdjson::padded_string padded(value);
      od::parser parser;
      od::document document;
      od::value root;
      if (parser.iterate(padded).get(document) != simdjson::SUCCESS ||
          document.get_value().get(root) != simdjson::SUCCESS) {
        return bad_request("params must be a JSON object");
      }
      if (auto status = read_params(root, options.read); !status) return status.error();
      params_from_query = true;
      continue;
    }
    if (key.size() > 8 && key.compare(0, 7, "params[") == 0 && key.back() == ']') {
      std::string name = key.substr(7, key.size() - 8);
      if (!name.empty() && name.front() == ':') name.erase(0, 1);
      if (name.empty()) return bad_request("params[]: empty parameter name");
      options.read.params.emplace_back(std::move(name),
                                       sql::ClientValue{backend::Value::string(value), {}});
      params_from_query = true;
      continue;
    }
    const std::string name = canonical(key);
    if (name.empty() || raw.count(name)) continue;  // first occurrence wins
    raw.emplace(name, RawOption{value, {}, false});
  }
  if (auto status = read_body(request, raw, options, params_from_query); !status) {
    return status.error();
  }
  for (const auto& [name, option] : raw) {
    if (option.is_list && name != "fields" && name != "ids" && name != "id_field" &&
        name != "group" && name != "order") {
      return bad_request("\"" + name + "\" must not be an array");
    }
    const std::string& text = option.text;
    if (name == "filter") {
      options.read.filter = text;
    } else if (name == "fields") {
      options.read.fields = list_of(option);
    } else if (name == "group") {
      options.read.group = list_of(option);
    } else if (name == "ids") {
      options.read.ids = list_of(option);
      if (options.read.ids.empty()) return bad_request("ids: no identifiers given");
    } else if (name == "id_field") {
      options.read.id_fields = list_of(option);
    } else if (name == "order") {
      std::string joined = text;
      if (option.is_list) {
        joined.clear();
        for (const auto& item : option.items) joined += (joined.empty() ? "" : ",") + item;
      }
      auto order = parse_order(joined);
      if (!order) return order.error();
      options.read.order = std::move(*order);
    } else if (name == "limit") {
      auto limit = parse_integer("limit", text);
      if (!limit) return limit.error();
      options.read.limit = std::max<int64_t>(*limit, 0);
    } else if (name == "offset") {
      auto offset = parse_integer("offset", text);
      if (!offset) return offset.error();
      if (*offset < 0) return bad_request("Invalid value for offset: must not be negative.");
      options.read.offset = *offset;
    } else if (name == "as_of_version") {
      auto version = parse_integer("as_of_version", text);
      if (!version) return version.error();
      if (*version < 0)
        return bad_request("Invalid value for as_of_version: must not be negative.");
      options.read.time_travel.version = *version;
    } else if (name == "as_of_timestamp") {
      if (trim_whitespace(text).empty()) return bad_request("as_of_timestamp: empty timestamp");
      options.read.time_travel.timestamp = std::string(trim_whitespace(text));
    } else if (name == "file") {
      options.file = text;
    } else if (name == "cursor") {
      options.cursor = text;
    } else {
      auto flag = parse_flag(name, text);
      if (!flag) return flag.error();
      if (name == "include_count") options.include_count = *flag;
      if (name == "count_only") options.count_only = *flag;
      if (name == "as_list") options.as_list = *flag;
      if (name == "include_schema") options.include_schema = *flag;
      if (name == "history") options.history = *flag;
      if (name == "continue") options.continue_on_error = *flag;
      if (name == "rollback") options.rollback = *flag;
    }
  }
  if (options.read.fields.size() == 1 && options.read.fields[0] == "*") options.read.fields.clear();
  if (options.read.time_travel.version && options.read.time_travel.timestamp) {
    return bad_request("Use as_of_version or as_of_timestamp, not both.");
  }
  if (options.continue_on_error && options.rollback) {
    return bad_request("Rollback and continue operations can not be requested at the same time.");
  }
  if (!options.cursor.empty() &&
      (options.read.time_travel.version || options.read.time_travel.timestamp)) {
    return bad_request(
        "A cursor already pins the table version; drop as_of_version/as_of_timestamp.");
  }
  return options;
}

}  // namespace lakegate::api
