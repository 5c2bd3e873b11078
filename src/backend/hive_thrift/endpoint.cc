#include "backend/hive_thrift/endpoint.h"

#include <charconv>

#include "lakegate_version.h"
#include "util/ascii.h"

namespace lakegate::backend::hive_thrift {
namespace {

Error bad(std::string message) {
  return Error(ErrorCode::kBadConfig, std::move(message));
}

struct ParsedUrl {
  std::string scheme;  // lower-case
  std::string host;
  int port = 0;       // 0: not given
  std::string path;   // with leading '/', or empty
  std::string query;  // after '?' or ';', without it
};

// scheme://host[:port][/path][?query|;params]. No user info (credentials
// belong in access_token, never in a URL that may be logged).
Result<ParsedUrl> parse_url(std::string_view url) {
  ParsedUrl parsed;
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return bad("workspace_url has no scheme://");
  parsed.scheme = util::ascii_lower(url.substr(0, scheme_end));
  std::string_view rest = url.substr(scheme_end + 3);
  size_t authority_end = rest.find_first_of("/?;");
  std::string_view authority = rest.substr(0, authority_end);
  rest = authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) {
    return bad("workspace_url must not carry credentials; use access_token and user_id");
  }
  std::string_view port_text;
  if (authority.starts_with("[")) {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad("workspace_url has an unclosed '['");
    parsed.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (after.starts_with(":")) port_text = after.substr(1);
  } else {
    size_t colon = authority.rfind(':');
    parsed.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (parsed.host.empty()) return bad("workspace_url has no host");
  if (!port_text.empty()) {
    int port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port <= 0 ||
        port > 65535) {
      return bad("workspace_url has an invalid port '" + std::string(port_text) + "'");
    }
    parsed.port = port;
  }
  size_t query_start = rest.find_first_of("?;");
  parsed.path = std::string(rest.substr(0, query_start));
  if (query_start != std::string_view::npos)
    parsed.query = std::string(rest.substr(query_start + 1));
  return parsed;
}

// Value of `key` in "a=1;b=2" or "a=1&b=2" (keys case-insensitive).
std::string query_value(std::string_view query, std::string_view key) {
  while (!query.empty()) {
    size_t end = query.find_first_of("&;");
    std::string_view pair = query.substr(0, end);
    query = end == std::string_view::npos ? std::string_view() : query.substr(end + 1);
    size_t equals = pair.find('=');
    if (equals != std::string_view::npos && util::ascii_lower(pair.substr(0, equals)) == key) {
      return std::string(pair.substr(equals + 1));
    }
  }
  return {};
}

std::string join_path(std::string_view base, std::string_view http_path) {
  std::string path(base);
  while (path.ends_with("/")) path.pop_back();
  if (!http_path.starts_with("/")) path += "/";
  path += http_path;
  return path;
}

}  // namespace

std::string Endpoint::describe() const {
  std::string text;
  if (transport == TransportKind::kBinary) {
    text = "thrift://";
  } else {
    text = use_tls ? "https://" : "http://";
  }
  text += host.find(':') != std::string::npos ? "[" + host + "]" : host;
  text += ":" + std::to_string(port);
  if (transport == TransportKind::kHttp) text += path;
  if (transport == TransportKind::kBinary) {
    text += sasl ? " (sasl plain, user " + user + ")" : " (nosasl)";
  } else if (!bearer_token.empty()) {
    text += " (bearer token)";
  } else {
    text += " (basic auth, user " + user + ")";
  }
  return text;
}

Result<Endpoint> endpoint_from_config(const config::ServiceConfig& config,
                                      std::string_view protocol) {
  if (config.workspace_url.empty()) return bad("workspace_url is required");
  auto url = parse_url(config.workspace_url);
  if (!url) return url.error();
  Endpoint endpoint;
  endpoint.host = url->host;
  endpoint.catalog = config.catalog;
  endpoint.schema = config.schema;
  endpoint.ca_file = config.ca_file;
  endpoint.user_agent = "lakegate/" LAKEGATE_VERSION;
  if (!config.user_id.empty()) endpoint.user = config.user_id;

  if (protocol == "sql_warehouse") {
    if (url->scheme != "https" && url->scheme != "http") {
      return bad("workspace_url of a SQL Warehouse must be https://host[:port]");
    }
    if (config.http_path.empty()) return bad("http_path is required for a SQL Warehouse");
    if (config.access_token.empty()) return bad("access_token is required for a SQL Warehouse");
    endpoint.transport = TransportKind::kHttp;
    endpoint.use_tls = url->scheme == "https";
    endpoint.port = url->port != 0 ? url->port : (endpoint.use_tls ? 443 : 80);
    endpoint.path = join_path(url->path, config.http_path);
    endpoint.bearer_token = config.access_token;
    endpoint.databricks = true;
    return endpoint;
  }
  if (protocol != "thrift") return bad("protocol '" + std::string(protocol) + "' is not Thrift");
  if (url->scheme == "thrift") {
    endpoint.transport = TransportKind::kBinary;
    endpoint.port = url->port != 0 ? url->port : kDefaultBinaryPort;
    std::string auth = util::ascii_lower(query_value(url->query, "auth"));
    if (auth.empty() || auth == "plain" || auth == "none") {
      endpoint.sasl = true;
    } else if (auth == "nosasl") {
      endpoint.sasl = false;
    } else {
      return bad("workspace_url auth='" + auth + "' is not one of plain, nosasl");
    }
    endpoint.password = config.access_token.empty() ? "lakegate" : config.access_token;
    return endpoint;
  }
  if (url->scheme == "http" || url->scheme == "https") {
    endpoint.transport = TransportKind::kHttp;
    endpoint.use_tls = url->scheme == "https";
    endpoint.port = url->port != 0 ? url->port : (endpoint.use_tls ? 443 : 80);
    endpoint.path = url->path.empty() ? "/" : url->path;
    endpoint.password = config.access_token.empty() ? "lakegate" : config.access_token;
    return endpoint;
  }
  return bad("workspace_url scheme '" + url->scheme + "' is not thrift, http or https");
}

}  // namespace lakegate::backend::hive_thrift
