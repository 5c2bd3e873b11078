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
  int header_timeout_seconds = 10;  // Time to receive a request's headers (slowloris). Default: 10.
  int read_timeout_seconds = 30;    // Time to receive one request. Default: 30.
  int idle_timeout_seconds = 60;    // Keep-alive idle time before close. Default: 60.
  int write_timeout_seconds = 60;   // Time for one write to a client that reads. Default: 60.
  // Open connections (an idle one costs a few KB, no thread). Default: 20000.
  int max_connections = 20000;
  int max_requests_per_connection = 1000;  // Then `Connection: close`. Default: 1000.
  int worker_threads = 64;          // Threads running requests (they wait on Spark). Default: 64.
  int io_threads = 0;               // Event-loop threads; 0 = from the core count. Default: 0.
  int shutdown_grace_seconds = 20;  // In-flight requests get this long on SIGTERM. Default: 20.
};

// Authentication, sessions and secrets.
struct SecurityConfig {
  // false serves everything without credentials; allowed only when `listen`
  // is a loopback address (benchmarks, local experiments). Default: true.
  bool enabled = true;
  std::string master_key_file;  // Used when LAKEGATE_MASTER_KEY is unset. Default: <store
                                // dir>/lakegate.key.
  int jwt_ttl_minutes = 1440;  // Session token lifetime. Default: 1440 (DreamFactory's DF_JWT_TTL).
  // Header carrying the caller's own Databricks token for use_unity_catalog
  // services (else the token stored on the user). Default: X-Databricks-Token.
  std::string unity_catalog_token_header = "X-Databricks-Token";
  int login_free_failures = 5;        // Failed logins before delays start. Default: 5.
  int login_max_delay_seconds = 300;  // Cap of the doubling delay. Default: 300.
  int reload_interval_seconds = 2;    // Poll the store for other nodes' changes. Default: 2.
  // Functions refused in read-only SQL (a `_query` GET grant) besides
  // reflect, java_method and try_reflect, which are always refused; matched
  // case-insensitively in Spark's analyzed and optimized plans. Default: none.
  std::vector<std::string> denied_functions;
};

// Where rate-limit counters live.
struct RateLimitConfig {
  std::string backend = "memory";  // "memory" or "redis://host:port[/db]". Default: memory.
  // Prefix of the Redis keys; give each deployment sharing a Redis database
  // its own. Default: "lakegate:rl:".
  std::string key_prefix = "lakegate:rl:";
};

// The services' result caches (ServiceConfig::cache_enabled) keep each
// answer in this node's memory; with `shared`, also in Redis, where every
// node sharing it finds what any of them stored.
struct ResultCacheConfig {
  std::string shared;  // "" (none) or "redis://host:port[/db]". Default: "".
  // Prefix of the Redis keys; give each deployment sharing a Redis database
  // its own. Default: "lakegate:rc:".
  std::string key_prefix = "lakegate:rc:";
};

struct AuditConfig {
  std::string file;                       // JSON lines file; "" = none. Default: "".
  uint64_t max_file_bytes = 64ull << 20;  // Rotate beyond this. Default: 64 MiB.
  int max_files = 5;                      // Rotated files kept. Default: 5.
  bool to_store = true;         // Keep records in the store (GET /system/audit). Default: true.
  bool include_params = false;  // Record bound parameter values. Default: false.
  // Audit slots: audited requests still running plus records not yet in the
  // file and the store (a failing store keeps its records here). Default: 100 000.
  uint64_t queue_capacity = 100000;
  // How long a request waits for a free slot before it is refused with 503
  // and Retry-After, without running; 0 refuses at once. Default: 2000.
  int full_wait_ms = 2000;
};

// One CORS rule; `origin` "*" matches any origin.
struct CorsRule {
  std::string origin;
  std::vector<std::string> methods = {"GET", "POST", "PUT", "PATCH", "DELETE"};
  std::vector<std::string> headers = {"Content-Type", "X-DreamFactory-API-Key",
                                      "X-DreamFactory-Session-Token", "Authorization"};
  std::vector<std::string> exposed_headers = {"X-Request-Id", "ETag"};
  int max_age_seconds = 600;
  bool allow_credentials = false;
};

// TLS on the listener; both files or neither.
struct TlsConfig {
  std::string cert_file;  // PEM certificate chain. Default: none (plain HTTP).
  std::string key_file;   // PEM private key.
  bool enabled() const { return !cert_file.empty(); }
};

struct GatewayConfig {
  std::string listen = "127.0.0.1:8080";  // HOST:PORT to serve on. Default: 127.0.0.1:8080.
  HttpLimits http;                        // Limits of the HTTP listener.
  std::vector<ServiceConfig> services;    // From the file; more can be added through the admin API.
  std::vector<std::string> service_descriptions;  // Parallel to `services`.
  // System store URL: a SQLite path / sqlite:// URL or postgresql://…
  // Default: sqlite://<config dir>/lakegate.db.
  std::string store;
  SecurityConfig security;
  RateLimitConfig rate_limits;
  ResultCacheConfig result_cache;
  AuditConfig audit;
  std::vector<CorsRule> cors;  // Default: none (no CORS headers).
  TlsConfig tls;
  std::string config_dir = ".";  // Directory of the config file (set by load_config).

  const ServiceConfig* find_service(const std::string& name) const;
};

// Looks up an environment variable; returns nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// Parses and validates configuration text. `${VAR}` (or `${VAR:-default}`)
// inside any string value is replaced from `env`; an unset variable without a
// default is an error naming the key.
Result<GatewayConfig> parse_config(const std::string& text, const EnvLookup& env);

// Validates one service (name syntax, reserved names, type, protocol, URL);
// `path` prefixes error keys. Used for the file and the admin API alike.
Status validate_service(const ServiceConfig& service, const std::string& path);

// Parses one service in the seed's shape ({name, label, type, description,
// is_active, config: {...}}) from JSON text (admin API). No ${VAR}
// substitution: a "${" in a value is refused.
struct ParsedService {
  ServiceConfig config;
  std::string description;
  bool is_active = true;
};
Result<ParsedService> parse_service_json(const std::string& json_text);

// True for 127.0.0.0/8, ::1 and "localhost".
bool is_loopback_host(const std::string& host);

// Reads `path` and calls parse_config with the process environment.
Result<GatewayConfig> load_config(const std::string& path);

// Splits "host:port" ("[::1]:8080" too); port must be 0..65535.
Result<std::pair<std::string, uint16_t>> split_host_port(const std::string& listen);

}  // namespace lakegate::config
