// ASCII case helpers for names that compare case-insensitively (Spark
// identifiers, HTTP header names, emails, RBAC components). Non-ASCII bytes
// pass through unchanged.
#pragma once

#include <string>
#include <string_view>

namespace lakegate::util {

inline std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace lakegate::util
