// ASCII text helpers shared by every layer: case folding and comparison for
// names that compare case-insensitively (Spark identifiers, HTTP header
// names, emails, RBAC components, type names), and whitespace trimming.
// Non-ASCII bytes pass through unchanged and never match case-insensitively
// with anything but themselves; no function depends on the C locale.
// Header-only; pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace lakegate::util {

// 'A'..'Z' → 'a'..'z'; every other byte unchanged.
constexpr char ascii_lower_char(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// 'a'..'z' → 'A'..'Z'; every other byte unchanged.
constexpr char ascii_upper_char(char c) {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

inline std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = ascii_lower_char(c);
  return out;
}

inline std::string ascii_upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = ascii_upper_char(c);
  return out;
}

// True if `a` and `b` are equal ignoring ASCII case.
constexpr bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t index = 0; index < a.size(); ++index) {
    if (ascii_lower_char(a[index]) != ascii_lower_char(b[index])) return false;
  }
  return true;
}

// True if `text` starts with `prefix`, ignoring ASCII case.
constexpr bool starts_with_ignore_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && equals_ignore_case(text.substr(0, prefix.size()), prefix);
}

// ' ', '\t', '\n', '\v', '\f', '\r' (std::isspace in the "C" locale).
constexpr bool is_ascii_space(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r');
}

// `text` without leading and trailing ASCII whitespace (is_ascii_space).
constexpr std::string_view trim_whitespace(std::string_view text) {
  while (!text.empty() && is_ascii_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_ascii_space(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace lakegate::util
