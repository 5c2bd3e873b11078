// lakegate's in-memory model of Arrow data: a Schema of Fields with their
// DataTypes, and RecordBatches of ArrayViews over Arrow buffers.
//
// Ownership: Schema, Field and DataType own their strings and children (they
// are small and copied out of the IPC metadata). RecordBatch and ArrayView own
// nothing but their vectors of views: every pointer and span points into the
// bytes the IpcStreamReader was opened on, which must outlive the batch.
// Buffers may be unaligned; read values through the accessors (memcpy loads).
//
// The reader validates every view before handing it out: buffers hold at least
// `offset + length` elements, offsets are monotonic and within the data or
// the child array, and child arrays are long enough. Accessors therefore do
// no bounds checks. REQUIRES for every accessor: 0 <= i < length.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lakegate::arrow {

enum class TypeId : uint8_t {
  kNull,
  kBool,
  kInt,              // bit_width 8/16/32/64, is_signed
  kFloat,            // bit_width 16/32/64
  kDecimal,          // precision, scale, bit_width 32/64/128/256
  kUtf8,             // int32 offsets
  kLargeUtf8,        // int64 offsets
  kBinary,           // int32 offsets
  kLargeBinary,      // int64 offsets
  kFixedSizeBinary,  // fixed_size bytes per value
  kDate,             // date_unit: int32 days or int64 milliseconds
  kTime,             // time_unit, bit_width 32 (s, ms) or 64 (us, ns)
  kTimestamp,        // time_unit, timezone ("" = no time zone, NTZ)
  kDuration,         // time_unit, int64
  kInterval,         // interval_unit
  kList,             // one child, int32 offsets
  kLargeList,        // one child, int64 offsets
  kFixedSizeList,    // one child, fixed_size elements per value
  kMap,              // one Struct child "entries" {key, value}, int32 offsets
  kStruct,           // one child per field
};

enum class TimeUnit : uint8_t { kSecond, kMilli, kMicro, kNano };
enum class DateUnit : uint8_t { kDay, kMilli };
enum class IntervalUnit : uint8_t { kYearMonth, kDayTime, kMonthDayNano };

using KeyValueMetadata = std::vector<std::pair<std::string, std::string>>;

struct DataType {
  TypeId id = TypeId::kNull;
  int bit_width = 0;                      // Int, Float, Decimal, Time
  bool is_signed = true;                  // Int
  int precision = 0;                      // Decimal
  int scale = 0;                          // Decimal
  int32_t fixed_size = 0;                 // FixedSizeBinary byte width, FixedSizeList size
  bool keys_sorted = false;               // Map
  TimeUnit time_unit = TimeUnit::kMicro;  // Time, Timestamp, Duration
  DateUnit date_unit = DateUnit::kDay;
  IntervalUnit interval_unit = IntervalUnit::kYearMonth;
  std::string timezone;  // Timestamp; empty means no time zone

  bool is_nested() const {
    return id == TypeId::kList || id == TypeId::kLargeList || id == TypeId::kFixedSizeList ||
           id == TypeId::kMap || id == TypeId::kStruct;
  }
};

struct Field {
  std::string name;
  bool nullable = true;
  DataType type;
  std::vector<Field> children;
  KeyValueMetadata metadata;

  // First metadata value for `key`, or empty.
  std::string_view metadata_value(std::string_view key) const {
    for (const auto& [k, v] : metadata) {
      if (k == key) return v;
    }
    return {};
  }
};

struct Schema {
  std::vector<Field> fields;
  KeyValueMetadata metadata;
};

// A view of one Arrow array. Which members are used depends on the type:
//   Bool, fixed-width:       validity, values
//   Utf8/Binary (+Large):    validity, offsets, values (the character data)
//   List/LargeList/Map:      validity, offsets, children[0]
//   FixedSizeList:           validity, children[0]
//   Struct:                  validity, children (one per field)
//   Null:                    nothing (every slot is null)
struct ArrayView {
  int64_t length = 0;
  int64_t null_count = 0;
  int64_t offset = 0;                 // logical start within the buffers
  const uint8_t* validity = nullptr;  // nullptr: all valid (unless type Null)
  std::span<const uint8_t> offsets;   // int32 or int64 (large_offsets)
  std::span<const uint8_t> values;
  bool large_offsets = false;
  bool all_null = false;  // type Null
  std::vector<ArrayView> children;

  bool is_valid(int64_t i) const {
    if (all_null) return false;
    if (validity == nullptr) return true;
    const int64_t bit = offset + i;
    return (validity[bit >> 3] >> (bit & 7)) & 1;
  }
  bool is_null(int64_t i) const { return !is_valid(i); }

  // Fixed-width value i (T must match the type's width).
  template <typename T>
  T value(int64_t i) const {
    T out;
    std::memcpy(&out, values.data() + (offset + i) * sizeof(T), sizeof(T));
    return out;
  }
  // Bool value i.
  bool bit(int64_t i) const {
    const int64_t bit = offset + i;
    return (values[bit >> 3] >> (bit & 7)) & 1;
  }
  // Bytes of fixed-width value i (Decimal, FixedSizeBinary, intervals).
  const uint8_t* fixed_bytes(int64_t i, int64_t width) const {
    return values.data() + (offset + i) * width;
  }
  // Entry k of the offsets buffer (physical index).
  int64_t offset_at(int64_t k) const {
    if (large_offsets) {
      int64_t v;
      std::memcpy(&v, offsets.data() + k * 8, 8);
      return v;
    }
    int32_t v;
    std::memcpy(&v, offsets.data() + k * 4, 4);
    return v;
  }
  // [begin, end) of value i in the data or child array.
  std::pair<int64_t, int64_t> range(int64_t i) const {
    return {offset_at(offset + i), offset_at(offset + i + 1)};
  }
  // Utf8/Binary value i.
  std::string_view bytes(int64_t i) const {
    const auto [begin, end] = range(i);
    return {reinterpret_cast<const char*>(values.data()) + begin, size_t(end - begin)};
  }
};

struct RecordBatch {
  int64_t num_rows = 0;
  std::vector<ArrayView> columns;  // one per schema field, same order
};

}  // namespace lakegate::arrow
