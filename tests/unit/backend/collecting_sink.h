// Test helper: a BatchSink that renders every cell as text (enough types for
// the backend tests: null, bool, ints, floats, decimal128, utf8, binary)
// and can stop after a given number of batches.
#pragma once

#include <cstring>
#include <string>
#include <vector>

#include "core/backend.h"

namespace lakegate::backend::testing {

inline std::string decimal128_text(const uint8_t* bytes, int scale) {
  unsigned __int128 bits = 0;
  std::memcpy(&bits, bytes, 16);
  bool negative = static_cast<__int128>(bits) < 0;
  unsigned __int128 magnitude = negative ? ~bits + 1 : bits;
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  } while (magnitude != 0);
  if (scale > 0) {
    if (digits.size() <= static_cast<size_t>(scale)) {
      digits.insert(0, static_cast<size_t>(scale) + 1 - digits.size(), '0');
    }
    digits.insert(digits.size() - static_cast<size_t>(scale), ".");
  }
  return negative ? "-" + digits : digits;
}

inline std::string cell_text(const arrow::Field& field, const arrow::ArrayView& array,
                             int64_t row) {
  if (array.is_null(row)) return "NULL";
  switch (field.type.id) {
    case arrow::TypeId::kBool:
      return array.bit(row) ? "true" : "false";
    case arrow::TypeId::kInt:
      switch (field.type.bit_width) {
        case 8:
          return std::to_string(array.value<int8_t>(row));
        case 16:
          return std::to_string(array.value<int16_t>(row));
        case 32:
          return std::to_string(array.value<int32_t>(row));
        default:
          return std::to_string(array.value<int64_t>(row));
      }
    case arrow::TypeId::kFloat:
      return field.type.bit_width == 32 ? std::to_string(array.value<float>(row))
                                        : std::to_string(array.value<double>(row));
    case arrow::TypeId::kDecimal:
      return decimal128_text(array.fixed_bytes(row, 16), field.type.scale);
    case arrow::TypeId::kUtf8:
    case arrow::TypeId::kBinary:
    case arrow::TypeId::kLargeUtf8:
    case arrow::TypeId::kLargeBinary:
      return std::string(array.bytes(row));
    default:
      return "?";
  }
}

class CollectingSink : public BatchSink {
 public:
  // Stop (return false) after this many batches; -1 = never.
  explicit CollectingSink(int stop_after_batches = -1, bool keep_rows = true)
      : stop_after_(stop_after_batches), keep_rows_(keep_rows) {}

  bool on_schema(const arrow::Schema& schema) override {
    ++schema_calls;
    this->schema = schema;
    return true;
  }
  bool on_batch(const arrow::RecordBatch& batch) override {
    ++batches;
    rows_seen += batch.num_rows;
    if (keep_rows_) {
      for (int64_t row = 0; row < batch.num_rows; ++row) {
        std::vector<std::string> cells;
        for (size_t column = 0; column < batch.columns.size(); ++column) {
          cells.push_back(cell_text(schema.fields[column], batch.columns[column], row));
        }
        rows.push_back(std::move(cells));
      }
    }
    return stop_after_ < 0 || batches < stop_after_;
  }

  int schema_calls = 0;
  int batches = 0;
  int64_t rows_seen = 0;
  arrow::Schema schema;
  std::vector<std::vector<std::string>> rows;

 private:
  int stop_after_;
  bool keep_rows_;
};

}  // namespace lakegate::backend::testing
