#include "config/gateway_config.h"

#include <gtest/gtest.h>

#include <map>

namespace lakegate::config {
namespace {

EnvLookup env_of(std::map<std::string, std::string> values) {
  return [values](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

Result<GatewayConfig> parse(const std::string& text, std::map<std::string, std::string> env = {}) {
  return parse_config(text, env_of(std::move(env)));
}

// The seed's JSON service examples paste in unchanged.
TEST(GatewayConfig, AcceptsSeedServiceExamplesVerbatim) {
  auto config = parse(R"({
    "listen": "127.0.0.1:9090",
    "services": [
      {"name": "databricks_cluster", "label": "Databricks All-Purpose Cluster", "type": "databricks",
       "config": {"workspace_url": "https://dbc-4420a00f-0690.cloud.databricks.com",
                  "cluster_id": "0123-456789-abcdefgh", "access_token": "dapi3803e6505c625b359aa7b12059b267fb",
                  "catalog": "hive_metastore", "schema": "default", "timeout": 180}},
      {"name": "spark_cluster", "label": "Production Spark Cluster", "type": "spark",
       "config": {"workspace_url": "sc://spark-master.internal:15002", "access_token": "spark-auth-token",
                  "catalog": "default", "schema": "analytics", "timeout": 120}}
    ]})");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->listen, "127.0.0.1:9090");
  ASSERT_EQ(config->services.size(), 2u);
  const ServiceConfig& cluster = config->services[0];
  EXPECT_EQ(cluster.type, "databricks");
  EXPECT_EQ(cluster.cluster_id, "0123-456789-abcdefgh");
  EXPECT_EQ(cluster.timeout_seconds, 180);
  EXPECT_EQ(cluster.catalog, "hive_metastore");
  EXPECT_EQ(config->find_service("spark_cluster")->workspace_url,
            "sc://spark-master.internal:15002");
  EXPECT_EQ(config->find_service("nope"), nullptr);
}

TEST(GatewayConfig, YamlWithDefaults) {
  auto config = parse(R"(
services:
  - name: local
    type: spark
    config:
      workspace_url: sc://127.0.0.1:15002
)");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->listen, "127.0.0.1:8080");
  const ServiceConfig& s = config->services[0];
  EXPECT_EQ(s.label, "local");
  EXPECT_EQ(s.timeout_seconds, 120);
  EXPECT_EQ(s.max_records, 1000);
  EXPECT_FALSE(s.use_unity_catalog);
  EXPECT_FALSE(s.cache_enabled);
  EXPECT_EQ(s.cache_ttl, 300);
  EXPECT_EQ(config->http.max_body_bytes, 8u << 20);
  EXPECT_EQ(config->audit.queue_capacity, 100000u);
  EXPECT_EQ(config->audit.full_wait_ms, 2000);
  EXPECT_EQ(s.max_concurrent_requests, 16);
  EXPECT_EQ(s.max_queued_requests, 256);
  EXPECT_EQ(s.version_ttl_ms, 1000);
  EXPECT_EQ(config->http.max_connections, 20000);
  EXPECT_EQ(config->http.header_timeout_seconds, 10);
  EXPECT_EQ(config->http.max_requests_per_connection, 1000);
  EXPECT_EQ(config->http.worker_threads, 64);
}

TEST(GatewayConfig, ConnectionAndWorkLimits) {
  auto config = parse(R"(
listen: 127.0.0.1:8080
http:
  header_timeout_seconds: 2
  write_timeout_seconds: 7
  max_connections: 50000
  max_requests_per_connection: 3
  worker_threads: 8
  io_threads: 2
services:
  - name: local
    type: spark
    config:
      workspace_url: sc://127.0.0.1:15002
      max_concurrent_requests: 1
      max_queued_requests: 0
      version_ttl_ms: 0
      cache_enabled: true
      cache_ttl: 30
      cache_max_mb: 8
)");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->http.header_timeout_seconds, 2);
  EXPECT_EQ(config->http.write_timeout_seconds, 7);
  EXPECT_EQ(config->http.max_connections, 50000);
  EXPECT_EQ(config->http.max_requests_per_connection, 3);
  EXPECT_EQ(config->http.worker_threads, 8);
  EXPECT_EQ(config->http.io_threads, 2);
  EXPECT_EQ(config->services[0].max_concurrent_requests, 1);
  EXPECT_EQ(config->services[0].max_queued_requests, 0);
  EXPECT_EQ(config->services[0].version_ttl_ms, 0);
  EXPECT_TRUE(config->services[0].cache_enabled);
  EXPECT_EQ(config->services[0].cache_ttl, 30);
  EXPECT_EQ(config->services[0].cache_max_mb, 8);
  auto bad = parse(R"(
services:
  - name: local
    type: spark
    config: {workspace_url: "sc://h:1", max_concurrent_requests: 0}
)");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("services[0].config.max_concurrent_requests"),
            std::string::npos)
      << bad.error().message;
}

TEST(GatewayConfig, SubstitutesEnvironmentVariables) {
  auto config = parse(R"(
services:
  - name: s
    type: spark
    config: {workspace_url: "sc://${HOST}:${PORT:-15002}", access_token: "${TOKEN}"}
)",
                      {{"HOST", "10.0.0.1"}, {"TOKEN", "secret"}});
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->services[0].workspace_url, "sc://10.0.0.1:15002");
  EXPECT_EQ(config->services[0].access_token, "secret");
}

TEST(GatewayConfig, UnsetVariableNamesTheKey) {
  auto config = parse(R"(
services:
  - name: s
    type: spark
    config: {workspace_url: "sc://h:1", access_token: "${MISSING_TOKEN}"}
)");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().code, ErrorCode::kBadConfig);
  EXPECT_NE(config.error().message.find("services[0].config.access_token"), std::string::npos);
  EXPECT_NE(config.error().message.find("MISSING_TOKEN"), std::string::npos);
}

struct BadCase {
  const char* text;
  const char* key;
};

class GatewayConfigErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(GatewayConfigErrors, NamesTheExactKey) {
  auto config = parse(GetParam().text);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().context_value("key"), GetParam().key) << config.error().message;
  EXPECT_EQ(config.error().message.rfind(GetParam().key, 0), 0u) << config.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, GatewayConfigErrors,
    ::testing::Values(
        BadCase{"services: {a: 1}", "services"},
        BadCase{"security: {enabled: false}\nlisten: 0.0.0.0:8080", "security.enabled"},
        BadCase{"security: {jwt_ttl_minutes: 0}", "security.jwt_ttl_minutes"},
        BadCase{"rate_limits: {backend: memcached}", "rate_limits.backend"},
        BadCase{"audit: {max_files: 0}", "audit.max_files"},
        BadCase{"audit: {queue_capacity: 0}", "audit.queue_capacity"},
        BadCase{"audit: {full_wait_ms: -1}", "audit.full_wait_ms"},
        BadCase{"audit: {full_wait_ms: 60001}", "audit.full_wait_ms"},
        BadCase{"audit: {on_full: drop}", "audit.on_full"},
        BadCase{"cors: [{methods: [GET]}]", "cors[0].origin"},
        BadCase{"cors: [{origin: '*', allow_credentials: true}]", "cors[0].allow_credentials"},
        BadCase{"tls: {cert_file: a.pem}", "tls"},
        BadCase{"security: {colour: blue}", "security.colour"},
        BadCase{"listen: nope\nservices: [{name: a, type: spark, config: {workspace_url: sc://h}}]",
                "listen"},
        BadCase{"services: [{name: a, type: spark, config: {workspace_url: sc://h, timeout: abc}}]",
                "services[0].config.timeout"},
        BadCase{"services: [{name: a, type: spark, config: {workspace_url: sc://h, timeout: 0}}]",
                "services[0].config.timeout"},
        BadCase{"services: [{name: a, type: spark, config: {workspace_url: sc://h, tiemout: 5}}]",
                "services[0].config.tiemout"},
        BadCase{"services: [{name: a, type: hadoop, config: {workspace_url: sc://h}}]",
                "services[0].type"},
        BadCase{"services: [{name: 'a b', type: spark, config: {workspace_url: sc://h}}]",
                "services[0].name"},
        BadCase{"services: [{type: spark, config: {workspace_url: sc://h}}]", "services[0].name"},
        BadCase{"services: [{name: a, type: spark}]", "services[0].config"},
        BadCase{"services: [{name: a, type: spark, config: {catalog: x}}]",
                "services[0].config.workspace_url"},
        BadCase{"services: [{name: a, type: spark, config: {workspace_url: sc://h, "
                "use_unity_catalog: maybe}}]",
                "services[0].config.use_unity_catalog"},
        BadCase{
            "services: [{name: a, type: spark, config: {workspace_url: sc://h, protocol: odbc}}]",
            "services[0].config.protocol"},
        BadCase{"services: [{name: a, type: spark, config: {workspace_url: sc://h, "
                "cache_enabled: true, use_unity_catalog: true}}]",
                "services[0].config.cache_enabled"},
        BadCase{"services: [{name: a, type: spark, config: {workspace_url: sc://h, cache_ttl: 0}}]",
                "services[0].config.cache_ttl"},
        BadCase{"result_cache: {shared: \"memcached://h:1\"}", "result_cache.shared"},
        BadCase{"result_cache: {shared: \"redis://h:1\", key_prefix: \"\"}",
                "result_cache.key_prefix"},
        BadCase{"result_cache: {sharde: \"redis://h:1\"}", "result_cache.sharde"},
        BadCase{
            "services: [{name: a, type: spark, config: {workspace_url: sc://h, cache_max_mb: 0}}]",
            "services[0].config.cache_max_mb"},
        BadCase{"services: [{name: a, type: databricks, config: {workspace_url: sc://h, "
                "cluster_id: c}}]",
                "services[0].config.workspace_url"},
        BadCase{"services:\n - {name: a, type: spark, config: {workspace_url: sc://h}}\n"
                " - {name: a, type: spark, config: {workspace_url: sc://h}}",
                "services[1].name"},
        BadCase{"services: [{name: a, type: spark, config: {workspace_url: sc://h}}]\nextra: 1",
                "extra"},
        BadCase{"http: {max_body_bytes: -1}\nservices: [{name: a, type: spark, config: "
                "{workspace_url: sc://h}}]",
                "http.max_body_bytes"}));

TEST(GatewayConfig, InvalidYamlIsAnError) {
  auto config = parse("services: [unclosed");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().code, ErrorCode::kBadConfig);
}

TEST(SplitHostPort, Forms) {
  auto a = split_host_port("127.0.0.1:8080");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->first, "127.0.0.1");
  EXPECT_EQ(a->second, 8080);
  auto b = split_host_port("[::1]:0");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->first, "::1");
  EXPECT_FALSE(split_host_port("8080").ok());
  EXPECT_FALSE(split_host_port("h:99999").ok());
}

}  // namespace
}  // namespace lakegate::config

namespace lakegate::config {
namespace {

TEST(GatewayConfigSecurity, ReadsEverySection) {
  auto config = parse(R"(
listen: 127.0.0.1:9000
store: postgresql://lakegate@127.0.0.1:5432/lakegate
security: {enabled: false, jwt_ttl_minutes: 30, unity_catalog_token_header: X-UC-Token,
           login_free_failures: 3, login_max_delay_seconds: 60, reload_interval_seconds: 5}
rate_limits: {backend: "redis://127.0.0.1:6379/2"}
audit: {file: /tmp/audit.log, max_file_bytes: 10000, max_files: 3, include_params: true,
        queue_capacity: 50, full_wait_ms: 0}
cors: [{origin: "https://app.example.com", methods: [GET], allow_credentials: true}]
tls: {cert_file: c.pem, key_file: k.pem}
)");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_TRUE(config->services.empty());
  EXPECT_EQ(config->store, "postgresql://lakegate@127.0.0.1:5432/lakegate");
  EXPECT_FALSE(config->security.enabled);
  EXPECT_EQ(config->security.jwt_ttl_minutes, 30);
  EXPECT_EQ(config->security.unity_catalog_token_header, "X-UC-Token");
  EXPECT_EQ(config->security.login_free_failures, 3);
  EXPECT_EQ(config->rate_limits.backend, "redis://127.0.0.1:6379/2");
  EXPECT_EQ(config->audit.max_files, 3);
  EXPECT_TRUE(config->audit.include_params);
  EXPECT_EQ(config->audit.queue_capacity, 50u);
  EXPECT_EQ(config->audit.full_wait_ms, 0);
  ASSERT_EQ(config->cors.size(), 1u);
  EXPECT_EQ(config->cors[0].methods, std::vector<std::string>{"GET"});
  EXPECT_TRUE(config->cors[0].allow_credentials);
  EXPECT_TRUE(config->tls.enabled());
}

TEST(GatewayConfigSecurity, ServiceJsonIsValidatedWithoutEnvironment) {
  auto parsed = parse_service_json(
      R"({"name":"s2","type":"spark","config":{"workspace_url":"sc://h:15002","access_token":"t"}})");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->config.access_token, "t");
  auto with_env =
      parse_service_json(R"({"name":"s2","type":"spark","config":{"workspace_url":"${HOME}"}})");
  ASSERT_FALSE(with_env.ok());
  EXPECT_EQ(with_env.error().code, ErrorCode::kBadRequest);
  auto reserved =
      parse_service_json(R"({"name":"system","type":"spark","config":{"workspace_url":"sc://h"}})");
  ASSERT_FALSE(reserved.ok());
  EXPECT_EQ(reserved.error().code, ErrorCode::kBadRequest);
}

}  // namespace
}  // namespace lakegate::config
