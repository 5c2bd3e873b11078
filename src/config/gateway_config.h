// The whole lakegate configuration file (lakegate.yaml; JSON is accepted too
// since it is YAML): where to listen, HTTP limits, and the services in the
// seed's shape. Loaded and validated once at start by load_config(); a bad
// file fails with a message naming the exact key (e.g.
// "services[1].config.timeout: expected a positive integer").
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/service_config.h"
#include "util/result.h"

namespace lakegate::config {

struct HttpLimits {
  uint64_t max_body_bytes = 8 << 20;     // Request bodies over this get 413. Default: 8 MiB.
  uint32_t max_header_bytes = 16 << 10;  // Request headers over this get 431. Default: 16 KiB.
  int read_timeout_seconds = 30;         // Time to receive one request. Default: 30.
  int idle_timeout_seconds = 60;         // Keep-alive idle time before close. Default: 60.
  int max_connections = 256;             // Concurrent connections. Default: 256.
  int shutdown_grace_seconds = 20;  // In-flight requests get this long on SIGTERM. Default: 20.
};

struct GatewayConfig {
  std::string listen = "127.0.0.1:8080";  // HOST:PORT to serve on. Default: 127.0.0.1:8080.
  HttpLimits http;                        // Limits of the HTTP listener.
  std::vector<ServiceConfig> services;    // At least one. Names are unique.

  const ServiceConfig* find_service(const std::string& name) const;
};

// Looks up an environment variable; returns nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// Parses and validates configuration text. `${VAR}` (or `${VAR:-default}`)
// inside any string value is replaced from `env`; an unset variable without a
// default is an error naming the key.
Result<GatewayConfig> parse_config(const std::string& text, const EnvLookup& env);

// Reads `path` and calls parse_config with the process environment.
Result<GatewayConfig> load_config(const std::string& path);

// Splits "host:port" ("[::1]:8080" too); port must be 0..65535.
Result<std::pair<std::string, uint16_t>> split_host_port(const std::string& listen);

}  // namespace lakegate::config
