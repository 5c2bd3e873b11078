// Spark SQL identifier quoting, the one rule shared by every layer that
// writes SQL text (catalog/ for metadata statements, sql/ for table
// statements): an identifier is wrapped in backticks and every embedded
// backtick is doubled, so `a``b` names a`b. Any byte sequence is safe to pass;
// Spark (not this function) decides whether the name exists. Header-only so
// that util stays a leaf library.
#pragma once

#include <string>
#include <string_view>

namespace lakegate::util {

// Appends `name` back-quoted to `out`.
inline void append_quoted_identifier(std::string& out, std::string_view name) {
  out.reserve(out.size() + name.size() + 2);
  out.push_back('`');
  for (char c : name) {
    if (c == '`') out.push_back('`');
    out.push_back(c);
  }
  out.push_back('`');
}

// `name` back-quoted: quote_sql_identifier("a`b") == "`a``b`".
inline std::string quote_sql_identifier(std::string_view name) {
  std::string out;
  append_quoted_identifier(out, name);
  return out;
}

}  // namespace lakegate::util
