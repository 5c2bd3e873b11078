#include "backend/hive_thrift/owned_array.h"

namespace lakegate::backend::hive_thrift {

using arrow::TypeId;

void OwnedArray::reset(const arrow::Field& field) {
  length = 0;
  null_count = 0;
  validity.clear();
  offsets.clear();
  values.clear();
  all_null = field.type.id == TypeId::kNull;
  children.resize(field.children.size());
  for (size_t i = 0; i < field.children.size(); ++i) children[i].reset(field.children[i]);
  switch (field.type.id) {
    case TypeId::kUtf8:
    case TypeId::kBinary:
    case TypeId::kList:
    case TypeId::kMap:
      push_offset(0);
      break;
    default:
      break;
  }
}

void OwnedArray::push_validity(bool valid) {
  const int64_t bit = length;
  if (static_cast<size_t>(bit >> 3) >= validity.size()) validity.push_back(0);
  if (valid) {
    validity[bit >> 3] |= static_cast<uint8_t>(1u << (bit & 7));
  } else {
    ++null_count;
  }
  ++length;
}

void OwnedArray::push_bit(bool value) {
  const int64_t bit = length;
  if (static_cast<size_t>(bit >> 3) >= values.size()) values.push_back(0);
  if (value) values[bit >> 3] |= static_cast<uint8_t>(1u << (bit & 7));
}

void OwnedArray::push_offset(int64_t offset) {
  const int32_t value = static_cast<int32_t>(offset);
  const size_t at = offsets.size();
  offsets.resize(at + 4);
  std::memcpy(offsets.data() + at, &value, 4);
}

int64_t OwnedArray::last_offset() const {
  int32_t value = 0;
  if (offsets.size() >= 4) std::memcpy(&value, offsets.data() + offsets.size() - 4, 4);
  return value;
}

arrow::ArrayView OwnedArray::view() const {
  arrow::ArrayView view;
  view.length = length;
  view.null_count = all_null ? length : null_count;
  view.all_null = all_null;
  view.validity = null_count > 0 && !all_null ? validity.data() : nullptr;
  view.offsets = std::span<const uint8_t>(offsets.data(), offsets.size());
  view.values = std::span<const uint8_t>(values.data(), values.size());
  view.children.reserve(children.size());
  for (const OwnedArray& child : children) view.children.push_back(child.view());
  return view;
}

int fixed_width(const arrow::DataType& type) {
  switch (type.id) {
    case TypeId::kInt:
    case TypeId::kFloat:
    case TypeId::kDecimal:
      return type.bit_width / 8;
    case TypeId::kDate:
      return type.date_unit == arrow::DateUnit::kDay ? 4 : 8;
    case TypeId::kTimestamp:
    case TypeId::kDuration:
      return 8;
    case TypeId::kInterval:
      return type.interval_unit == arrow::IntervalUnit::kYearMonth ? 4 : 8;
    default:
      return 0;
  }
}

void append_null(OwnedArray& array, const arrow::Field& field) {
  switch (field.type.id) {
    case TypeId::kNull:
      break;
    case TypeId::kBool:
      array.push_bit(false);
      break;
    case TypeId::kUtf8:
    case TypeId::kBinary:
      array.push_offset(array.last_offset());
      break;
    case TypeId::kList:
    case TypeId::kMap:
      array.push_offset(array.last_offset());
      break;
    case TypeId::kStruct:
      for (size_t i = 0; i < field.children.size(); ++i) {
        append_null(array.children[i], field.children[i]);
      }
      break;
    default:
      array.values.resize(array.values.size() + fixed_width(field.type));
      break;
  }
  array.push_validity(false);
}

arrow::RecordBatch OwnedBatch::view() const {
  arrow::RecordBatch batch;
  batch.num_rows = num_rows;
  batch.columns.reserve(columns.size());
  for (const OwnedArray& column : columns) batch.columns.push_back(column.view());
  return batch;
}

}  // namespace lakegate::backend::hive_thrift
