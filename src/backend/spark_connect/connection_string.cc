#include "backend/spark_connect/connection_string.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "backend/spark_connect/uuid.h"
#include "lakegate_version.h"
#include "util/ascii.h"

namespace lakegate::backend::spark_connect {
namespace {

Error bad_config(std::string message) {
  return Error(ErrorCode::kBadConfig, std::move(message));
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes a parameter value. The error names the key only.
Result<std::string> percent_decode(std::string_view key, std::string_view value) {
  std::string decoded;
  decoded.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '%') {
      decoded.push_back(value[i]);
      continue;
    }
    int high = i + 2 < value.size() ? hex_digit(value[i + 1]) : -1;
    int low = i + 2 < value.size() ? hex_digit(value[i + 2]) : -1;
    if (high < 0 || low < 0) {
      return bad_config("connection string parameter '" + std::string(key) +
                        "' has an invalid %-escape");
    }
    decoded.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return decoded;
}

Result<int> parse_port(std::string_view text) {
  int port = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || port < 1 ||
      port > 65535) {
    return bad_config("port '" + std::string(text) + "' is not a number in 1..65535");
  }
  return port;
}

// Parses "host", "host:port", "[v6]" or "[v6]:port" into `endpoint`.
Status parse_authority(std::string_view authority, Endpoint& endpoint) {
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad_config("unterminated '[' in the host");
    host = authority.substr(1, close - 1);
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return bad_config("unexpected text after ']' in the host");
      port = rest.substr(1);
      if (port.empty()) return bad_config("empty port after ':'");
    }
  } else {
    size_t colon = authority.rfind(':');
    if (colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
      if (port.empty()) return bad_config("empty port after ':'");
    }
  }
  if (host.empty()) return bad_config("the host is empty");
  for (char c : host) {
    if (c == '@' || c == ' ' || c == '/' || c == '?' || c == '#') {
      return bad_config("the host contains an invalid character");
    }
  }
  endpoint.host = std::string(host);
  if (!port.empty()) {
    auto parsed = parse_port(port);
    if (!parsed) return parsed.error();
    endpoint.port = *parsed;
  }
  return ok_status();
}

bool valid_metadata_key(std::string_view key) {
  return !key.empty() && std::all_of(key.begin(), key.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '.';
  });
}

Status apply_parameter(std::string_view key, std::string value, Endpoint& endpoint,
                       bool& tls_explicit) {
  if (key == "token") {
    endpoint.token = std::move(value);
  } else if (key == "use_ssl") {
    std::string lower = util::ascii_lower(value);
    if (lower != "true" && lower != "false") return bad_config("use_ssl must be true or false");
    endpoint.use_tls = lower == "true";
    tls_explicit = true;
  } else if (key == "user_id") {
    endpoint.user_id = std::move(value);
  } else if (key == "user_agent") {
    endpoint.user_agent = std::move(value);
  } else if (key == "session_id") {
    if (!is_uuid(value)) return bad_config("session_id must be a UUID");
    endpoint.session_id = util::ascii_lower(value);
  } else if (key == "grpc_max_message_size") {
    int size = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), size);
    if (value.empty() || ec != std::errc() || end != value.data() + value.size() || size < 1) {
      return bad_config("grpc_max_message_size must be a positive number of bytes");
    }
    endpoint.max_message_bytes = size;
  } else {
    std::string header = util::ascii_lower(key);
    if (!valid_metadata_key(header)) {
      return bad_config("connection string parameter '" + std::string(key) +
                        "' is not a valid gRPC metadata key");
    }
    for (char c : value) {
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7E) {
        return bad_config("the value of '" + header + "' must be printable ASCII");
      }
    }
    endpoint.headers.emplace_back(std::move(header), std::move(value));
  }
  return ok_status();
}

void set_header(Endpoint& endpoint, const std::string& key, const std::string& value) {
  for (auto& [name, existing] : endpoint.headers) {
    if (name == key) {
      existing = value;
      return;
    }
  }
  endpoint.headers.emplace_back(key, value);
}

// https://host[:port][/] or http://host[:port][/].
Result<Endpoint> parse_http_url(std::string_view url) {
  Endpoint endpoint;
  bool https = util::starts_with_ignore_case(url, "https://");
  std::string_view rest = url.substr(https ? 8 : 7);
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos && rest.substr(slash) != "/") {
    return bad_config(
        "workspace_url for Spark Connect must have no path (a path such as "
        "/cliservice or http_path selects the Thrift protocol)");
  }
  endpoint.use_tls = https;
  endpoint.port = https ? 443 : kDefaultPort;
  if (auto status = parse_authority(authority, endpoint); !status) return status.error();
  return endpoint;
}

}  // namespace

std::string Endpoint::target() const {
  std::string bracketed = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return bracketed + ":" + std::to_string(port);
}

std::string Endpoint::describe() const {
  std::string text = "sc://" + target() + (use_tls ? " (tls" : " (plaintext");
  if (!token.empty()) text += ", bearer token";
  if (!headers.empty()) {
    text += ", headers:";
    for (size_t i = 0; i < headers.size(); ++i) text += (i ? ", " : " ") + headers[i].first;
  }
  return text + ")";
}

std::string_view Endpoint::header(std::string_view key) const {
  for (const auto& [name, value] : headers) {
    if (name == key) return value;
  }
  return {};
}

Result<Endpoint> parse_connection_string(std::string_view url) {
  if (!util::starts_with_ignore_case(url, "sc://")) {
    return bad_config("a Spark Connect connection string must start with sc://");
  }
  std::string_view rest = url.substr(5);
  size_t authority_end = rest.find_first_of("/;");
  Endpoint endpoint;
  if (auto status = parse_authority(rest.substr(0, authority_end), endpoint); !status) {
    return status.error();
  }
  rest = authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  if (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  if (!rest.empty() && rest.front() != ';') {
    return bad_config("a Spark Connect connection string must have no path before ';'");
  }
  bool tls_explicit = false;
  while (!rest.empty()) {
    rest.remove_prefix(1);  // the ';'
    size_t end = rest.find(';');
    std::string_view parameter = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
    if (parameter.empty()) continue;
    size_t equals = parameter.find('=');
    if (equals == std::string_view::npos || equals == 0) {
      // Only the part before any '=' could name it; it may be a bare secret.
      return bad_config("connection string parameters must be key=value");
    }
    std::string_view key = parameter.substr(0, equals);
    auto value = percent_decode(key, parameter.substr(equals + 1));
    if (!value) return value.error();
    if (auto status = apply_parameter(key, std::move(*value), endpoint, tls_explicit); !status) {
      return status.error();
    }
  }
  if (!tls_explicit && !endpoint.token.empty()) endpoint.use_tls = true;
  return endpoint;
}

Result<Endpoint> endpoint_from_config(const config::ServiceConfig& config) {
  const std::string_view url = util::trim_whitespace(config.workspace_url);
  if (url.empty()) return bad_config("workspace_url is required for Spark Connect");

  Result<Endpoint> parsed = bad_config("");
  if (util::starts_with_ignore_case(url, "sc://")) {
    parsed = parse_connection_string(url);
  } else if (util::starts_with_ignore_case(url, "https://") ||
             util::starts_with_ignore_case(url, "http://")) {
    parsed = parse_http_url(url);
  } else {
    return bad_config("workspace_url must start with sc://, https:// or http:// for Spark Connect");
  }
  if (!parsed) return parsed.error();
  Endpoint endpoint = std::move(*parsed);

  if (!config.access_token.empty()) endpoint.token = config.access_token;
  if (!config.cluster_id.empty())
    set_header(endpoint, "x-databricks-cluster-id", config.cluster_id);
  if (!config.user_id.empty()) endpoint.user_id = config.user_id;
  if (endpoint.user_id.empty()) endpoint.user_id = "lakegate";
  if (!config.ca_file.empty()) endpoint.ca_file = config.ca_file;
  if (endpoint.user_agent.empty()) endpoint.user_agent = "lakegate/" LAKEGATE_VERSION;
  return endpoint;
}

}  // namespace lakegate::backend::spark_connect
