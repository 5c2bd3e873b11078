#include "backend/hive_thrift/column_decoder.h"

#include <cstring>

#include "backend/hive_thrift/json_decoder.h"
#include "backend/hive_thrift/text_values.h"

namespace lakegate::backend::hive_thrift {
namespace {

bool is_null(const std::string& nulls, size_t row) {
  return row / 8 < nulls.size() && (static_cast<uint8_t>(nulls[row / 8]) >> (row % 8)) & 1;
}

// Arrow validity from Thrift's nulls bitmap (inverted; missing bytes = valid).
void set_validity(OwnedArray& array, const std::string& nulls, size_t rows) {
  array.length = static_cast<int64_t>(rows);
  array.validity.assign((rows + 7) / 8, 0xFF);
  array.null_count = 0;
  for (size_t byte = 0; byte < nulls.size() && byte < array.validity.size(); ++byte) {
    const uint8_t null_bits = static_cast<uint8_t>(nulls[byte]);
    if (null_bits == 0) continue;
    array.validity[byte] = static_cast<uint8_t>(~null_bits);
    for (size_t bit = 0; bit < 8 && byte * 8 + bit < rows; ++bit) {
      if ((null_bits >> bit) & 1) ++array.null_count;
    }
  }
}

template <typename Out, typename In>
void copy_fixed(OwnedArray& array, const std::vector<In>& values, const std::string& nulls) {
  array.values.resize(values.size() * sizeof(Out));
  if constexpr (sizeof(Out) == sizeof(In) && std::is_same_v<Out, In>) {
    if (!values.empty()) std::memcpy(array.values.data(), values.data(), array.values.size());
  } else {
    for (size_t i = 0; i < values.size(); ++i) {
      Out value = static_cast<Out>(values[i]);
      std::memcpy(array.values.data() + i * sizeof(Out), &value, sizeof(Out));
    }
  }
  set_validity(array, nulls, values.size());
}

void copy_bools(OwnedArray& array, const std::vector<bool>& values, const std::string& nulls) {
  array.values.assign((values.size() + 7) / 8, 0);
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i]) array.values[i / 8] |= static_cast<uint8_t>(1u << (i % 8));
  }
  set_validity(array, nulls, values.size());
}

void copy_strings(OwnedArray& array, const std::vector<std::string>& values,
                  const std::string& nulls) {
  size_t total = 0;
  for (const auto& value : values) total += value.size();
  array.values.resize(total);
  array.offsets.resize((values.size() + 1) * 4);
  int32_t offset = 0;
  std::memcpy(array.offsets.data(), &offset, 4);
  for (size_t i = 0; i < values.size(); ++i) {
    if (!values[i].empty())
      std::memcpy(array.values.data() + offset, values[i].data(), values[i].size());
    offset += static_cast<int32_t>(values[i].size());
    std::memcpy(array.offsets.data() + (i + 1) * 4, &offset, 4);
  }
  set_validity(array, nulls, values.size());
}

Error wrong_member(const ColumnPlan& plan) {
  return Error(ErrorCode::kProtocol, "the Thrift server sent column " + plan.field.name +
                                         " in an unexpected value encoding");
}

// Text-encoded values, one at a time.
Result<void> decode_text(OwnedArray& array, const ColumnPlan& plan,
                         const std::vector<std::string>& values, const std::string& nulls) {
  array.reset(plan.field);
  for (size_t row = 0; row < values.size(); ++row) {
    if (is_null(nulls, row)) {
      append_null(array, plan.field);
      continue;
    }
    Result<void> ok;
    if (plan.decode == Decode::kJson) {
      ok = append_json(array, plan.field, values[row]);
    } else {
      ok = append_scalar_text(array, plan.field, values[row]);
    }
    if (!ok) return ok;
  }
  return {};
}

Result<size_t> decode_column(const tcli::TColumn& column, const ColumnPlan& plan,
                             OwnedArray& array) {
  array.children.clear();
  array.offsets.clear();
  array.all_null = false;
  switch (plan.decode) {
    case Decode::kBool:
      if (!column.__isset.boolVal) return wrong_member(plan);
      copy_bools(array, column.boolVal.values, column.boolVal.nulls);
      return column.boolVal.values.size();
    case Decode::kInt8:
      if (!column.__isset.byteVal) return wrong_member(plan);
      copy_fixed<int8_t>(array, column.byteVal.values, column.byteVal.nulls);
      return column.byteVal.values.size();
    case Decode::kInt16:
      if (!column.__isset.i16Val) return wrong_member(plan);
      copy_fixed<int16_t>(array, column.i16Val.values, column.i16Val.nulls);
      return column.i16Val.values.size();
    case Decode::kInt32:
      if (!column.__isset.i32Val) return wrong_member(plan);
      copy_fixed<int32_t>(array, column.i32Val.values, column.i32Val.nulls);
      return column.i32Val.values.size();
    case Decode::kInt64:
    case Decode::kMicros:
      if (!column.__isset.i64Val) return wrong_member(plan);
      copy_fixed<int64_t>(array, column.i64Val.values, column.i64Val.nulls);
      return column.i64Val.values.size();
    case Decode::kFloat:
      if (!column.__isset.doubleVal) return wrong_member(plan);
      copy_fixed<float>(array, column.doubleVal.values, column.doubleVal.nulls);
      return column.doubleVal.values.size();
    case Decode::kDouble:
      if (!column.__isset.doubleVal) return wrong_member(plan);
      copy_fixed<double>(array, column.doubleVal.values, column.doubleVal.nulls);
      return column.doubleVal.values.size();
    case Decode::kBinary:
      if (column.__isset.binaryVal) {
        copy_strings(array, column.binaryVal.values, column.binaryVal.nulls);
        return column.binaryVal.values.size();
      }
      [[fallthrough]];
    case Decode::kString:
    case Decode::kText:
      if (!column.__isset.stringVal) return wrong_member(plan);
      copy_strings(array, column.stringVal.values, column.stringVal.nulls);
      return column.stringVal.values.size();
    case Decode::kNull: {
      size_t rows = column.__isset.stringVal ? column.stringVal.values.size() : 0;
      array.values.clear();
      array.validity.clear();
      array.all_null = true;
      array.length = static_cast<int64_t>(rows);
      array.null_count = array.length;
      return rows;
    }
    default:
      break;
  }
  if (!column.__isset.stringVal) return wrong_member(plan);
  if (auto ok = decode_text(array, plan, column.stringVal.values, column.stringVal.nulls); !ok) {
    return ok.error();
  }
  return column.stringVal.values.size();
}

}  // namespace

Result<void> decode_row_set(const tcli::TRowSet& row_set, const std::vector<ColumnPlan>& plans,
                            OwnedBatch& batch) {
  batch.num_rows = 0;
  batch.columns.resize(plans.size());
  if (row_set.columns.empty()) {
    for (size_t i = 0; i < plans.size(); ++i) batch.columns[i].reset(plans[i].field);
    return {};
  }
  if (row_set.columns.size() != plans.size()) {
    return Error(ErrorCode::kProtocol,
                 "the Thrift server sent " + std::to_string(row_set.columns.size()) +
                     " columns for a result of " + std::to_string(plans.size()));
  }
  for (size_t i = 0; i < plans.size(); ++i) {
    auto rows = decode_column(row_set.columns[i], plans[i], batch.columns[i]);
    if (!rows) return rows.error();
    if (i == 0) {
      batch.num_rows = static_cast<int64_t>(*rows);
    } else if (static_cast<int64_t>(*rows) != batch.num_rows) {
      return Error(ErrorCode::kProtocol, "the Thrift server sent columns of different lengths");
    }
  }
  return {};
}

}  // namespace lakegate::backend::hive_thrift
