#include "catalog/ddl_detection.h"

#include <cctype>

namespace lakegate::catalog {
namespace {

// Skips whitespace and comments from `position`; returns where the first
// token starts (or sql.size()).
size_t skip_blank(std::string_view sql, size_t position) {
  while (position < sql.size()) {
    const char c = sql[position];
    if (std::isspace(static_cast<unsigned char>(c)) || c == ';' || c == '(') {
      ++position;
    } else if (sql.substr(position, 2) == "--") {
      size_t end = sql.find('\n', position);
      position = end == std::string_view::npos ? sql.size() : end + 1;
    } else if (sql.substr(position, 2) == "/*") {
      int depth = 0;
      while (position < sql.size()) {
        if (sql.substr(position, 2) == "/*") {
          ++depth;
          position += 2;
        } else if (sql.substr(position, 2) == "*/") {
          position += 2;
          if (--depth == 0) break;
        } else {
          ++position;
        }
      }
    } else {
      break;
    }
  }
  return position;
}

}  // namespace

std::string_view first_keyword(std::string_view sql, char (&buffer)[16]) {
  size_t position = skip_blank(sql, 0);
  size_t length = 0;
  while (position < sql.size() && length < sizeof(buffer) &&
         std::isalpha(static_cast<unsigned char>(sql[position]))) {
    buffer[length++] = static_cast<char>(std::toupper(static_cast<unsigned char>(sql[position])));
    ++position;
  }
  if (length == sizeof(buffer)) return {};  // no keyword is that long
  return std::string_view(buffer, length);
}

bool changes_metadata(std::string_view sql) {
  static constexpr std::string_view kKeywords[] = {
      "CREATE",  "DROP",    "ALTER",   "REPLACE", "TRUNCATE", "MSCK",   "REFRESH", "USE",
      "COMMENT", "RESTORE", "CONVERT", "GRANT",   "REVOKE",   "UNDROP", "REPAIR",  "SYNC",
  };
  char buffer[16];
  const std::string_view keyword = first_keyword(sql, buffer);
  if (keyword.empty()) return false;
  for (std::string_view candidate : kKeywords) {
    if (keyword == candidate) return true;
  }
  return false;
}

}  // namespace lakegate::catalog
