#include "backend/hive_thrift/spark_type_to_arrow.h"

#include "backend/spark_type.h"

namespace lakegate::backend::hive_thrift {
namespace {

using arrow::TypeId;
using Kind = SparkType::Kind;

arrow::DataType of(TypeId id, int bit_width = 0) {
  arrow::DataType type;
  type.id = id;
  type.bit_width = bit_width;
  return type;
}

// Fills `field` (its name already set) from `type`; false for a type without
// an Arrow form.
bool fill_field(const SparkType& type, const std::string& time_zone, arrow::Field& field) {
  switch (type.kind) {
    case Kind::kBoolean:
      field.type = of(TypeId::kBool);
      return true;
    case Kind::kTinyInt:
      field.type = of(TypeId::kInt, 8);
      return true;
    case Kind::kSmallInt:
      field.type = of(TypeId::kInt, 16);
      return true;
    case Kind::kInt:
      field.type = of(TypeId::kInt, 32);
      return true;
    case Kind::kBigInt:
      field.type = of(TypeId::kInt, 64);
      return true;
    case Kind::kFloat:
      field.type = of(TypeId::kFloat, 32);
      return true;
    case Kind::kDouble:
      field.type = of(TypeId::kFloat, 64);
      return true;
    case Kind::kDecimal:
      field.type = of(TypeId::kDecimal, 128);
      field.type.precision = type.precision;
      field.type.scale = type.scale;
      return true;
    case Kind::kString:
    case Kind::kVarchar:
    case Kind::kChar:
      field.type = of(TypeId::kUtf8);
      return true;
    case Kind::kBinary:
      field.type = of(TypeId::kBinary);
      return true;
    case Kind::kDate:
      field.type = of(TypeId::kDate);
      return true;
    case Kind::kTimestamp:
      field.type = of(TypeId::kTimestamp);
      field.type.timezone = time_zone;
      return true;
    case Kind::kTimestampNtz:
      field.type = of(TypeId::kTimestamp);
      return true;
    case Kind::kVoid:
      field.type = of(TypeId::kNull);
      return true;
    case Kind::kYearMonthInterval:
      field.type = of(TypeId::kInterval);
      field.type.interval_unit = arrow::IntervalUnit::kYearMonth;
      return true;
    case Kind::kDayTimeInterval:
      field.type = of(TypeId::kDuration);
      field.type.time_unit = arrow::TimeUnit::kMicro;
      return true;
    case Kind::kArray: {
      field.type = of(TypeId::kList);
      arrow::Field element;
      element.name = "element";
      if (!fill_field(type.elements[0], time_zone, element)) return false;
      field.children.push_back(std::move(element));
      return true;
    }
    case Kind::kMap: {
      field.type = of(TypeId::kMap);
      arrow::Field entries;
      entries.name = "entries";
      entries.nullable = false;
      entries.type = of(TypeId::kStruct);
      arrow::Field key, value;
      key.name = "key";
      key.nullable = false;
      value.name = "value";
      if (!fill_field(type.elements[0], time_zone, key) ||
          !fill_field(type.elements[1], time_zone, value)) {
        return false;
      }
      entries.children.push_back(std::move(key));
      entries.children.push_back(std::move(value));
      field.children.push_back(std::move(entries));
      return true;
    }
    case Kind::kStruct:
      field.type = of(TypeId::kStruct);
      for (const SparkType& member_type : type.fields) {
        arrow::Field member;
        member.name = member_type.name;
        if (!fill_field(member_type, time_zone, member)) return false;
        field.children.push_back(std::move(member));
      }
      return true;
    case Kind::kCalendarInterval:  // no Arrow form in Spark either
    case Kind::kVariant:
    case Kind::kUnknown:
      return false;
  }
  return false;
}

}  // namespace

Result<arrow::Field> spark_type_to_arrow(std::string_view spark_type, std::string name,
                                         const std::string& time_zone) {
  arrow::Field field;
  field.name = std::move(name);
  if (!fill_field(parse_spark_type(spark_type), time_zone, field)) {
    return Error(ErrorCode::kUnsupportedType,
                 "cannot read the Spark type '" + std::string(spark_type) + "'");
  }
  return field;
}

bool contains_timestamp(const arrow::Field& field) {
  if (field.type.id == TypeId::kTimestamp) return true;
  for (const auto& child : field.children) {
    if (contains_timestamp(child)) return true;
  }
  return false;
}

}  // namespace lakegate::backend::hive_thrift
