#include "backend/hive_thrift/text_values.h"

namespace lakegate::backend::hive_thrift {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Reads 1..max_digits digits from the front of `text`.
bool take_number(std::string_view& text, int64_t& value, size_t min_digits, size_t max_digits) {
  size_t count = 0;
  value = 0;
  while (count < text.size() && count < max_digits && is_digit(text[count])) {
    value = value * 10 + (text[count] - '0');
    ++count;
  }
  if (count < min_digits) return false;
  text.remove_prefix(count);
  return true;
}

bool take_char(std::string_view& text, char c) {
  if (text.empty() || text.front() != c) return false;
  text.remove_prefix(1);
  return true;
}

bool valid_day(int64_t year, int64_t month, int64_t day) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return false;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

// [-]yyyy-MM-dd at the front of `text`.
bool take_date(std::string_view& text, int64_t& days) {
  const bool negative = take_char(text, '-');
  if (!negative) take_char(text, '+');
  int64_t year, month, day;
  if (!take_number(text, year, 4, 9) || !take_char(text, '-') || !take_number(text, month, 2, 2) ||
      !take_char(text, '-') || !take_number(text, day, 2, 2)) {
    return false;
  }
  if (negative) year = -year;
  if (!valid_day(year, month, day)) return false;
  days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return true;
}

// HH:mm:ss[.fraction] → microseconds; fraction digits past 6 must be zero.
bool take_time(std::string_view& text, int64_t& micros) {
  int64_t hours, minutes, seconds;
  if (!take_number(text, hours, 1, 2) || !take_char(text, ':') ||
      !take_number(text, minutes, 2, 2) || !take_char(text, ':') ||
      !take_number(text, seconds, 2, 2) || minutes > 59 || seconds > 59) {
    return false;
  }
  int64_t fraction = 0;
  if (take_char(text, '.')) {
    size_t digits = 0;
    while (!text.empty() && is_digit(text.front())) {
      if (digits < 6) {
        fraction = fraction * 10 + (text.front() - '0');
      } else if (text.front() != '0') {
        return false;
      }
      ++digits;
      text.remove_prefix(1);
    }
    if (digits == 0) return false;
    for (size_t i = digits; i < 6; ++i) fraction *= 10;
  }
  micros = ((hours * 60 + minutes) * 60 + seconds) * kMicrosPerSecond + fraction;
  return true;
}

}  // namespace

int64_t days_from_civil(int64_t year, unsigned month, unsigned day) {
  // Howard Hinnant's days_from_civil, proleptic Gregorian.
  year -= month <= 2;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const unsigned year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<int64_t>(day_of_era) - 719468;
}

bool parse_decimal(std::string_view text, int scale, __int128& unscaled) {
  const bool negative = take_char(text, '-');
  if (!negative) take_char(text, '+');
  __int128 digits_value = 0;
  int digit_count = 0;
  int fraction_digits = 0;
  bool seen_point = false;
  bool any_digit = false;
  while (!text.empty() && (is_digit(text.front()) || (text.front() == '.' && !seen_point))) {
    const char c = text.front();
    text.remove_prefix(1);
    if (c == '.') {
      seen_point = true;
      continue;
    }
    any_digit = true;
    if (digits_value != 0 || c != '0') ++digit_count;
    if (digit_count > 38) return false;
    digits_value = digits_value * 10 + (c - '0');
    if (seen_point) ++fraction_digits;
  }
  if (!any_digit) return false;
  int64_t exponent = 0;
  if (!text.empty() && (text.front() == 'e' || text.front() == 'E')) {
    text.remove_prefix(1);
    const bool negative_exponent = take_char(text, '-');
    if (!negative_exponent) take_char(text, '+');
    if (!take_number(text, exponent, 1, 4)) return false;
    if (negative_exponent) exponent = -exponent;
  }
  if (!text.empty()) return false;
  // value = digits_value * 10^(exponent - fraction_digits); want * 10^scale.
  int64_t shift = exponent - fraction_digits + scale;
  while (shift > 0) {
    if (digits_value != 0 && ++digit_count > 38) return false;
    digits_value *= 10;
    --shift;
  }
  while (shift < 0) {
    if (digits_value % 10 != 0) return false;  // would drop a non-zero digit
    digits_value /= 10;
    ++shift;
  }
  unscaled = negative ? -digits_value : digits_value;
  return true;
}

bool parse_date(std::string_view text, int32_t& days) {
  int64_t value;
  if (!take_date(text, value) || !text.empty()) return false;
  days = static_cast<int32_t>(value);
  return true;
}

bool parse_timestamp(std::string_view text, int64_t& micros) {
  int64_t days, time_of_day;
  if (!take_date(text, days)) return false;
  if (!take_char(text, ' ') && !take_char(text, 'T')) return false;
  if (!take_time(text, time_of_day) || !text.empty()) return false;
  micros = days * kMicrosPerDay + time_of_day;
  return true;
}

bool parse_year_month_interval(std::string_view text, int32_t& months) {
  const bool negative = take_char(text, '-');
  int64_t years, rest;
  if (!take_number(text, years, 1, 9) || !take_char(text, '-') || !take_number(text, rest, 1, 2) ||
      !text.empty() || rest > 11) {
    return false;
  }
  const int64_t total = years * 12 + rest;
  if (total > INT32_MAX) return false;
  months = static_cast<int32_t>(negative ? -total : total);
  return true;
}

bool parse_day_time_interval(std::string_view text, int64_t& micros) {
  const bool negative = take_char(text, '-');
  int64_t days, time_of_day;
  if (!take_number(text, days, 1, 9) || !take_char(text, ' ') || !take_time(text, time_of_day) ||
      !text.empty()) {
    return false;
  }
  const int64_t total = days * kMicrosPerDay + time_of_day;
  micros = negative ? -total : total;
  return true;
}

}  // namespace lakegate::backend::hive_thrift
