// Text forms of Thrift values: decimals, dates, timestamps, intervals.
#include "backend/hive_thrift/text_values.h"

#include <gtest/gtest.h>

namespace lakegate::backend::hive_thrift {
namespace {

std::string decimal(std::string_view text, int scale) {
  __int128 value;
  if (!parse_decimal(text, scale, value)) return "invalid";
  bool negative = value < 0;
  unsigned __int128 magnitude = negative ? -static_cast<unsigned __int128>(value) : value;
  std::string digits;
  do {
    digits.insert(digits.begin(), char('0' + int(magnitude % 10)));
    magnitude /= 10;
  } while (magnitude != 0);
  return (negative ? "-" : "") + digits;
}

TEST(TextValues, Decimals) {
  EXPECT_EQ(decimal("12.30", 2), "1230");
  EXPECT_EQ(decimal("-0.01", 2), "-1");
  EXPECT_EQ(decimal("0", 18), "0");
  EXPECT_EQ(decimal("0E-18", 18), "0");
  EXPECT_EQ(decimal("1E+2", 0), "100");
  EXPECT_EQ(decimal("1.5", 3), "1500");
  EXPECT_EQ(decimal("99999999999999999999999999999999999999", 0),
            "99999999999999999999999999999999999999");
  EXPECT_EQ(decimal("-99999999999999999999.999999999999999999", 18),
            "-99999999999999999999999999999999999999");
  EXPECT_EQ(decimal("1.25", 1), "invalid");  // would lose a digit
  EXPECT_EQ(decimal("999999999999999999999999999999999999999", 0), "invalid");
  EXPECT_EQ(decimal("", 0), "invalid");
  EXPECT_EQ(decimal("1.2.3", 0), "invalid");
  EXPECT_EQ(decimal("abc", 0), "invalid");
}

TEST(TextValues, Dates) {
  int32_t days;
  ASSERT_TRUE(parse_date("1970-01-01", days));
  EXPECT_EQ(days, 0);
  ASSERT_TRUE(parse_date("1969-12-31", days));
  EXPECT_EQ(days, -1);
  ASSERT_TRUE(parse_date("2024-02-29", days));
  EXPECT_EQ(days, 19782);
  ASSERT_TRUE(parse_date("0001-01-01", days));
  EXPECT_EQ(days, -719162);
  ASSERT_TRUE(parse_date("9999-12-31", days));
  EXPECT_EQ(days, 2932896);
  ASSERT_TRUE(parse_date("1582-10-05", days));  // proleptic Gregorian: exists
  EXPECT_FALSE(parse_date("2023-02-29", days));
  EXPECT_FALSE(parse_date("2024-13-01", days));
  EXPECT_FALSE(parse_date("2024-1-01", days));
  EXPECT_FALSE(parse_date("2024-01-01x", days));
}

TEST(TextValues, Timestamps) {
  int64_t micros;
  ASSERT_TRUE(parse_timestamp("1970-01-01 00:00:00", micros));
  EXPECT_EQ(micros, 0);
  ASSERT_TRUE(parse_timestamp("2024-02-29 12:34:56.789012", micros));
  EXPECT_EQ(micros, 1709210096789012);
  ASSERT_TRUE(parse_timestamp("2024-02-29T12:34:56.7", micros));
  EXPECT_EQ(micros, 1709210096700000);
  ASSERT_TRUE(parse_timestamp("1969-07-20 20:17:40.123456", micros));
  EXPECT_EQ(micros, -14182939876544);
  ASSERT_TRUE(parse_timestamp("0001-01-01 00:00:00", micros));
  EXPECT_EQ(micros, -62135596800000000);
  ASSERT_TRUE(parse_timestamp("2024-01-01 00:00:00.123456000", micros));
  EXPECT_EQ(micros, 1704067200123456);
  EXPECT_FALSE(parse_timestamp("2024-01-01 00:00:00.1234567", micros));  // sub-µs digit
  EXPECT_FALSE(parse_timestamp("2024-01-01 24:60:00", micros));
  EXPECT_FALSE(parse_timestamp("2024-01-01", micros));
}

TEST(TextValues, Intervals) {
  int32_t months;
  ASSERT_TRUE(parse_year_month_interval("1-2", months));
  EXPECT_EQ(months, 14);
  ASSERT_TRUE(parse_year_month_interval("-0-3", months));
  EXPECT_EQ(months, -3);
  ASSERT_TRUE(parse_year_month_interval("5-0", months));
  EXPECT_EQ(months, 60);
  EXPECT_FALSE(parse_year_month_interval("1-12", months));
  int64_t micros;
  ASSERT_TRUE(parse_day_time_interval("1 02:03:04.500000000", micros));
  EXPECT_EQ(micros, ((26 * 60 + 3) * 60 + 4) * 1000000LL + 500000);
  ASSERT_TRUE(parse_day_time_interval("-0 03:00:00.000000000", micros));
  EXPECT_EQ(micros, -3LL * 3600 * 1000000);
  ASSERT_TRUE(parse_day_time_interval("0 00:00:00.000000000", micros));
  EXPECT_EQ(micros, 0);
  EXPECT_FALSE(parse_day_time_interval("1 2:3", micros));
}

}  // namespace
}  // namespace lakegate::backend::hive_thrift
