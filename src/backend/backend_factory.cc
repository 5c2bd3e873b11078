#include "backend/backend_factory.h"

#include <string_view>

#include "backend/hive_thrift/hive_thrift_backend.h"
#include "backend/spark_connect/spark_connect_backend.h"
#include "util/ascii.h"
#include "util/blocking_guard.h"

namespace lakegate::backend {
namespace {

// Every protocol's calls wait on the network: on the event loop they refuse
// (util/blocking_guard.h) and the request moves to a worker.
class NonBlockingGuard final : public Backend {
 public:
  explicit NonBlockingGuard(std::unique_ptr<Backend> inner) : inner_(std::move(inner)) {}
  Result<ConnectionInfo> test() override {
    if (!util::may_block()) return util::refuse_blocking("Spark connection test");
    return inner_->test();
  }
  Result<Summary> execute(const Statement& statement, BatchSink& sink,
                          const CancelToken& cancel) override {
    if (!util::may_block()) return util::refuse_blocking("a Spark statement");
    return inner_->execute(statement, sink, cancel);
  }
  void shutdown() override { inner_->shutdown(); }

 private:
  std::unique_ptr<Backend> inner_;
};

// The URL's path, without query or fragment; empty if none.
std::string_view url_path(std::string_view url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  std::string_view rest = url.substr(scheme_end + 3);
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return {};
  std::string_view path = rest.substr(slash);
  return path.substr(0, path.find_first_of("?#"));
}

}  // namespace

Result<std::string> select_protocol(const config::ServiceConfig& config, std::string* reason) {
  auto explain = [reason](std::string text) {
    if (reason != nullptr) *reason = std::move(text);
  };
  if (!config.protocol.empty()) {
    std::string protocol = util::ascii_lower(config.protocol);
    if (protocol != kProtocolSparkConnect && protocol != kProtocolSqlWarehouse &&
        protocol != kProtocolThrift) {
      return Error(ErrorCode::kBadConfig, "protocol '" + config.protocol +
                                              "' is not one of spark_connect, sql_warehouse, "
                                              "thrift");
    }
    explain("protocol " + protocol + " is set explicitly in the service config");
    return protocol;
  }
  if (!config.http_path.empty()) {
    explain("http_path is set, so the service is a SQL Warehouse (HiveServer2 Thrift over HTTP)");
    return std::string(kProtocolSqlWarehouse);
  }
  if (!config.cluster_id.empty()) {
    explain("cluster_id is set, so the service is a Databricks cluster reached over Spark Connect");
    return std::string(kProtocolSparkConnect);
  }
  std::string url = util::ascii_lower(config.workspace_url);
  if (url.starts_with("sc://")) {
    explain("workspace_url is an sc:// connection string, so the protocol is Spark Connect");
    return std::string(kProtocolSparkConnect);
  }
  if (url.starts_with("thrift://")) {
    explain(
        "workspace_url starts with thrift://, so the protocol is the Spark Thrift Server "
        "(HiveServer2 binary)");
    return std::string(kProtocolThrift);
  }
  if (url.starts_with("http://") || url.starts_with("https://")) {
    std::string_view path = url_path(url);
    while (path.ends_with("/")) path.remove_suffix(1);
    if (path.ends_with("/cliservice")) {
      explain(
          "workspace_url ends in /cliservice, so the protocol is the Spark Thrift Server "
          "over HTTP");
      return std::string(kProtocolThrift);
    }
  }
  explain(
      "no http_path, cluster_id or protocol hint in the config, so the default protocol "
      "Spark Connect is used");
  return std::string(kProtocolSparkConnect);
}

Result<std::unique_ptr<Backend>> make_backend(const config::ServiceConfig& config) {
  auto protocol = select_protocol(config, nullptr);
  if (!protocol) return protocol.error();
  if (*protocol == kProtocolSparkConnect) {
    auto backend = spark_connect::SparkConnectBackend::create(config);
    if (!backend) return backend.error();
    return std::unique_ptr<Backend>(std::make_unique<NonBlockingGuard>(std::move(*backend)));
  }
  auto backend = hive_thrift::HiveThriftBackend::create(config, *protocol);
  if (!backend) return backend.error();
  return std::unique_ptr<Backend>(std::make_unique<NonBlockingGuard>(std::move(*backend)));
}

}  // namespace lakegate::backend
