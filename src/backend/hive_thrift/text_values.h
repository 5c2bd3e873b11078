// Parsers for the text forms in which HiveServer2 (Spark's Thrift server)
// and Spark's to_json deliver values that have no native Thrift type:
//   decimal   "-12.340" (BigDecimal plain or scientific "1.5E+3")
//   date      "2024-02-29"            (proleptic Gregorian, like Spark 3+)
//   timestamp "2024-02-29 12:34:56.789012" or with 'T'; fraction 0-9 digits
//   year-month interval  "1-2", "-0-3"            (Hive style)
//   day-time interval    "1 02:03:04.500000000", "-0 03:00:00.000000000"
// Each returns false on malformed input and never throws. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

namespace lakegate::backend::hive_thrift {

// The unscaled value of `text` at `scale` digits (exact; false if it would
// lose digits or overflow 38 digits).
bool parse_decimal(std::string_view text, int scale, __int128& unscaled);

// Days since 1970-01-01.
bool parse_date(std::string_view text, int32_t& days);

// Microseconds since 1970-01-01T00:00:00 of the wall-clock text (the caller
// applies the zone; sub-microsecond digits must be zero).
bool parse_timestamp(std::string_view text, int64_t& micros);

bool parse_year_month_interval(std::string_view text, int32_t& months);
bool parse_day_time_interval(std::string_view text, int64_t& micros);

// Days since 1970-01-01 of a proleptic Gregorian date.
int64_t days_from_civil(int64_t year, unsigned month, unsigned day);

}  // namespace lakegate::backend::hive_thrift
