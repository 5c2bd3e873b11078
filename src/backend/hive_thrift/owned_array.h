// Arrow arrays built by lakegate itself (from Thrift columns or JSON text)
// rather than read from IPC bytes: each OwnedArray owns its buffers in the
// Arrow layout (validity bitmap LSB-first, int32 offsets, little-endian
// values, 16-byte decimal128, int64 µs timestamps, int32 days) and view()
// hands out the arrow::ArrayView the sinks read. Builders append one value
// at a time; append_null() keeps every child of a struct the same length.
// Not thread-safe; views are valid while the OwnedArray lives unchanged.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "core/record_batch.h"

namespace lakegate::backend::hive_thrift {

struct OwnedArray {
  int64_t length = 0;
  int64_t null_count = 0;
  std::vector<uint8_t> validity;  // bit per slot; used when null_count > 0
  std::vector<uint8_t> offsets;   // int32, length + 1 entries (var-length, list, map)
  std::vector<uint8_t> values;    // fixed-width values, bool bits or character data
  std::vector<OwnedArray> children;
  bool all_null = false;  // Arrow Null type

  // Shapes an empty array for `field` (children, first offset).
  void reset(const arrow::Field& field);
  // Appends a slot: its validity bit (the value itself is appended by the caller).
  void push_validity(bool valid);
  template <typename T>
  void push_value(T value) {
    const size_t at = values.size();
    values.resize(at + sizeof(T));
    std::memcpy(values.data() + at, &value, sizeof(T));
  }
  void push_bit(bool value);  // Bool values, at index `length` (before push_validity)
  void push_offset(int64_t offset);
  int64_t last_offset() const;
  arrow::ArrayView view() const;
};

// Appends a null slot of `field`'s type (zeroed value, repeated offset,
// nulls in every struct child).
void append_null(OwnedArray& array, const arrow::Field& field);

// Byte width of a fixed-width type, 0 for others (Bool is a bitmap).
int fixed_width(const arrow::DataType& type);

struct OwnedBatch {
  int64_t num_rows = 0;
  std::vector<OwnedArray> columns;
  arrow::RecordBatch view() const;
};

}  // namespace lakegate::backend::hive_thrift
