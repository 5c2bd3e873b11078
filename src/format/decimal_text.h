// Exact text of Arrow decimals: the little-endian two's complement integer is
// converted to decimal digits with integer arithmetic only (never through
// double), then the decimal point is placed `scale` digits from the right.
// Examples with scale 2: 800 → "8.00", -5 → "-0.05", 0 → "0.00". A negative
// scale appends zeros (123, scale -2 → "12300"). The text is a valid JSON number.
#pragma once

#include <cstdint>
#include <string>

namespace lakegate::format {

// Longest text: 78 digits, a sign, "0." and up to 76 zeros from the scale.
inline constexpr size_t kMaxDecimalText = 160;

// Writes one Decimal32/64/128/256 value (`width` = 4, 8, 16 or 32 bytes at
// `bytes`) at `p` and returns the end. REQUIRES: -76 <= scale <= 76.
char* write_decimal(char* p, const uint8_t* bytes, int width, int scale);

inline void append_decimal(std::string& out, const uint8_t* bytes, int width, int scale) {
  char text[kMaxDecimalText];
  out.append(text, write_decimal(text, bytes, width, scale));
}

}  // namespace lakegate::format
