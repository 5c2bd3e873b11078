#include "http/request_target.h"

#include <array>
#include <cctype>
#include <random>

namespace lakegate::http {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string to_upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Tunnelled verbs a resource may receive.
bool is_known_verb(std::string_view verb) {
  static constexpr std::array<std::string_view, 6> kVerbs = {"GET",   "POST",   "PUT",
                                                             "PATCH", "DELETE", "HEAD"};
  for (std::string_view known : kVerbs) {
    if (verb == known) return true;
  }
  return false;
}

}  // namespace

bool percent_decode(std::string_view text, bool plus_is_space, std::string& out) {
  out.clear();
  out.reserve(text.size());
  for (size_t index = 0; index < text.size(); ++index) {
    const char c = text[index];
    if (c == '%') {
      if (index + 2 >= text.size()) return false;  // truncated escape
      const int high = hex_value(text[index + 1]);
      const int low = hex_value(text[index + 2]);
      if (high < 0 || low < 0) return false;
      const char decoded = static_cast<char>(high * 16 + low);
      if (decoded == '\0') return false;
      out += decoded;
      index += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return true;
}

Result<RequestTarget> parse_request_target(std::string_view target) {
  // Absolute form: drop "scheme://authority".
  if (const size_t scheme_end = target.find("://");
      scheme_end != std::string_view::npos && target.front() != '/') {
    const size_t path_start = target.find('/', scheme_end + 3);
    target =
        path_start == std::string_view::npos ? std::string_view("/") : target.substr(path_start);
  }
  if (target.empty() || target.front() != '/') {
    return Error(ErrorCode::kBadRequest, "request target must start with '/'");
  }
  RequestTarget result;
  const size_t question = target.find('?');
  result.raw_path = std::string(target.substr(0, question));
  if (!percent_decode(result.raw_path, /*plus_is_space=*/false, result.path)) {
    return Error(ErrorCode::kBadRequest, "invalid percent-encoding in the request path");
  }
  if (question == std::string_view::npos) return result;

  std::string_view rest = target.substr(question + 1);
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t equals = pair.find('=');
    std::string key;
    std::string value;
    if (!percent_decode(pair.substr(0, equals), true, key) ||
        (equals != std::string_view::npos &&
         !percent_decode(pair.substr(equals + 1), true, value))) {
      return Error(ErrorCode::kBadRequest, "invalid percent-encoding in the query string");
    }
    result.query.emplace_back(std::move(key), std::move(value));
  }
  return result;
}

Result<std::string> effective_method(
    std::string_view wire_method, const std::map<std::string, std::string>& headers,
    const std::vector<std::pair<std::string, std::string>>& query) {
  std::string method = to_upper(wire_method);
  if (method != "POST") return method;

  const std::string* tunnelled = nullptr;
  for (const char* name : {"x-http-method", "x-http-method-override", "x-method-override"}) {
    auto it = headers.find(name);
    if (it != headers.end()) {
      tunnelled = &it->second;
      break;
    }
  }
  if (tunnelled == nullptr) {
    for (const auto& [key, value] : query) {
      if (key == "method") {
        tunnelled = &value;
        break;
      }
    }
  }
  if (tunnelled == nullptr || tunnelled->empty()) return method;

  std::string verb = to_upper(*tunnelled);
  if (verb == "MERGE") verb = "PATCH";
  if (!is_known_verb(verb)) {
    return Error(ErrorCode::kBadRequest, "unsupported tunnelled method: " + *tunnelled);
  }
  return verb;
}

bool is_sane_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok =
        std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string new_request_id() {
  thread_local std::mt19937_64 generator{[] {
    std::random_device device;
    return (static_cast<uint64_t>(device()) << 32) ^ device();
  }()};
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t bits = generator();
  std::string id(16, '0');
  for (char& c : id) {
    c = kHex[bits & 0xF];
    bits >>= 4;
  }
  return id;
}

}  // namespace lakegate::http
