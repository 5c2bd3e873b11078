// Where and how lakegate reaches a Spark Connect server. An Endpoint comes
// either from a Spark Connect connection string
//   sc://host[:port]/;token=…;use_ssl=true;user_id=…;session_id=…;x-any=…
// or from a ServiceConfig (sc:// URL, or a Databricks https:// workspace plus
// cluster_id). Every parameter that is not reserved is sent as gRPC metadata
// on every call, with its key lower-cased.
//
// Transport security: `use_ssl` decides when given; otherwise a `token` in the
// connection string turns TLS on (the connection-string spec), and a
// Databricks https:// workspace is always TLS. A bearer token over plaintext
// is allowed on purpose: OSS Spark 4.0 servers check `authorization: Bearer`
// but have no TLS settings, so a token-protected local server needs
// `sc://host:15002/;token=…;use_ssl=false` (or access_token in the config).
//
// Secrets: the token and header values never appear in an Error message or
// in describe(). Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/service_config.h"
#include "util/result.h"

namespace lakegate::backend::spark_connect {

inline constexpr int kDefaultPort = 15002;
inline constexpr int kDefaultMaxMessageBytes = 256 * 1024 * 1024;

struct Endpoint {
  std::string host;         // DNS name or IP address (IPv6 without brackets).
  int port = kDefaultPort;  // Default: 15002 (443 for https://).
  bool use_tls = false;     // Default: false, see the header comment.
  std::string token;        // Bearer token (secret). Default: none.
  std::string user_id;      // UserContext.user_id. Default: "lakegate".
  std::string session_id;   // Fixed session id (UUID). Default: one per pooled session.
  std::string user_agent;   // Sent as client_type. Default: "lakegate/<version>".
  std::string ca_file;      // PEM roots for TLS. Default: system roots.
  int max_message_bytes = kDefaultMaxMessageBytes;  // Receive limit. Default: 256 MiB.
  // Extra metadata on every call (keys lower-case); values may be secret.
  std::vector<std::pair<std::string, std::string>> headers;

  // "host:port" ("[::1]:port" for IPv6), the gRPC target.
  std::string target() const;
  // For logs and test-connection: scheme, target and which credentials are
  // used, never their values, e.g. "sc://h:443 (tls, bearer token, headers:
  // x-databricks-cluster-id)".
  std::string describe() const;
  // Value of header `key` (lower-case), or empty.
  std::string_view header(std::string_view key) const;
};

// Parses a connection string. Errors are ErrorCode::kBadConfig.
Result<Endpoint> parse_connection_string(std::string_view url);

// Builds the endpoint of a Spark Connect service:
//  - workspace_url sc://… → as parsed;
//  - https://host[:port] (Databricks) → TLS, port 443 unless given;
//    http://host[:port] → plaintext, port 15002 unless given;
//  - access_token → bearer token (wins over a token in the URL);
//  - cluster_id → header x-databricks-cluster-id;
//  - user_id → UserContext.user_id (wins over the URL's); ca_file → TLS roots.
Result<Endpoint> endpoint_from_config(const config::ServiceConfig& config);

}  // namespace lakegate::backend::spark_connect
