#include "backend/spark_error_text.h"

#include <algorithm>
#include <cctype>

namespace lakegate::backend {

std::string_view trim_whitespace(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

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

}  // namespace lakegate::backend
