// Where and how lakegate reaches a HiveServer2 (TCLIService) server, built
// from a ServiceConfig:
//  - sql_warehouse (Databricks SQL Warehouse): workspace_url https://host[:port]
//    plus http_path → POST https://host:port/<http_path>, `Authorization:
//    Bearer <access_token>`, OpenSession with the Databricks protocol version;
//  - thrift, binary: thrift://host[:port][?auth=nosasl|plain] → TCP (default
//    port 10000), SASL PLAIN framing unless auth=nosasl;
//  - thrift, HTTP: http(s)://host[:port]/…/cliservice → POST to that path
//    with `Authorization: Basic user_id:password`, where the password is the
//    access_token (the Spark Thrift Server under auth NONE checks neither,
//    but requires both to be non-empty).
// user_id (default "lakegate") is the SASL/Basic user; catalog and schema
// become the session's initial namespace. Secrets never appear in describe()
// or in an Error. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "config/service_config.h"
#include "util/result.h"

namespace lakegate::backend::hive_thrift {

inline constexpr int kDefaultBinaryPort = 10000;

enum class TransportKind { kBinary, kHttp };

struct Endpoint {
  TransportKind transport = TransportKind::kBinary;
  std::string host;               // DNS name or IP address (IPv6 without brackets).
  int port = kDefaultBinaryPort;  // Default: 10000 binary, 80/443 HTTP.
  std::string path = "/";         // HTTP request path. Default: "/".
  bool use_tls = false;           // https:// (always for sql_warehouse).
  std::string ca_file;            // PEM roots for TLS. Default: system roots.
  bool sasl = true;               // Binary: SASL PLAIN framing (false: NOSASL).
  std::string user = "lakegate";  // SASL PLAIN / Basic user. Default: "lakegate".
  std::string password;           // SASL PLAIN / Basic password (secret).
  std::string bearer_token;       // HTTP Authorization: Bearer (secret).
  bool databricks = false;        // sql_warehouse: Databricks OpenSession fields.
  std::string catalog;            // Initial catalog. Default: the server's.
  std::string schema;             // Initial schema. Default: the server's.
  std::string user_agent;         // HTTP User-Agent. Default: "lakegate/<version>".

  // For logs and test-connection, without secrets, e.g.
  // "https://h:443/sql/1.0/warehouses/x (bearer token)" or
  // "thrift://h:10000 (sasl plain)".
  std::string describe() const;
};

// Builds the endpoint for `protocol` ("sql_warehouse" or "thrift").
// Errors are ErrorCode::kBadConfig and name the config key.
Result<Endpoint> endpoint_from_config(const config::ServiceConfig& config,
                                      std::string_view protocol);

}  // namespace lakegate::backend::hive_thrift
