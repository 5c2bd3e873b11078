#include "backend/hive_thrift/result_plan.h"

#include <algorithm>
#include <cctype>

#include "backend/hive_thrift/json_decoder.h"
#include "backend/hive_thrift/spark_type_to_arrow.h"
#include "util/ascii.h"

namespace lakegate::backend::hive_thrift {
namespace {

using arrow::TypeId;
using tcli::TTypeId;

arrow::DataType of(TypeId id, int bit_width = 0) {
  arrow::DataType type;
  type.id = id;
  type.bit_width = bit_width;
  return type;
}

TTypeId::type type_of(const tcli::TColumnDesc& column) {
  if (column.typeDesc.types.empty() || !column.typeDesc.types[0].__isset.primitiveEntry) {
    return TTypeId::USER_DEFINED_TYPE;
  }
  return column.typeDesc.types[0].primitiveEntry.type;
}

int qualifier(const tcli::TColumnDesc& column, const char* key, int fallback) {
  if (column.typeDesc.types.empty()) return fallback;
  const auto& qualifiers = column.typeDesc.types[0].primitiveEntry.typeQualifiers.qualifiers;
  auto found = qualifiers.find(key);
  return found == qualifiers.end() ? fallback : found->second.i32Value;
}

std::string alias(size_t index) {
  return "c" + std::to_string(index);
}

}  // namespace

bool needs_spark_types(const tcli::TTableSchema& schema) {
  for (const auto& column : schema.columns) {
    switch (type_of(column)) {
      case TTypeId::TIMESTAMP_TYPE:
      case TTypeId::ARRAY_TYPE:
      case TTypeId::MAP_TYPE:
      case TTypeId::STRUCT_TYPE:
        return true;
      default:
        break;
    }
  }
  return false;
}

bool is_utc_zone(std::string_view zone) {
  const std::string lower = util::ascii_lower(zone);
  return lower == "utc" || lower == "etc/utc" || lower == "gmt" || lower == "etc/gmt" ||
         lower == "z" || lower == "+00:00" || lower == "utc+00:00" || lower == "zulu" ||
         lower == "universal" || lower == "etc/universal" || lower == "etc/zulu";
}

std::string wrap_statement(std::string_view sql, const std::vector<std::string>& expressions) {
  while (!sql.empty() &&
         (std::isspace(static_cast<unsigned char>(sql.back())) || sql.back() == ';')) {
    sql.remove_suffix(1);
  }
  std::string out = "SELECT ";
  for (size_t i = 0; i < expressions.size(); ++i) {
    if (i > 0) out += ", ";
    out += expressions[i];
  }
  out += " FROM (\n";
  out += sql;
  out += "\n) AS lakegate_result(";
  for (size_t i = 0; i < expressions.size(); ++i) {
    if (i > 0) out += ", ";
    out += alias(i);
  }
  out += ")";
  return out;
}

Result<ResultPlan> plan_result(const tcli::TTableSchema& schema,
                               const std::vector<std::string>& spark_types,
                               std::string_view session_time_zone, std::string_view sql) {
  ResultPlan plan;
  const bool typed = spark_types.size() == schema.columns.size();
  const bool utc = is_utc_zone(session_time_zone);
  bool rerun = false;
  std::vector<std::string> expressions;
  for (size_t i = 0; i < schema.columns.size(); ++i) {
    const auto& column = schema.columns[i];
    ColumnPlan column_plan;
    arrow::Field& field = column_plan.field;
    field.name = column.columnName;
    std::string expression = alias(i);
    switch (type_of(column)) {
      case TTypeId::BOOLEAN_TYPE:
        field.type = of(TypeId::kBool);
        column_plan.decode = Decode::kBool;
        break;
      case TTypeId::TINYINT_TYPE:
        field.type = of(TypeId::kInt, 8);
        column_plan.decode = Decode::kInt8;
        break;
      case TTypeId::SMALLINT_TYPE:
        field.type = of(TypeId::kInt, 16);
        column_plan.decode = Decode::kInt16;
        break;
      case TTypeId::INT_TYPE:
        field.type = of(TypeId::kInt, 32);
        column_plan.decode = Decode::kInt32;
        break;
      case TTypeId::BIGINT_TYPE:
        field.type = of(TypeId::kInt, 64);
        column_plan.decode = Decode::kInt64;
        break;
      case TTypeId::FLOAT_TYPE:
        field.type = of(TypeId::kFloat, 32);
        column_plan.decode = Decode::kFloat;
        break;
      case TTypeId::DOUBLE_TYPE:
        field.type = of(TypeId::kFloat, 64);
        column_plan.decode = Decode::kDouble;
        break;
      case TTypeId::STRING_TYPE:
      case TTypeId::VARCHAR_TYPE:
      case TTypeId::CHAR_TYPE:
        field.type = of(TypeId::kUtf8);
        column_plan.decode = Decode::kString;
        break;
      case TTypeId::BINARY_TYPE:
        field.type = of(TypeId::kBinary);
        column_plan.decode = Decode::kBinary;
        break;
      case TTypeId::DECIMAL_TYPE:
        field.type = of(TypeId::kDecimal, 128);
        field.type.precision = qualifier(column, "precision", 38);
        field.type.scale = qualifier(column, "scale", 0);
        column_plan.decode = Decode::kDecimal;
        break;
      case TTypeId::DATE_TYPE:
        field.type = of(TypeId::kDate);
        column_plan.decode = Decode::kDate;
        break;
      case TTypeId::NULL_TYPE:
        field.type = of(TypeId::kNull);
        column_plan.decode = Decode::kNull;
        break;
      case TTypeId::INTERVAL_YEAR_MONTH_TYPE:
        field.type = of(TypeId::kInterval);
        field.type.interval_unit = arrow::IntervalUnit::kYearMonth;
        column_plan.decode = Decode::kYearMonth;
        break;
      case TTypeId::INTERVAL_DAY_TIME_TYPE:
        field.type = of(TypeId::kDuration);
        field.type.time_unit = arrow::TimeUnit::kMicro;
        column_plan.decode = Decode::kDayTime;
        break;
      case TTypeId::TIMESTAMP_TYPE:
      case TTypeId::TIMESTAMPLOCALTZ_TYPE: {
        const bool ntz = typed && spark_types[i] == "timestamp_ntz";
        field.type = of(TypeId::kTimestamp);
        field.type.time_unit = arrow::TimeUnit::kMicro;
        if (!ntz) field.type.timezone = "UTC";
        column_plan.decode = Decode::kTimestamp;
        if (!ntz && !utc && typed) {
          column_plan.decode = Decode::kMicros;
          expression = "unix_micros(" + alias(i) + ")";
          rerun = true;
        }
        break;
      }
      case TTypeId::ARRAY_TYPE:
      case TTypeId::MAP_TYPE:
      case TTypeId::STRUCT_TYPE: {
        if (typed) {
          auto parsed = spark_type_to_arrow(spark_types[i], field.name, "UTC");
          if (parsed && is_complex(*parsed)) {
            field = std::move(*parsed);
            column_plan.decode = Decode::kJson;
            expression = "to_json(" + alias(i) + ", " + json_options_sql() + ")";
            rerun = true;
            break;
          }
        }
        field.type = of(TypeId::kUtf8);
        column_plan.decode = Decode::kText;
        break;
      }
      default:
        field.type = of(TypeId::kUtf8);
        column_plan.decode = Decode::kText;
        break;
    }
    expressions.push_back(std::move(expression));
    plan.columns.push_back(std::move(column_plan));
  }
  if (rerun) plan.rerun_sql = wrap_statement(sql, expressions);
  return plan;
}

arrow::Schema schema_of(const ResultPlan& plan) {
  arrow::Schema schema;
  schema.fields.reserve(plan.columns.size());
  for (const auto& column : plan.columns) schema.fields.push_back(column.field);
  return schema;
}

}  // namespace lakegate::backend::hive_thrift
