// Text forms of Arrow date, time, timestamp, duration and interval values, as
// lakegate renders them (DESIGN.md §4). Each write_* function writes bare
// text (no quotes) at `p`, at most kMaxTemporalText bytes, and returns the
// end; the append_* forms append the same text to a std::string.
//
// Rules (deterministic, proleptic Gregorian calendar, no leap seconds):
//  * date: YYYY-MM-DD. Years 0..9999 are four digits; later years are
//    written "+" and all digits ("+10000-01-01"), earlier ones "-" and at
//    least four digits ("-0001-12-31"; year 0 is "0000").
//  * timestamp: <date>THH:MM:SS, then a fraction only when non-zero: six
//    digits for units up to microseconds, nine for nanoseconds; then
//    "+00:00" when the type has a time zone (Arrow stores UTC instants). This
//    matches Python's datetime.isoformat() for microsecond values.
//  * time of day: HH:MM:SS with the same fraction rule.
//  * durations and intervals: ISO 8601 "PnYnMnDTnHnMnS". Zero parts are
//    left out; seconds carry a fraction of up to nine digits with trailing
//    zeros dropped ("PT4.5S"). A Duration folds whole days into D; day-time
//    and month-day-nano intervals keep their days and time apart
//    ("PT25H" stays). Months fold into years (14 → "P1Y2M").
//    When every non-zero part is negative the text is "-P…" with magnitudes;
//    with mixed signs each part carries its own sign ("P1M-2D"). Zero is
//    "P0M" for a year-month interval and "PT0S" for everything else.
#pragma once

#include <cstdint>
#include <string>

#include "core/record_batch.h"

namespace lakegate::format {

inline constexpr size_t kMaxTemporalText = 128;

// Days since 1970-01-01.
char* write_date(char* p, int64_t days);
// `value` in `unit` since the epoch (UTC); `with_offset` appends "+00:00".
char* write_timestamp(char* p, int64_t value, arrow::TimeUnit unit, bool with_offset);
// `value` in `unit` since midnight.
char* write_time_of_day(char* p, int64_t value, arrow::TimeUnit unit);
// An Arrow Duration (Spark DayTimeInterval arrives as microseconds).
char* write_duration(char* p, int64_t value, arrow::TimeUnit unit);
// An Arrow Interval(YEAR_MONTH): a number of months.
char* write_year_month_interval(char* p, int64_t months);
// An Arrow Interval(DAY_TIME) or Interval(MONTH_DAY_NANO).
char* write_month_day_nano_interval(char* p, int64_t months, int64_t days, int64_t nanos);

inline void append_date(std::string& out, int64_t days) {
  char text[kMaxTemporalText];
  out.append(text, write_date(text, days));
}

inline void append_timestamp(std::string& out, int64_t value, arrow::TimeUnit unit,
                             bool with_offset) {
  char text[kMaxTemporalText];
  out.append(text, write_timestamp(text, value, unit, with_offset));
}
inline void append_time_of_day(std::string& out, int64_t value, arrow::TimeUnit unit) {
  char text[kMaxTemporalText];
  out.append(text, write_time_of_day(text, value, unit));
}
inline void append_duration(std::string& out, int64_t value, arrow::TimeUnit unit) {
  char text[kMaxTemporalText];
  out.append(text, write_duration(text, value, unit));
}
inline void append_year_month_interval(std::string& out, int64_t months) {
  char text[kMaxTemporalText];
  out.append(text, write_year_month_interval(text, months));
}
inline void append_month_day_nano_interval(std::string& out, int64_t months, int64_t days,
                                           int64_t nanos) {
  char text[kMaxTemporalText];
  out.append(text, write_month_day_nano_interval(text, months, days, nanos));
}

}  // namespace lakegate::format
