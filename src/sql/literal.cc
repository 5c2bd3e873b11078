// The audited literal renderer and marker scanner (literal.h). Every change
// here must keep tests/unit/hive_thrift/literal_roundtrip_test.cc passing
// against the real Spark.
#include "sql/literal.h"

#include <charconv>
#include <cmath>
#include <map>

namespace lakegate::sql {
namespace {

bool valid_utf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    size_t extra;
    uint32_t code_point;
    if (byte < 0x80) {
      ++i;
      continue;
    } else if ((byte & 0xE0) == 0xC0) {
      extra = 1;
      code_point = byte & 0x1F;
    } else if ((byte & 0xF0) == 0xE0) {
      extra = 2;
      code_point = byte & 0x0F;
    } else if ((byte & 0xF8) == 0xF0) {
      extra = 3;
      code_point = byte & 0x07;
    } else {
      return false;
    }
    if (i + extra >= text.size()) return false;  // truncated sequence
    for (size_t k = 1; k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code_point = (code_point << 6) | (next & 0x3F);
    }
    if ((extra == 1 && code_point < 0x80) || (extra == 2 && code_point < 0x800) ||
        (extra == 3 && (code_point < 0x10000 || code_point > 0x10FFFF)) ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

bool is_identifier_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_identifier_char(char c) {
  return is_identifier_start(c) || (c >= '0' && c <= '9');
}

}  // namespace

Result<std::string> string_literal(std::string_view utf8) {
  if (!valid_utf8(utf8)) {
    return Error(ErrorCode::kBadRequest, "a string parameter is not valid UTF-8");
  }
  std::string out;
  out.reserve(utf8.size() + 2);
  out.push_back('\'');
  char previous = '\0';
  for (char c : utf8) {
    // "${" starts a variable Spark substitutes anywhere in the statement
    // text, even inside literals: "$\{" unescapes to "${" without matching.
    if (c == '\\' || c == '\'' || (c == '{' && previous == '$')) out.push_back('\\');
    out.push_back(c);
    previous = c;
  }
  out.push_back('\'');
  return out;
}

std::string binary_literal(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "X'";
  out.reserve(bytes.size() * 2 + 3);
  for (unsigned char byte : bytes) {
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 15]);
  }
  out.push_back('\'');
  return out;
}

std::string bigint_literal(int64_t value) {
  std::string digits = std::to_string(value) + "L";
  return value < 0 ? "(" + digits + ")" : digits;
}

std::string double_literal(double value) {
  if (std::isnan(value)) return "CAST('NaN' AS DOUBLE)";
  if (std::isinf(value))
    return value > 0 ? "CAST('Infinity' AS DOUBLE)" : "CAST('-Infinity' AS DOUBLE)";
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  std::string digits(buffer, end);
  // Spark's DOUBLE_LITERAL needs a digit before any exponent ("1e+300D" is
  // fine; "inf" cannot occur here).
  digits += "D";
  return std::signbit(value) ? "(" + digits + ")" : digits;
}

Result<std::string> decimal_literal(std::string_view text) {
  auto malformed = [&] {
    return Error(ErrorCode::kBadRequest,
                 "'" + std::string(text.substr(0, 60)) + "' is not a decimal number");
  };
  std::string_view rest = text;
  bool negative = false;
  if (!rest.empty() && (rest.front() == '-' || rest.front() == '+')) {
    negative = rest.front() == '-';
    rest.remove_prefix(1);
  }
  std::string integer, fraction;
  while (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') {
    integer.push_back(rest.front());
    rest.remove_prefix(1);
  }
  if (!rest.empty() && rest.front() == '.') {
    rest.remove_prefix(1);
    while (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') {
      fraction.push_back(rest.front());
      rest.remove_prefix(1);
    }
  }
  if (integer.empty() && fraction.empty()) return malformed();
  int64_t exponent = 0;
  if (!rest.empty() && (rest.front() == 'e' || rest.front() == 'E')) {
    rest.remove_prefix(1);
    auto [end, ec] = std::from_chars(rest.data() + (!rest.empty() && rest.front() == '+'),
                                     rest.data() + rest.size(), exponent);
    if (ec != std::errc() || end != rest.data() + rest.size() || exponent > 100 ||
        exponent < -100) {
      return malformed();
    }
    rest = {};
  }
  if (!rest.empty()) return malformed();
  // Apply the exponent by moving the point.
  std::string digits = integer + fraction;
  int64_t point = static_cast<int64_t>(integer.size()) + exponent;
  if (point < 0) {
    digits.insert(0, static_cast<size_t>(-point), '0');
    point = 0;
  }
  if (point > static_cast<int64_t>(digits.size())) {
    digits.append(static_cast<size_t>(point - static_cast<int64_t>(digits.size())), '0');
  }
  std::string integer_part = digits.substr(0, static_cast<size_t>(point));
  std::string fraction_part = digits.substr(static_cast<size_t>(point));
  size_t first = integer_part.find_first_not_of('0');
  integer_part = first == std::string::npos ? "0" : integer_part.substr(first);
  const size_t significant = integer_part == "0" ? 0 : integer_part.size();
  size_t fraction_significant = fraction_part.size();
  if (significant == 0) {
    size_t nonzero = fraction_part.find_first_not_of('0');
    fraction_significant = nonzero == std::string::npos ? 0 : fraction_part.size() - nonzero;
  }
  if (significant + fraction_part.size() > 38 || (significant == 0 && fraction_part.size() > 38) ||
      fraction_significant > 38) {
    return Error(ErrorCode::kUnsupportedType,
                 "decimal parameter has more than 38 digits of precision");
  }
  std::string out = negative ? "(-" : "";
  out += integer_part;
  if (!fraction_part.empty()) out += "." + fraction_part;
  out += "BD";
  if (negative) out += ")";
  return out;
}

std::string boolean_literal(bool value) {
  return value ? "TRUE" : "FALSE";
}

Result<std::vector<Marker>> find_markers(std::string_view sql) {
  std::vector<Marker> markers;
  size_t i = 0;
  const size_t n = sql.size();
  auto unterminated = [](const char* what) {
    return Error(ErrorCode::kBadRequest, std::string("the SQL has an unterminated ") + what);
  };
  while (i < n) {
    const char c = sql[i];
    if (c == '\'' || c == '"' ||
        ((c == 'r' || c == 'R') && i + 1 < n && (sql[i + 1] == '\'' || sql[i + 1] == '"') &&
         (i == 0 || !is_identifier_char(sql[i - 1])))) {
      const bool raw = c == 'r' || c == 'R';
      const char quote = raw ? sql[i + 1] : c;
      i += raw ? 2 : 1;
      while (i < n && sql[i] != quote) i += (!raw && sql[i] == '\\') ? 2 : 1;
      if (i >= n) return unterminated("string literal");
      ++i;
    } else if (c == '`') {
      ++i;
      while (true) {
        if (i >= n) return unterminated("quoted identifier");
        if (sql[i] == '`') {
          if (i + 1 < n && sql[i + 1] == '`') {
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        ++i;
      }
    } else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
      while (i < n && sql[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
      int depth = 0;
      do {
        if (i + 1 < n && sql[i] == '/' && sql[i + 1] == '*') {
          ++depth;
          i += 2;
        } else if (i + 1 < n && sql[i] == '*' && sql[i + 1] == '/') {
          --depth;
          i += 2;
        } else if (i >= n) {
          return unterminated("comment");
        } else {
          ++i;
        }
      } while (depth > 0);
    } else if (c == '?') {
      markers.push_back({i, 1, {}});
      ++i;
    } else if (c == ':' && i + 1 < n && sql[i + 1] == ':') {
      i += 2;  // a :: cast
    } else if (c == ':' && i + 1 < n && is_identifier_start(sql[i + 1]) &&
               (i == 0 || sql[i - 1] != ':')) {
      size_t end = i + 1;
      while (end < n && is_identifier_char(sql[end])) ++end;
      markers.push_back({i, end - i, std::string(sql.substr(i + 1, end - i - 1))});
      i = end;
    } else {
      ++i;
    }
  }
  return markers;
}

Result<std::string> substitute_markers(
    std::string_view sql, const std::vector<std::string>& positional,
    const std::vector<std::pair<std::string, std::string>>& named) {
  if (positional.empty() && named.empty()) return std::string(sql);
  if (!positional.empty() && !named.empty()) {
    return Error(ErrorCode::kBadRequest, "use either positional or named parameters, not both");
  }
  auto markers = find_markers(sql);
  if (!markers) return markers.error();
  std::map<std::string, const std::string*, std::less<>> by_name;
  for (const auto& [name, literal] : named) {
    by_name[name.starts_with(":") ? name.substr(1) : name] = &literal;
  }
  std::string out;
  out.reserve(sql.size() + 16 * (positional.size() + named.size()));
  size_t copied = 0;
  size_t next_positional = 0;
  for (const Marker& marker : *markers) {
    const std::string* literal = nullptr;
    if (marker.name.empty()) {
      if (positional.empty()) continue;
      if (next_positional >= positional.size()) {
        return Error(ErrorCode::kBadRequest, "the SQL has more '?' markers than the " +
                                                 std::to_string(positional.size()) +
                                                 " parameters given");
      }
      literal = &positional[next_positional++];
    } else {
      if (named.empty()) continue;
      auto found = by_name.find(marker.name);
      if (found == by_name.end()) {
        return Error(ErrorCode::kBadRequest, "no value for the parameter :" + marker.name);
      }
      literal = found->second;
    }
    out.append(sql.substr(copied, marker.offset - copied));
    out.append(*literal);
    copied = marker.offset + marker.length;
  }
  if (next_positional != positional.size()) {
    return Error(ErrorCode::kBadRequest,
                 "the SQL has " + std::to_string(next_positional) + " '?' markers but " +
                     std::to_string(positional.size()) + " parameters were given");
  }
  out.append(sql.substr(copied));
  return out;
}

}  // namespace lakegate::sql
