#include "backend/spark_error_text.h"

#include <algorithm>
#include <cctype>

#include "util/ascii.h"

namespace lakegate::backend {

using util::trim_whitespace;

std::string error_class_in_message(std::string_view message) {
  message = trim_whitespace(message);
  while (!message.empty() && message.front() != '[') {
    const size_t colon = message.find(": ");
    if (colon == std::string_view::npos) return {};
    if (message.substr(0, colon).find(' ') != std::string_view::npos) return {};
    message = trim_whitespace(message.substr(colon + 2));
  }
  if (message.empty()) return {};
  const size_t close = message.find(']');
  if (close == std::string_view::npos || close == 1) return {};
  const std::string_view name = message.substr(1, close - 1);
  const bool valid = std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isupper(c) || std::isdigit(c) || c == '_' || c == '.';
  });
  return valid ? std::string(name) : std::string();
}

bool is_missing_relation(std::string_view error_class, std::string_view sql_state) {
  const std::string_view main_class = error_class.substr(0, error_class.find('.'));
  if (main_class.ends_with("_NOT_FOUND")) {
    for (std::string_view noun :
         {"TABLE", "VIEW", "SCHEMA", "DATABASE", "NAMESPACE", "CATALOG", "PATH"}) {
      if (main_class.find(noun) != std::string_view::npos) return true;
    }
    return false;
  }
  return main_class.empty() && sql_state == "42P01";
}

bool is_write_conflict(std::string_view error_class, std::string_view sql_state) {
  const std::string_view main_class = error_class.substr(0, error_class.find('.'));
  for (std::string_view conflict :
       {"DELTA_CONCURRENT_APPEND", "DELTA_CONCURRENT_DELETE_READ", "DELTA_CONCURRENT_DELETE_DELETE",
        "DELTA_CONCURRENT_TRANSACTION", "DELTA_CONCURRENT_WRITE", "DELTA_METADATA_CHANGED",
        "DELTA_PROTOCOL_CHANGED"}) {
    if (main_class == conflict) return true;
  }
  return main_class.empty() && sql_state == "2D521";
}

}  // namespace lakegate::backend
