#include "format/json_value.h"

#include "format/variant_json.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "format/decimal_text.h"
#include "format/temporal_text.h"
#include "util/json_text.h"

namespace lakegate::format {
namespace {

using arrow::ArrayView;
using arrow::Field;
using arrow::IntervalUnit;
using arrow::TypeId;

template <typename T>
void append_integer(TextBuffer& out, T value) {
  char* p = out.reserve(24);
  out.commit(std::to_chars(p, p + 24, value).ptr);
}

void append_int_cell(TextBuffer& out, const arrow::DataType& type, const ArrayView& array,
                     int64_t row) {
  if (type.is_signed) {
    switch (type.bit_width) {
      case 8:
        return append_integer(out, array.value<int8_t>(row));
      case 16:
        return append_integer(out, array.value<int16_t>(row));
      case 32:
        return append_integer(out, array.value<int32_t>(row));
      default:
        return append_integer(out, array.value<int64_t>(row));
    }
  }
  switch (type.bit_width) {
    case 8:
      return append_integer(out, array.value<uint8_t>(row));
    case 16:
      return append_integer(out, array.value<uint16_t>(row));
    case 32:
      return append_integer(out, array.value<uint32_t>(row));
    default:
      return append_integer(out, array.value<uint64_t>(row));
  }
}

// IEEE 754 binary16 → float (exact).
float half_to_float(uint16_t bits) {
  const int exponent = (bits >> 10) & 0x1F;
  const int mantissa = bits & 0x3FF;
  float magnitude;
  if (exponent == 0) {
    magnitude = std::ldexp(static_cast<float>(mantissa), -24);
  } else if (exponent == 31) {
    magnitude = mantissa == 0 ? INFINITY : NAN;
  } else {
    magnitude = std::ldexp(static_cast<float>(mantissa | 0x400), exponent - 25);
  }
  return (bits & 0x8000) ? -magnitude : magnitude;
}

// Longest shortest-round-trip text: a sign and 17 digits padded to 308 integer
// places in fixed style is never chosen (scientific is shorter); 32 suffices.
constexpr size_t kMaxFloatText = 48;

template <typename T>
char* write_json_floating(char* p, T value) {
  if (std::isnan(value)) {
    std::memcpy(p, "\"NaN\"", 5);
    return p + 5;
  }
  if (std::isinf(value)) {
    if (value > 0) {
      std::memcpy(p, "\"Infinity\"", 10);
      return p + 10;
    }
    std::memcpy(p, "\"-Infinity\"", 11);
    return p + 11;
  }
  return std::to_chars(p, p + kMaxFloatText, value).ptr;
}

template <typename T>
void append_json_floating(TextBuffer& out, T value) {
  out.commit(write_json_floating(out.reserve(kMaxFloatText), value));
}

void append_float_cell(TextBuffer& out, int bit_width, const ArrayView& array, int64_t row) {
  switch (bit_width) {
    case 16:
      return append_json_floating(out, half_to_float(array.value<uint16_t>(row)));
    case 32:
      return append_json_floating(out, array.value<float>(row));
    default:
      return append_json_floating(out, array.value<double>(row));
  }
}

void append_temporal_cell(TextBuffer& out, const arrow::DataType& type, const ArrayView& array,
                          int64_t row) {
  char* p = out.reserve(kMaxTemporalText + 2);
  *p++ = '"';
  switch (type.id) {
    case TypeId::kDate:
      if (type.date_unit == arrow::DateUnit::kDay) {
        p = write_date(p, array.value<int32_t>(row));
      } else {
        const int64_t millis = array.value<int64_t>(row);
        p = write_date(p, millis / 86400000 - (millis % 86400000 < 0 ? 1 : 0));
      }
      break;
    case TypeId::kTimestamp:
      p = write_timestamp(p, array.value<int64_t>(row), type.time_unit, !type.timezone.empty());
      break;
    case TypeId::kTime:
      p = write_time_of_day(
          p, type.bit_width == 32 ? array.value<int32_t>(row) : array.value<int64_t>(row),
          type.time_unit);
      break;
    case TypeId::kDuration:
      p = write_duration(p, array.value<int64_t>(row), type.time_unit);
      break;
    default: {  // kInterval
      if (type.interval_unit == IntervalUnit::kYearMonth) {
        p = write_year_month_interval(p, array.value<int32_t>(row));
        break;
      }
      int32_t months = 0, days;
      int64_t nanos;
      if (type.interval_unit == IntervalUnit::kDayTime) {
        const uint8_t* bytes = array.fixed_bytes(row, 8);
        int32_t millis;
        std::memcpy(&days, bytes, 4);
        std::memcpy(&millis, bytes + 4, 4);
        nanos = int64_t{millis} * 1000000;
      } else {
        const uint8_t* bytes = array.fixed_bytes(row, 16);
        std::memcpy(&months, bytes, 4);
        std::memcpy(&days, bytes + 4, 4);
        std::memcpy(&nanos, bytes + 8, 8);
      }
      p = write_month_day_nano_interval(p, months, days, nanos);
    }
  }
  *p++ = '"';
  out.commit(p);
}

void append_list(TextBuffer& out, const Field& element, const ArrayView& child, int64_t begin,
                 int64_t end) {
  out.push_back('[');
  for (int64_t k = begin; k < end; ++k) {
    if (k != begin) out.push_back(',');
    append_json_value(out, element, child, k);
  }
  out.push_back(']');
}

void append_map(TextBuffer& out, const Field& field, const ArrayView& array, int64_t row) {
  const Field& entries = field.children[0];
  const ArrayView& entry_array = array.children[0];
  const Field& key_field = entries.children[0];
  const Field& value_field = entries.children[1];
  const ArrayView& keys = entry_array.children[0];
  const ArrayView& values = entry_array.children[1];
  auto [begin, end] = array.range(row);
  begin += entry_array.offset;  // struct children are indexed through its offset
  end += entry_array.offset;
  const bool string_keys =
      key_field.type.id == TypeId::kUtf8 || key_field.type.id == TypeId::kLargeUtf8;
  out.push_back(string_keys ? '{' : '[');
  for (int64_t k = begin; k < end; ++k) {
    if (k != begin) out.push_back(',');
    if (string_keys) {
      out.append_json_string(keys.is_valid(k) ? keys.bytes(k) : std::string_view());
      out.push_back(':');
      append_json_value(out, value_field, values, k);
    } else {
      out.append("{\"key\":");
      append_json_value(out, key_field, keys, k);
      out.append(",\"value\":");
      append_json_value(out, value_field, values, k);
      out.push_back('}');
    }
  }
  out.push_back(string_keys ? '}' : ']');
}

void append_struct(TextBuffer& out, const Field& field, const ArrayView& array, int64_t row) {
  out.push_back('{');
  for (size_t k = 0; k < field.children.size(); ++k) {
    if (k != 0) out.push_back(',');
    out.append_json_string(field.children[k].name);
    out.push_back(':');
    // A struct's offset applies to its children.
    append_json_value(out, field.children[k], array.children[k], array.offset + row);
  }
  out.push_back('}');
}

std::string_view fixed_binary(const ArrayView& array, int64_t row, int32_t width) {
  return {reinterpret_cast<const char*>(array.fixed_bytes(row, width)), size_t(width)};
}

// Specialised cell renderers (see cell_renderer_for).
template <typename T>
void render_integer(TextBuffer& out, const Field&, const ArrayView& array, int64_t row) {
  char* p = out.reserve(24);
  if (!array.is_valid(row)) return out.commit(static_cast<char*>(std::memcpy(p, "null", 4)) + 4);
  out.commit(std::to_chars(p, p + 24, array.value<T>(row)).ptr);
}

template <typename T>
void render_floating(TextBuffer& out, const Field&, const ArrayView& array, int64_t row) {
  char* p = out.reserve(kMaxFloatText);
  if (!array.is_valid(row)) return out.commit(static_cast<char*>(std::memcpy(p, "null", 4)) + 4);
  out.commit(write_json_floating(p, array.value<T>(row)));
}

template <arrow::TimeUnit kUnit, bool kWithOffset>
void render_timestamp(TextBuffer& out, const Field&, const ArrayView& array, int64_t row) {
  char* p = out.reserve(kMaxTemporalText + 2);
  if (!array.is_valid(row)) return out.commit(static_cast<char*>(std::memcpy(p, "null", 4)) + 4);
  *p++ = '"';
  p = write_timestamp(p, array.value<int64_t>(row), kUnit, kWithOffset);
  *p++ = '"';
  out.commit(p);
}

template <int kWidth>
void render_decimal(TextBuffer& out, const Field& field, const ArrayView& array, int64_t row) {
  char* p = out.reserve(kMaxDecimalText);
  if (!array.is_valid(row)) return out.commit(static_cast<char*>(std::memcpy(p, "null", 4)) + 4);
  out.commit(write_decimal(p, array.fixed_bytes(row, kWidth), kWidth, field.type.scale));
}

}  // namespace

CellRenderer cell_renderer_for(const Field& field) {
  const arrow::DataType& type = field.type;
  switch (type.id) {
    case TypeId::kInt:
      if (type.is_signed) {
        if (type.bit_width == 32) return render_integer<int32_t>;
        if (type.bit_width == 64) return render_integer<int64_t>;
        if (type.bit_width == 16) return render_integer<int16_t>;
        return render_integer<int8_t>;
      }
      break;
    case TypeId::kFloat:
      if (type.bit_width == 64) return render_floating<double>;
      if (type.bit_width == 32) return render_floating<float>;
      break;
    case TypeId::kTimestamp:
      if (type.time_unit == arrow::TimeUnit::kMicro) {
        return type.timezone.empty() ? render_timestamp<arrow::TimeUnit::kMicro, false>
                                     : render_timestamp<arrow::TimeUnit::kMicro, true>;
      }
      break;
    case TypeId::kDecimal:
      if (type.bit_width == 128) return render_decimal<16>;
      break;
    default:
      break;
  }
  return static_cast<CellRenderer>(append_json_value);
}

void append_json_double(std::string& out, double value) {
  char text[kMaxFloatText];
  out.append(text, write_json_floating(text, value));
}
void append_json_float(std::string& out, float value) {
  char text[kMaxFloatText];
  out.append(text, write_json_floating(text, value));
}
void append_json_double(TextBuffer& out, double value) { append_json_floating(out, value); }
void append_json_float(TextBuffer& out, float value) { append_json_floating(out, value); }

void append_json_value(std::string& out, const Field& field, const ArrayView& array, int64_t row) {
  thread_local TextBuffer buffer;
  buffer.clear();
  append_json_value(buffer, field, array, row);
  out.append(buffer.view());
}

void append_json_value(TextBuffer& out, const Field& field, const ArrayView& array, int64_t row) {
  if (!array.is_valid(row)) {
    out.append("null");
    return;
  }
  const arrow::DataType& type = field.type;
  switch (type.id) {
    case TypeId::kNull:
      return out.append("null");
    case TypeId::kBool:
      return array.bit(row) ? out.append("true") : out.append("false");
    case TypeId::kInt:
      return append_int_cell(out, type, array, row);
    case TypeId::kFloat:
      return append_float_cell(out, type.bit_width, array, row);
    case TypeId::kDecimal: {
      const int width = type.bit_width / 8;
      char* p = out.reserve(kMaxDecimalText);
      out.commit(write_decimal(p, array.fixed_bytes(row, width), width, type.scale));
      return;
    }
    case TypeId::kUtf8:
    case TypeId::kLargeUtf8:
      return out.append_json_string(array.bytes(row));
    case TypeId::kBinary:
    case TypeId::kLargeBinary:
    case TypeId::kFixedSizeBinary:
      return out.append_base64_string(type.id == TypeId::kFixedSizeBinary
                                          ? fixed_binary(array, row, type.fixed_size)
                                          : array.bytes(row));
    case TypeId::kDate:
    case TypeId::kTimestamp:
    case TypeId::kTime:
    case TypeId::kDuration:
    case TypeId::kInterval:
      return append_temporal_cell(out, type, array, row);
    case TypeId::kList:
    case TypeId::kLargeList: {
      const auto [begin, end] = array.range(row);
      return append_list(out, field.children[0], array.children[0], begin, end);
    }
    case TypeId::kFixedSizeList: {
      const int64_t begin = (array.offset + row) * type.fixed_size;
      return append_list(out, field.children[0], array.children[0], begin, begin + type.fixed_size);
    }
    case TypeId::kMap:
      return append_map(out, field, array, row);
    case TypeId::kStruct:
      if (is_variant_field(field)) {
        // A struct's offset applies to its children; the variant's are never null.
        const int64_t child_row = array.offset + row;
        append_variant_json(out, array.children[0].bytes(child_row),
                            array.children[1].bytes(child_row));
        return;
      }
      return append_struct(out, field, array, row);
  }
}

}  // namespace lakegate::format
