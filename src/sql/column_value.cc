#include "sql/column_value.h"

#include "sql/spark_types.h"
#include "util/json_text.h"

namespace lakegate::sql {
namespace {

using Kind = backend::Value::Kind;

// The first character of JSON text after blanks ('[' for an array, '{' for an object).
char json_opener(const std::string& json) {
  size_t index = json.find_first_not_of(" \t\r\n");
  return index == std::string::npos ? '\0' : json[index];
}

const char* kind_name(const ClientValue& value) {
  if (value.is_json()) return json_opener(value.json) == '[' ? "a JSON array" : "a JSON object";
  switch (value.scalar.kind) {
    case Kind::kBool:
      return "a boolean";
    case Kind::kInt64:
    case Kind::kDouble:
    case Kind::kDecimal:
      return "a number";
    case Kind::kString:
      return "a string";
    case Kind::kBinary:
      return "binary data";
    default:
      return "null";
  }
}

Error wrong_kind(const catalog::Column& column, const ClientValue& value, std::string_view where,
                 const char* expected) {
  return Error(ErrorCode::kBadRequest, std::string(where) + ": column '" + column.name + "' (" +
                                           column.spark_type + ") expects " + expected + ", not " +
                                           kind_name(value))
      .with("field", column.name);
}

bool is_number(Kind kind) {
  return kind == Kind::kInt64 || kind == Kind::kDouble || kind == Kind::kDecimal;
}

// Whether a scalar of `kind` may be cast to a column of `category`.
bool scalar_fits(TypeCategory category, Kind kind) {
  switch (category) {
    case TypeCategory::kBoolean:
      return kind == Kind::kBool || kind == Kind::kString;
    case TypeCategory::kIntegral:
    case TypeCategory::kFractional:
      return is_number(kind) || kind == Kind::kString;
    case TypeCategory::kString:
      return kind != Kind::kBinary;
    default:  // date, timestamp, intervals, …: Spark parses the text
      return kind == Kind::kString;
  }
}

Result<SqlFragment> cast_param(const catalog::Column& column, backend::Value value) {
  SqlFragment out("CAST(");
  out.add_param(std::move(value)).add(" AS ");
  if (auto type = out.add_scalar_type(column.spark_type); !type) return type.error();
  return out.add(")");
}

// "map<K,V>" → {K, V}, split at the top-level comma; empty on a surprise.
std::pair<std::string, std::string> map_key_value_types(std::string_view type) {
  if (type.size() < 6 || type.substr(0, 4) != "map<" || type.back() != '>') return {};
  std::string_view inner = type.substr(4, type.size() - 5);
  int depth = 0;
  for (size_t index = 0; index < inner.size(); ++index) {
    char c = inner[index];
    if (c == '<' || c == '(') ++depth;
    if (c == '>' || c == ')') --depth;
    if (c == ',' && depth == 0) {
      return {std::string(inner.substr(0, index)), std::string(inner.substr(index + 1))};
    }
  }
  return {};
}

// from_json cannot build a map whose keys are not strings (Spark:
// INVALID_JSON_MAP_KEY_TYPE). Such a map is written from lakegate's own JSON
// form of it, [{"key":…,"value":…}, …], via map_from_entries. (Casting the
// keys of a JSON object needs a lambda, which Spark refuses inside VALUES.)
Result<SqlFragment> non_string_key_map(const catalog::Column& column, const ClientValue& value,
                                       std::string_view where, bool is_null) {
  auto [key_type, value_type] = map_key_value_types(column.spark_type);
  if (key_type.empty()) {
    return Error(ErrorCode::kInternal, "unexpected map type " + column.spark_type);
  }
  if (!is_null && (!value.is_json() || json_opener(value.json) != '[')) {
    return wrong_kind(column, value, where, "a JSON array of {\"key\", \"value\"} objects");
  }
  SqlFragment out("map_from_entries(from_json(");
  out.add_param(is_null ? backend::Value::null() : backend::Value::string(value.json)).add(", ");
  out.add_param(
      backend::Value::string("array<struct<key:" + key_type + ",value:" + value_type + ">>"));
  return out.add(", map('mode', 'FAILFAST')))");
}

}  // namespace

Result<SqlFragment> write_value(const catalog::Column& column, const ClientValue& value,
                                std::string_view where) {
  TypeCategory category = categorize(column.spark_type);
  bool is_null = !value.is_json() && value.scalar.kind == Kind::kNull;
  if (is_null && !column.nullable) {
    return Error(ErrorCode::kBadRequest,
                 std::string(where) + ": column '" + column.name + "' cannot be null")
        .with("field", column.name);
  }
  switch (category) {
    case TypeCategory::kNested: {
      if (column.spark_type.rfind("map<", 0) == 0 &&
          column.spark_type.rfind("map<string,", 0) != 0) {
        return non_string_key_map(column, value, where, is_null);
      }
      char opener = column.spark_type.rfind("array", 0) == 0 ? '[' : '{';
      if (!is_null && (!value.is_json() || json_opener(value.json) != opener)) {
        return wrong_kind(column, value, where, opener == '[' ? "a JSON array" : "a JSON object");
      }
      // The type text is bound too: from_json takes a parameter there
      // (checked on Spark 4.0.1), so nothing from the catalog is spliced.
      // FAILFAST turns a shape mismatch into an error instead of a NULL.
      SqlFragment out("from_json(");
      out.add_param(is_null ? backend::Value::null() : backend::Value::string(value.json));
      out.add(", ").add_param(backend::Value::string(column.spark_type));
      return out.add(", map('mode', 'FAILFAST'))");
    }
    case TypeCategory::kVariant: {
      std::string json;
      if (value.is_json()) {
        json = value.json;
      } else if (value.scalar.kind == Kind::kString) {
        util::append_json_string(json, value.scalar.text);
      } else if (value.scalar.kind == Kind::kBinary) {
        return wrong_kind(column, value, where, "a JSON value");
      } else if (!is_null) {
        json = value_text(value.scalar);
      }
      SqlFragment out("parse_json(");
      out.add_param(is_null ? backend::Value::null() : backend::Value::string(std::move(json)));
      return out.add(")");
    }
    case TypeCategory::kBinary: {
      if (is_null || (!value.is_json() && value.scalar.kind == Kind::kBinary)) {
        return SqlFragment("CAST(").add_param(value.scalar).add(" AS BINARY)");
      }
      std::string bytes;
      if (value.is_json() || value.scalar.kind != Kind::kString) {
        return wrong_kind(column, value, where, "base64 text");
      }
      if (!util::decode_base64(value.scalar.text, bytes)) {
        return Error(ErrorCode::kBadRequest, std::string(where) + ": column '" + column.name +
                                                 "' (binary) expects base64 text; the string "
                                                 "is not valid base64")
            .with("field", column.name);
      }
      return SqlFragment("CAST(")
          .add_param(backend::Value::binary(std::move(bytes)))
          .add(" AS BINARY)");
    }
    default:
      break;
  }
  if (value.is_json()) return wrong_kind(column, value, where, "a scalar value");
  if (is_null) return cast_param(column, backend::Value::null());
  if (!scalar_fits(category, value.scalar.kind)) {
    const char* expected =
        category == TypeCategory::kBoolean                                             ? "a boolean"
        : category == TypeCategory::kIntegral || category == TypeCategory::kFractional ? "a number"
                                                                                       : "a string";
    return wrong_kind(column, value, where, expected);
  }
  if (category == TypeCategory::kString && value.scalar.kind != Kind::kString) {
    return cast_param(column, backend::Value::string(value_text(value.scalar)));
  }
  return cast_param(column, value.scalar);
}

}  // namespace lakegate::sql
