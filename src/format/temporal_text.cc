#include "format/temporal_text.h"

#include <charconv>
#include <cstring>

namespace lakegate::format {
namespace {

using arrow::TimeUnit;

constexpr char kDigitPairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

char* write2(char* p, uint32_t value) {
  p[0] = kDigitPairs[value * 2];
  p[1] = kDigitPairs[value * 2 + 1];
  return p + 2;
}

// Writes `value` as exactly `digits` decimal digits (zero-padded).
char* write_fixed(char* p, uint64_t value, int digits) {
  for (int k = digits - 1; k >= 0; --k) {
    p[k] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return p + digits;
}

char* write_uint(char* p, uint64_t value) {
  return std::to_chars(p, p + 20, value).ptr;
}

int64_t units_per_second(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kSecond:
      return 1;
    case TimeUnit::kMilli:
      return 1000;
    case TimeUnit::kMicro:
      return 1000000;
    case TimeUnit::kNano:
      return 1000000000;
  }
  return 1;
}

uint64_t magnitude(int64_t value) {
  return value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
}

// Civil date from days since 1970-01-01 (proleptic Gregorian), by counting
// 400-year eras of 146097 days from 0000-03-01, so leap days fall at the end
// of each shifted year.
struct CivilDate {
  int64_t year;
  uint32_t month;
  uint32_t day;
};

CivilDate civil_from_days(int64_t days) {
  const int64_t shifted = days + 719468;  // days since 0000-03-01
  const int64_t era = (shifted >= 0 ? shifted : shifted - 146096) / 146097;
  const auto day_of_era = static_cast<uint32_t>(shifted - era * 146097);
  const uint32_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const uint32_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const uint32_t month_from_march = (5 * day_of_year + 2) / 153;
  const uint32_t day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
  const uint32_t month = month_from_march < 10 ? month_from_march + 3 : month_from_march - 9;
  return {year_of_era + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

char* write_date_uncached(char* p, int64_t days) {
  const CivilDate date = civil_from_days(days);
  if (date.year >= 0 && date.year <= 9999) {
    const auto year = static_cast<uint32_t>(date.year);
    p = write2(write2(p, year / 100), year % 100);
  } else {
    *p++ = date.year < 0 ? '-' : '+';
    const uint64_t year = magnitude(date.year);
    p = year < 10000 ? write_fixed(p, year, 4) : write_uint(p, year);
  }
  *p++ = '-';
  p = write2(p, date.month);
  *p++ = '-';
  return write2(p, date.day);
}

// Consecutive values mostly fall on the same day: remember the last one
// (per thread) and copy its ten characters instead of recomputing them.
char* write_date_cached(char* p, int64_t days) {
  struct Cache {
    int64_t days = INT64_MIN;
    char text[10];
  };
  thread_local Cache cache;
  if (days == cache.days) {
    std::memcpy(p, cache.text, 10);
    return p + 10;
  }
  char* end = write_date_uncached(p, days);
  if (end - p == 10) {
    cache.days = days;
    std::memcpy(cache.text, p, 10);
  }
  return end;
}

// ".ffffff" (units up to micros) or ".fffffffff" (nanos), only when non-zero.
char* write_fraction(char* p, uint64_t fraction, TimeUnit unit) {
  if (fraction == 0) return p;
  *p++ = '.';
  if (unit == TimeUnit::kNano) return write_fixed(p, fraction, 9);
  return write_fixed(p, fraction * static_cast<uint64_t>(1000000 / units_per_second(unit)), 6);
}

char* write_clock(char* p, uint64_t hours, uint32_t seconds_of_hour) {
  p = hours < 100 ? write2(p, static_cast<uint32_t>(hours)) : write_uint(p, hours);
  *p++ = ':';
  p = write2(p, seconds_of_hour / 60);
  *p++ = ':';
  return write2(p, seconds_of_hour % 60);
}

template <int64_t kPerSecond>
char* write_timestamp_in(char* p, int64_t value) {
  constexpr int64_t kPerDay = kPerSecond * 86400;
  int64_t days = value / kPerDay;
  int64_t rest = value % kPerDay;
  if (rest < 0) rest += kPerDay, days -= 1;
  const auto seconds = static_cast<uint32_t>(rest / kPerSecond);
  p = write_date_cached(p, days);
  *p++ = 'T';
  p = write_clock(p, seconds / 3600, seconds % 3600);
  const auto fraction = static_cast<uint32_t>(rest % kPerSecond);
  if (fraction == 0) return p;
  *p++ = '.';
  if constexpr (kPerSecond == 1000000000) {
    return write_fixed(p, fraction, 9);
  } else {
    const uint32_t micros = fraction * static_cast<uint32_t>(1000000 / kPerSecond);
    return write2(write2(write2(p, micros / 10000), micros / 100 % 100), micros % 100);
  }
}

// One ISO 8601 duration, from parts given as sign + magnitude.
struct IsoParts {
  bool months_negative = false;
  uint64_t months = 0;
  bool days_negative = false;
  uint64_t days = 0;
  bool time_negative = false;
  uint64_t seconds = 0;
  uint32_t nanos = 0;
};

char* write_iso(char* p, const IsoParts& parts, std::string_view zero) {
  const bool has_months = parts.months != 0;
  const bool has_days = parts.days != 0;
  const bool has_time = parts.seconds != 0 || parts.nanos != 0;
  if (!has_months && !has_days && !has_time) {
    std::memcpy(p, zero.data(), zero.size());
    return p + zero.size();
  }
  const bool all_negative = (!has_months || parts.months_negative) &&
                            (!has_days || parts.days_negative) &&
                            (!has_time || parts.time_negative);
  if (all_negative) *p++ = '-';
  *p++ = 'P';
  const auto part = [&](bool negative, uint64_t value, char designator) {
    if (value == 0) return;
    if (negative && !all_negative) *p++ = '-';
    p = write_uint(p, value);
    *p++ = designator;
  };
  part(parts.months_negative, parts.months / 12, 'Y');
  part(parts.months_negative, parts.months % 12, 'M');
  part(parts.days_negative, parts.days, 'D');
  if (has_time) {
    *p++ = 'T';
    part(parts.time_negative, parts.seconds / 3600, 'H');
    part(parts.time_negative, parts.seconds % 3600 / 60, 'M');
    const uint64_t seconds = parts.seconds % 60;
    if (seconds != 0 || parts.nanos != 0) {
      if (parts.time_negative && !all_negative) *p++ = '-';
      p = write_uint(p, seconds);
      if (parts.nanos != 0) {
        uint32_t fraction = parts.nanos;
        int digits = 9;
        while (fraction % 10 == 0) fraction /= 10, --digits;
        *p++ = '.';
        p = write_fixed(p, fraction, digits);
      }
      *p++ = 'S';
    }
  }
  return p;
}

// Splits a signed count of nanoseconds into the time part of `parts`.
void set_time_from_nanos(IsoParts& parts, int64_t nanos) {
  const uint64_t total = magnitude(nanos);
  parts.time_negative = nanos < 0;
  parts.seconds = total / 1000000000;
  parts.nanos = static_cast<uint32_t>(total % 1000000000);
}

}  // namespace

char* write_date(char* p, int64_t days) {
  return write_date_cached(p, days);
}

char* write_timestamp(char* p, int64_t value, TimeUnit unit, bool with_offset) {
  switch (unit) {  // constant divisors: no 64-bit division instructions
    case TimeUnit::kSecond:
      p = write_timestamp_in<1>(p, value);
      break;
    case TimeUnit::kMilli:
      p = write_timestamp_in<1000>(p, value);
      break;
    case TimeUnit::kMicro:
      p = write_timestamp_in<1000000>(p, value);
      break;
    case TimeUnit::kNano:
      p = write_timestamp_in<1000000000>(p, value);
      break;
  }
  if (with_offset) {
    std::memcpy(p, "+00:00", 6);
    p += 6;
  }
  return p;
}

char* write_time_of_day(char* p, int64_t value, TimeUnit unit) {
  const auto per_second = static_cast<uint64_t>(units_per_second(unit));
  const uint64_t total = magnitude(value);
  const uint64_t seconds = total / per_second;
  if (value < 0) *p++ = '-';
  p = write_clock(p, seconds / 3600, static_cast<uint32_t>(seconds % 3600));
  return write_fraction(p, total % per_second, unit);
}

char* write_duration(char* p, int64_t value, TimeUnit unit) {
  const auto per_second = static_cast<uint64_t>(units_per_second(unit));
  const uint64_t total = magnitude(value);
  IsoParts parts;
  parts.days_negative = parts.time_negative = value < 0;
  const uint64_t seconds = total / per_second;
  parts.days = seconds / 86400;
  parts.seconds = seconds % 86400;
  parts.nanos = static_cast<uint32_t>(total % per_second * (1000000000 / per_second));
  return write_iso(p, parts, "PT0S");
}

char* write_year_month_interval(char* p, int64_t months) {
  IsoParts parts;
  parts.months_negative = months < 0;
  parts.months = magnitude(months);
  return write_iso(p, parts, "P0M");
}

char* write_month_day_nano_interval(char* p, int64_t months, int64_t days, int64_t nanos) {
  IsoParts parts;
  parts.months_negative = months < 0;
  parts.months = magnitude(months);
  parts.days_negative = days < 0;
  parts.days = magnitude(days);
  set_time_from_nanos(parts, nanos);
  return write_iso(p, parts, "PT0S");
}

}  // namespace lakegate::format
