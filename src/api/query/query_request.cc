#include "api/query/query_request.h"

#include <charconv>

#include "util/ascii.h"

namespace lakegate::api {
namespace {

namespace od = simdjson::ondemand;

Error bad_request(std::string message) {
  return Error(ErrorCode::kBadRequest, std::move(message));
}

}  // namespace

Result<backend::Value> json_scalar_value(od::value value, const std::string& name) {
  od::json_type type;
  if (value.type().get(type) != simdjson::SUCCESS)
    return bad_request(name + ": invalid JSON value");
  switch (type) {
    case od::json_type::null:
      return backend::Value::null();
    case od::json_type::boolean: {
      bool flag = false;
      if (value.get_bool().get(flag) != simdjson::SUCCESS)
        return bad_request(name + ": invalid boolean");
      return backend::Value::boolean(flag);
    }
    case od::json_type::number: {
      auto result = number_value(util::trim_whitespace(value.raw_json_token()));
      if (!result) return bad_request(name + ": " + result.error().message);
      return result;
    }
    case od::json_type::string: {
      std::string_view text;
      if (value.get_string().get(text) != simdjson::SUCCESS) {
        return bad_request(name + ": invalid string");
      }
      return backend::Value::string(std::string(text));
    }
    case od::json_type::array:
    case od::json_type::object:
      return Error(ErrorCode::kUnsupportedType,
                   name + ": arrays and objects cannot be bound as parameters");
  }
  return bad_request(name + ": unsupported JSON value");
}

Result<backend::Value> number_value(std::string_view raw) {
  const bool has_exponent = raw.find_first_of("eE") != std::string_view::npos;
  const bool has_fraction = raw.find('.') != std::string_view::npos;
  if (has_exponent) {
    double value = 0;
    auto [end, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), value);
    if (ec != std::errc() || end != raw.data() + raw.size()) return bad_request("invalid number");
    return backend::Value::float64(value);
  }
  if (!has_fraction) {
    int64_t value = 0;
    auto [end, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), value);
    if (ec == std::errc() && end == raw.data() + raw.size()) return backend::Value::int64(value);
  }
  size_t digits = 0;
  for (char c : raw) digits += (c >= '0' && c <= '9');
  if (digits > 38) return bad_request("number has more than 38 digits");
  return backend::Value::decimal(std::string(raw));
}

Result<backend::Statement> parse_query_request(const std::string& body) {
  od::parser parser;
  simdjson::padded_string padded(body);
  od::document document;
  if (parser.iterate(padded).get(document) != simdjson::SUCCESS) {
    return bad_request("request body is not valid JSON");
  }
  od::object root;
  if (document.get_object().get(root) != simdjson::SUCCESS) {
    return bad_request("request body must be a JSON object");
  }
  backend::Statement statement;
  bool have_sql = false;
  for (auto field : root) {
    std::string_view key;
    if (field.unescaped_key().get(key) != simdjson::SUCCESS) return bad_request("invalid JSON key");
    od::value value;
    if (field.value().get(value) != simdjson::SUCCESS) return bad_request("invalid JSON value");
    if (key == "sql") {
      std::string_view sql;
      if (value.get_string().get(sql) != simdjson::SUCCESS)
        return bad_request("\"sql\" must be a string");
      statement.sql = std::string(sql);
      have_sql = true;
    } else if (key == "params") {
      od::json_type type;
      if (value.type().get(type) != simdjson::SUCCESS) return bad_request("invalid \"params\"");
      if (type == od::json_type::array) {
        od::array array;
        if (value.get_array().get(array) != simdjson::SUCCESS)
          return bad_request("invalid \"params\"");
        size_t index = 0;
        for (auto element : array) {
          od::value item;
          const std::string name = "params[" + std::to_string(index++) + "]";
          if (element.get(item) != simdjson::SUCCESS) return bad_request(name + ": invalid JSON");
          auto bound = json_scalar_value(item, name);
          if (!bound) return bound.error();
          statement.positional.push_back(std::move(*bound));
        }
      } else if (type == od::json_type::object) {
        od::object object;
        if (value.get_object().get(object) != simdjson::SUCCESS)
          return bad_request("invalid \"params\"");
        Status named =
            for_each_named_param(object, [&](std::string name, od::value item) -> Status {
              auto bound = json_scalar_value(item, "params." + name);
              if (!bound) return bound.error();
              statement.named.emplace_back(std::move(name), std::move(*bound));
              return {};
            });
        if (!named) return named.error();
      } else if (type != od::json_type::null) {
        return bad_request("\"params\" must be an array (for ?) or an object (for :name)");
      }
    }
    // Other members (e.g. DreamFactory's "schema", "wrapper") are ignored.
  }
  // Anything after the object (a location still inside the input) is an error.
  if (document.current_location().error() == simdjson::SUCCESS) {
    return bad_request("request body is not valid JSON: trailing content");
  }
  if (!have_sql || statement.sql.find_first_not_of(" \t\r\n") == std::string::npos) {
    return bad_request("\"sql\" is required");
  }
  return statement;
}

Status for_each_named_param(od::object params,
                            const std::function<Status(std::string name, od::value value)>& bind) {
  for (auto entry : params) {
    std::string_view key;
    if (entry.unescaped_key().get(key) != simdjson::SUCCESS) return bad_request("invalid JSON key");
    if (!key.empty() && key.front() == ':') key.remove_prefix(1);
    if (key.empty()) return bad_request("params: empty parameter name");
    od::value item;
    if (entry.value().get(item) != simdjson::SUCCESS) return bad_request("invalid params value");
    if (Status bound = bind(std::string(key), item); !bound) return bound;
  }
  return {};
}

}  // namespace lakegate::api
