// Picks the protocol of a configured service and builds its Backend. The
// rule mirrors the seed: an explicit `protocol` wins; `http_path` → SQL
// Warehouse (HiveServer2 Thrift over HTTP); `cluster_id` or an sc:// URL →
// Spark Connect; thrift://… or http(s)://…/cliservice → Spark Thrift Server;
// anything else → Spark Connect. Pure apart from make_backend's channel
// creation; thread-safe.
#pragma once

#include <memory>
#include <string>

#include "core/backend.h"
#include "config/service_config.h"
#include "util/result.h"

namespace lakegate::backend {

inline constexpr const char* kProtocolSparkConnect = "spark_connect";
inline constexpr const char* kProtocolSqlWarehouse = "sql_warehouse";
inline constexpr const char* kProtocolThrift = "thrift";

// The protocol for `config`: "spark_connect", "sql_warehouse" or "thrift".
// An unknown explicit `protocol` is kBadConfig. If `reason` is not null it
// receives one sentence explaining the choice (for `lakegate
// test-connection`); it never contains secrets.
Result<std::string> select_protocol(const config::ServiceConfig& config, std::string* reason);

// Builds the backend for `config`: spark_connect/ for Spark Connect,
// hive_thrift/ for sql_warehouse and thrift.
Result<std::unique_ptr<Backend>> make_backend(const config::ServiceConfig& config);

}  // namespace lakegate::backend
