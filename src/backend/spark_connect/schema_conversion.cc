#include "backend/spark_connect/schema_conversion.h"

namespace lakegate::backend::spark_connect {
namespace {

using arrow::TypeId;
using spark::connect::DataType;

arrow::Field to_field(std::string name, bool nullable, const DataType& type,
                      const std::string& time_zone);

arrow::DataType integer(int bits) {
  arrow::DataType type;
  type.id = TypeId::kInt;
  type.bit_width = bits;
  return type;
}

arrow::DataType of(TypeId id) {
  arrow::DataType type;
  type.id = id;
  return type;
}

// The scalar part of a field's type; nested children are added by to_field.
arrow::DataType scalar_type(const DataType& type, const std::string& time_zone) {
  switch (type.kind_case()) {
    case DataType::kBoolean:
      return of(TypeId::kBool);
    case DataType::kByte:
      return integer(8);
    case DataType::kShort:
      return integer(16);
    case DataType::kInteger:
      return integer(32);
    case DataType::kLong:
      return integer(64);
    case DataType::kFloat: {
      arrow::DataType result = of(TypeId::kFloat);
      result.bit_width = 32;
      return result;
    }
    case DataType::kDouble: {
      arrow::DataType result = of(TypeId::kFloat);
      result.bit_width = 64;
      return result;
    }
    case DataType::kDecimal: {
      arrow::DataType result = of(TypeId::kDecimal);
      result.bit_width = 128;
      result.precision = type.decimal().has_precision() ? type.decimal().precision() : 10;
      result.scale = type.decimal().has_scale() ? type.decimal().scale() : 0;
      return result;
    }
    case DataType::kString:
    case DataType::kChar:
    case DataType::kVarChar:
      return of(TypeId::kUtf8);
    case DataType::kBinary:
      return of(TypeId::kBinary);
    case DataType::kDate:
      return of(TypeId::kDate);
    case DataType::kTimestamp: {
      arrow::DataType result = of(TypeId::kTimestamp);
      result.timezone = time_zone;
      return result;
    }
    case DataType::kTimestampNtz:
      return of(TypeId::kTimestamp);
    case DataType::kYearMonthInterval:
      return of(TypeId::kInterval);
    case DataType::kDayTimeInterval:
      return of(TypeId::kDuration);
    case DataType::kCalendarInterval: {
      arrow::DataType result = of(TypeId::kInterval);
      result.interval_unit = arrow::IntervalUnit::kMonthDayNano;
      return result;
    }
    case DataType::kArray:
      return of(TypeId::kList);
    case DataType::kMap:
      return of(TypeId::kMap);
    case DataType::kStruct:
    case DataType::kVariant:
      return of(TypeId::kStruct);
    default:
      return of(TypeId::kNull);
  }
}

arrow::Field to_field(std::string name, bool nullable, const DataType& type,
                      const std::string& time_zone) {
  if (type.kind_case() == DataType::kUdt && type.udt().has_sql_type()) {
    return to_field(std::move(name), nullable, type.udt().sql_type(), time_zone);
  }
  arrow::Field field;
  field.name = std::move(name);
  field.nullable = nullable;
  field.type = scalar_type(type, time_zone);
  switch (type.kind_case()) {
    case DataType::kArray:
      field.children.push_back(to_field("element", type.array().contains_null(),
                                        type.array().element_type(), time_zone));
      break;
    case DataType::kMap: {
      arrow::Field entries;
      entries.name = "entries";
      entries.nullable = false;
      entries.type = of(TypeId::kStruct);
      entries.children.push_back(to_field("key", false, type.map().key_type(), time_zone));
      entries.children.push_back(
          to_field("value", type.map().value_contains_null(), type.map().value_type(), time_zone));
      field.children.push_back(std::move(entries));
      break;
    }
    case DataType::kStruct:
      for (const auto& member : type.struct_().fields()) {
        field.children.push_back(
            to_field(member.name(), member.nullable(), member.data_type(), time_zone));
      }
      break;
    case DataType::kVariant: {
      DataType binary;
      binary.mutable_binary();
      field.children.push_back(to_field("value", false, binary, time_zone));
      field.children.push_back(to_field("metadata", false, binary, time_zone));
      field.metadata.emplace_back("variant", "true");
      break;
    }
    default:
      break;
  }
  return field;
}

}  // namespace

arrow::Schema to_arrow_schema(const DataType& type, const std::string& session_time_zone) {
  arrow::Schema schema;
  if (type.kind_case() == DataType::kStruct) {
    for (const auto& member : type.struct_().fields()) {
      schema.fields.push_back(
          to_field(member.name(), member.nullable(), member.data_type(), session_time_zone));
    }
  } else if (type.kind_case() != DataType::KIND_NOT_SET) {
    schema.fields.push_back(to_field("value", true, type, session_time_zone));
  }
  return schema;
}

}  // namespace lakegate::backend::spark_connect
