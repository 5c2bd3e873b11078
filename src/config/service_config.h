// One configured service, in the seed's shape: {name, label, type, config:
// {...}}. Validated once at load (config/load_config.h); every field has a
// comment and a default. Secrets (access_token) are never logged or echoed.
#pragma once

#include <string>

namespace lakegate::config {

struct ServiceConfig {
  std::string name;   // URL segment: /api/v2/{name}; [_0-9a-zA-Z-.]+. Required.
  std::string label;  // Display name. Default: name.
  std::string type;   // "spark" or "databricks". Required.
  std::string
      workspace_url;  // sc://host:port/;params, https://host, thrift://, http(s)://.../cliservice.
  std::string http_path;      // SQL Warehouse path; selects the HiveServer2 Thrift protocol.
  std::string cluster_id;     // Databricks all-purpose cluster; selects Spark Connect.
  std::string access_token;   // Bearer token (secret). Default: none.
  std::string catalog;        // Default catalog for two-part and one-part names. Default: none.
  std::string schema;         // Default schema for one-part names. Default: none.
  int timeout_seconds = 120;  // Per-request limit; the operation is interrupted after it.
  bool use_unity_catalog = false;  // Run as the caller's own Databricks identity.
  std::string protocol;    // Override: spark_connect | sql_warehouse | thrift. Default: derived.
  std::string ca_file;     // PEM file of CA certificates for TLS. Default: system roots.
  std::string user_id;     // Spark Connect user_id. Default: "lakegate".
  int pool_size = 4;       // Sessions kept per service. Default: 4.
  int max_records = 1000;  // Cap on rows a table read returns. Default: 1000.
  // Requests of this service running at once; more wait in its queue.
  // Default: 16.
  int max_concurrent_requests = 16;
  // Requests waiting beyond that; one more is answered 503 with Retry-After
  // at once. Default: 256.
  int max_queued_requests = 256;
  // How long a Delta table's current version, once looked up (DESCRIBE
  // HISTORY), pins reads without asking Spark again; writes through this
  // lakegate drop it at once. 0: look it up on every read. Default: 1000.
  int version_ttl_ms = 1000;
  // DreamFactory's service cache: answers of reads (`_table` GETs, and
  // `_query` of callers held to read-only SQL) kept in memory and served
  // without Spark. Keys name the statement, its bound values, the caller's
  // effective policy and the Delta version read, so a hit never crosses
  // roles and never shows a Delta table older than version_ttl_ms; other
  // answers live cache_ttl seconds. Not with use_unity_catalog (Databricks
  // decides per caller what it sees). Default: off.
  bool cache_enabled = false;
  int cache_ttl = 300;    // seconds an answer is kept at most. Default: 300.
  int cache_max_mb = 64;  // memory of the service's cache. Default: 64.

  bool operator==(const ServiceConfig&) const = default;
};

}  // namespace lakegate::config
