#include "http/error_envelope.h"

#include "util/json_text.h"

namespace lakegate::http {
namespace {

// Writes everything but the closing braces and the context value.
void append_head(std::string& out, int status, std::string_view message, int code) {
  out += "{\"error\":{\"code\":";
  out += std::to_string(code);
  out += ",\"status_code\":";
  out += std::to_string(status);
  out += ",\"message\":";
  util::append_json_string(out, message);
  out += ",\"context\":";
}

}  // namespace

std::string error_envelope(const Error& error) {
  std::string out;
  out.reserve(96 + error.message.size());
  append_head(out, http_status(error.code), error.message, http_status(error.code));
  if (error.context.empty()) {
    out += "null";
  } else {
    out += '{';
    bool first = true;
    for (const auto& [key, value] : error.context) {
      if (!first) out += ',';
      first = false;
      util::append_json_string(out, key);
      out += ':';
      util::append_json_string(out, value);
    }
    out += '}';
  }
  out += "}}";
  return out;
}

std::string error_envelope(int status, std::string_view message) {
  std::string out;
  out.reserve(96 + message.size());
  append_head(out, status, message, status);
  out += "null}}";
  return out;
}

std::string error_envelope(int status, std::string_view message, std::string_view context_json,
                           int code) {
  std::string out;
  out.reserve(96 + message.size() + context_json.size());
  append_head(out, status, message, code);
  out += context_json.empty() ? std::string_view("null") : context_json;
  out += "}}";
  return out;
}

}  // namespace lakegate::http
