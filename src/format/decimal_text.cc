#include "format/decimal_text.h"

#include <charconv>
#include <cstring>

namespace lakegate::format {
namespace {

constexpr uint64_t kTenPow19 = 10000000000000000000ull;

// Decimal digits of the unsigned integer held in `limbs` (little-endian
// 64-bit limbs, `count` of them); the limbs are consumed. Returns the end.
char* write_big_unsigned(char* p, uint64_t* limbs, int count) {
  // Peel off base-10^19 chunks, least significant first.
  uint64_t chunks[5];
  int chunk_count = 0;
  while (count > 0 && limbs[count - 1] == 0) --count;
  while (count > 0) {
    unsigned __int128 remainder = 0;
    for (int k = count - 1; k >= 0; --k) {
      const unsigned __int128 current = (remainder << 64) | limbs[k];
      limbs[k] = static_cast<uint64_t>(current / kTenPow19);
      remainder = current % kTenPow19;
    }
    chunks[chunk_count++] = static_cast<uint64_t>(remainder);
    while (count > 0 && limbs[count - 1] == 0) --count;
  }
  if (chunk_count == 0) {
    *p++ = '0';
    return p;
  }
  p = std::to_chars(p, p + 20, chunks[chunk_count - 1]).ptr;
  for (int k = chunk_count - 2; k >= 0; --k) {
    uint64_t chunk = chunks[k];
    for (int d = 18; d >= 0; --d) {
      p[d] = static_cast<char>('0' + chunk % 10);
      chunk /= 10;
    }
    p += 19;
  }
  return p;
}

}  // namespace

char* write_decimal(char* p, const uint8_t* bytes, int width, int scale) {
  // The magnitude's digits are written at p + 1 (room for a sign), then the
  // sign and the decimal point are put in place with short byte moves.
  char* const start = p;
  char* const digits = p + 1;
  char* end = digits;
  bool negative = false;
  const int limb_count = width / 8;
  if (width <= 8) {
    int64_t value;
    if (width == 4) {
      int32_t narrow;
      std::memcpy(&narrow, bytes, 4);
      value = narrow;
    } else {
      std::memcpy(&value, bytes, 8);
    }
    negative = value < 0;
    const uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(value) : value;
    end = std::to_chars(digits, digits + 20, magnitude).ptr;
  } else {
    uint64_t limbs[4];
    std::memcpy(limbs, bytes, static_cast<size_t>(width));
    negative = (limbs[limb_count - 1] >> 63) != 0;
    bool fits_int64 = true;
    const uint64_t extension = static_cast<uint64_t>(static_cast<int64_t>(limbs[0]) >> 63);
    for (int k = 1; k < limb_count; ++k) fits_int64 = fits_int64 && limbs[k] == extension;
    if (fits_int64) {
      const auto value = static_cast<int64_t>(limbs[0]);
      const uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(value) : limbs[0];
      end = std::to_chars(digits, digits + 20, magnitude).ptr;
    } else {
      if (negative) {  // two's complement negation across limbs
        unsigned carry = 1;
        for (int k = 0; k < limb_count; ++k) {
          limbs[k] = ~limbs[k] + carry;
          carry = carry && limbs[k] == 0;
        }
      }
      end = write_big_unsigned(digits, limbs, limb_count);
    }
  }
  const int digit_count = static_cast<int>(end - digits);
  const bool is_zero = digit_count == 1 && digits[0] == '0';
  // Drop the sign slot when positive: shift the digits one to the left.
  if (negative && !is_zero) {
    *start = '-';
  } else {
    for (int k = 0; k < digit_count; ++k) start[k] = digits[k];
    --end;
  }
  char* const first = end - digit_count;
  if (scale <= 0) {
    if (is_zero) return end;
    std::memset(end, '0', size_t(-scale));
    return end - scale;
  }
  if (digit_count > scale) {  // "123" scale 2 → "1.23"
    for (int k = 0; k < scale; ++k) end[-k] = end[-k - 1];
    end[-scale] = '.';
    return end + 1;
  }
  // "5" scale 3 → "0.005": move the digits right, then fill "0." and zeros.
  const int shift = 2 + scale - digit_count;
  for (int k = digit_count - 1; k >= 0; --k) first[k + shift] = first[k];
  first[0] = '0';
  first[1] = '.';
  for (int k = 2; k < shift; ++k) first[k] = '0';
  return end + shift;
}

}  // namespace lakegate::format
