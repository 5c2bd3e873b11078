#include "sql/spark_types.h"

#include <charconv>

#include "util/ascii.h"

namespace lakegate::sql {
namespace {

// The type's leading name: "decimal" of "decimal(10,2)", "array" of "array<int>".
std::string_view base_name(std::string_view spark_type) {
  size_t end = 0;
  while (end < spark_type.size() && spark_type[end] != '(' && spark_type[end] != '<' &&
         spark_type[end] != ' ') {
    ++end;
  }
  return spark_type.substr(0, end);
}

bool is(std::string_view name, std::string_view expected) {
  return util::equals_ignore_case(name, expected);
}

}  // namespace

TypeCategory categorize(std::string_view spark_type) {
  std::string_view name = base_name(spark_type);
  if (is(name, "boolean")) return TypeCategory::kBoolean;
  for (const char* integral :
       {"tinyint", "byte", "smallint", "short", "int", "integer", "bigint", "long"}) {
    if (is(name, integral)) return TypeCategory::kIntegral;
  }
  for (const char* fractional : {"float", "real", "double", "decimal", "dec", "numeric"}) {
    if (is(name, fractional)) return TypeCategory::kFractional;
  }
  if (is(name, "string") || is(name, "varchar") || is(name, "char")) return TypeCategory::kString;
  if (is(name, "binary")) return TypeCategory::kBinary;
  if (is(name, "date")) return TypeCategory::kDate;
  if (is(name, "timestamp") || is(name, "timestamp_ltz") || is(name, "timestamp_ntz")) {
    return TypeCategory::kTimestamp;
  }
  if (is(name, "array") || is(name, "map") || is(name, "struct")) return TypeCategory::kNested;
  if (is(name, "variant")) return TypeCategory::kVariant;
  return TypeCategory::kOther;
}

std::string value_text(const backend::Value& value) {
  switch (value.kind) {
    case backend::Value::Kind::kBool:
      return value.bool_value ? "true" : "false";
    case backend::Value::Kind::kInt64:
      return std::to_string(value.int_value);
    case backend::Value::Kind::kDouble: {
      char buffer[64];
      auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value.double_value);
      return error == std::errc() ? std::string(buffer, end) : std::string();
    }
    default:
      return value.text;
  }
}

}  // namespace lakegate::sql
