// Cell rendering on hand-built arrays: the cases pyarrow cannot produce
// (year-month and day-time intervals, dates and timestamps outside Python's
// range, Decimal32/64, negative scales) and the exact text rules.
#include "format/json_value.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "format/decimal_text.h"
#include "format/temporal_text.h"

namespace lakegate::format {
namespace {

using arrow::ArrayView;
using arrow::DataType;
using arrow::Field;
using arrow::TimeUnit;
using arrow::TypeId;

// Keeps the bytes alive for the view.
struct Column {
  std::vector<uint8_t> bytes;
  ArrayView view;
  Field field;
};

template <typename T>
Column column(DataType type, const std::vector<T>& values) {
  Column c;
  c.bytes.resize(values.size() * sizeof(T));
  std::memcpy(c.bytes.data(), values.data(), c.bytes.size());
  c.view.length = static_cast<int64_t>(values.size());
  c.view.values = c.bytes;
  c.field.type = std::move(type);
  return c;
}

std::vector<std::string> render(const Column& c) {
  std::vector<std::string> out;
  for (int64_t row = 0; row < c.view.length; ++row) {
    std::string text;
    append_json_value(text, c.field, c.view, row);
    out.push_back(text);
  }
  return out;
}

DataType type_of(TypeId id) {
  DataType type;
  type.id = id;
  return type;
}

TEST(JsonValue, YearMonthIntervals) {
  DataType type = type_of(TypeId::kInterval);
  type.interval_unit = arrow::IntervalUnit::kYearMonth;
  const auto c = column<int32_t>(type, {0, 14, -14, 12, 1, -1, INT32_MIN});
  EXPECT_EQ(render(c), (std::vector<std::string>{"\"P0M\"", "\"P1Y2M\"", "\"-P1Y2M\"", "\"P1Y\"",
                                                 "\"P1M\"", "\"-P1M\"", "\"-P178956970Y8M\""}));
}

TEST(JsonValue, DayTimeIntervals) {
  DataType type = type_of(TypeId::kInterval);
  type.interval_unit = arrow::IntervalUnit::kDayTime;
  auto c = column<int32_t>(type, {1, 3600000, 0, -1500, 1, -1, 0, 0, 2, 90000000});
  c.view.length = 5;  // (days, millis) pairs
  EXPECT_EQ(render(c), (std::vector<std::string>{"\"P1DT1H\"", "\"-PT1.5S\"", "\"P1DT-0.001S\"",
                                                 "\"PT0S\"", "\"P2DT25H\""}));
}

TEST(JsonValue, DurationsAndMonthDayNano) {
  std::string out;
  append_duration(out, 93784500000, TimeUnit::kMicro);
  EXPECT_EQ(out, "P1DT2H3M4.5S");
  out.clear();
  append_duration(out, -7200000000, TimeUnit::kMicro);
  EXPECT_EQ(out, "-PT2H");
  out.clear();
  append_duration(out, INT64_MIN, TimeUnit::kSecond);
  EXPECT_EQ(out, "-P106751991167300DT15H30M8S");
  out.clear();
  append_month_day_nano_interval(out, 1, 2, 1000);
  EXPECT_EQ(out, "P1M2DT0.000001S");
  out.clear();
  append_month_day_nano_interval(out, 1, -2, 0);
  EXPECT_EQ(out, "P1M-2D");
}

TEST(JsonValue, DatesOutsideFourDigitYears) {
  std::string out;
  for (const int64_t days : {int64_t{2932896}, int64_t{2932897}, int64_t{-719528}, int64_t{-719529},
                             int64_t{INT32_MIN}, int64_t{INT32_MAX}}) {
    append_date(out, days);
    out.push_back(' ');
  }
  EXPECT_EQ(out, "9999-12-31 +10000-01-01 0000-01-01 -0001-12-31 -5877641-06-23 +5881580-07-11 ");
}

TEST(JsonValue, TimestampExtremes) {
  std::string out;
  append_timestamp(out, INT64_MIN, TimeUnit::kMicro, true);
  EXPECT_EQ(out, "-290308-12-21T19:59:05.224192+00:00");
  out.clear();
  append_timestamp(out, INT64_MAX, TimeUnit::kMicro, false);
  EXPECT_EQ(out, "+294247-01-10T04:00:54.775807");
  out.clear();
  append_timestamp(out, INT64_MIN, TimeUnit::kNano, false);
  EXPECT_EQ(out, "1677-09-21T00:12:43.145224192");
  out.clear();
  append_timestamp(out, -1, TimeUnit::kSecond, true);
  EXPECT_EQ(out, "1969-12-31T23:59:59+00:00");
  out.clear();
  append_timestamp(out, INT64_MAX, TimeUnit::kSecond, false);  // any text, no overflow
  EXPECT_EQ(out.front(), '+');
  out.clear();
  append_time_of_day(out, -1500, TimeUnit::kMilli);
  EXPECT_EQ(out, "-00:00:01.500000");
}

TEST(JsonValue, DecimalsOfEveryWidth) {
  auto text = [](const void* bytes, int width, int scale) {
    std::string out;
    append_decimal(out, static_cast<const uint8_t*>(bytes), width, scale);
    return out;
  };
  const int32_t d32 = -5;
  EXPECT_EQ(text(&d32, 4, 2), "-0.05");
  const int64_t d64 = 800;
  EXPECT_EQ(text(&d64, 8, 2), "8.00");
  EXPECT_EQ(text(&d64, 8, -2), "80000");
  const int64_t zero = 0;
  EXPECT_EQ(text(&zero, 8, -3), "0");
  EXPECT_EQ(text(&zero, 8, 3), "0.000");
  // 2^127 - 1 and -2^127 as Decimal128.
  uint64_t max128[2] = {~0ull, ~0ull >> 1};
  EXPECT_EQ(text(max128, 16, 0), "170141183460469231731687303715884105727");
  uint64_t min128[2] = {0, 1ull << 63};
  EXPECT_EQ(text(min128, 16, 38), "-1.70141183460469231731687303715884105728");
  // -2^255 as Decimal256.
  uint64_t min256[4] = {0, 0, 0, 1ull << 63};
  EXPECT_EQ(text(min256, 32, 0),
            "-57896044618658097711785492504343953926634992332820282019728792003956564819968");
  // 10^19 exactly crosses a chunk boundary.
  uint64_t ten19[2] = {10000000000000000000ull, 0};
  EXPECT_EQ(text(ten19, 16, 1), "1000000000000000000.0");
  uint64_t big[2] = {0, 1};  // 2^64
  EXPECT_EQ(text(big, 16, 0), "18446744073709551616");
}

TEST(JsonValue, FloatingPointText) {
  auto text = [](double value) {
    std::string out;
    append_json_double(out, value);
    return out;
  };
  EXPECT_EQ(text(0.1), "0.1");
  EXPECT_EQ(text(100.0), "100");
  EXPECT_EQ(text(1e16), "1e+16");
  EXPECT_EQ(text(1e-7), "1e-07");
  EXPECT_EQ(text(-0.0), "-0");
  EXPECT_EQ(text(std::nan("")), "\"NaN\"");
  EXPECT_EQ(text(-INFINITY), "\"-Infinity\"");
  std::string single;
  append_json_float(single, 0.1f);
  EXPECT_EQ(single, "0.1");
}

TEST(JsonValue, NullsAndOffsets) {
  auto c = column<int32_t>(type_of(TypeId::kInt), {1, 2, 3, 4});
  c.field.type.bit_width = 32;
  const uint8_t validity = 0b1011;
  c.view.validity = &validity;
  c.view.null_count = 1;
  EXPECT_EQ(render(c), (std::vector<std::string>{"1", "2", "null", "4"}));
  c.view.offset = 1;
  c.view.length = 3;
  EXPECT_EQ(render(c), (std::vector<std::string>{"2", "null", "4"}));
  Column nulls;
  nulls.view.length = 2;
  nulls.view.all_null = true;
  EXPECT_EQ(render(nulls), (std::vector<std::string>{"null", "null"}));
}

}  // namespace
}  // namespace lakegate::format
