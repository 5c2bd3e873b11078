#include "backend/spark_connect/connection_string.h"

#include <gtest/gtest.h>

namespace lakegate::backend::spark_connect {
namespace {

constexpr const char* kSecret = "dapiSECRET123";

Endpoint parse_ok(std::string_view url) {
  auto endpoint = parse_connection_string(url);
  EXPECT_TRUE(endpoint.ok()) << url << ": " << (endpoint ? "" : endpoint.error().message);
  return endpoint ? *endpoint : Endpoint{};
}

void expect_bad(std::string_view url) {
  auto endpoint = parse_connection_string(url);
  ASSERT_FALSE(endpoint.ok()) << url;
  EXPECT_EQ(endpoint.error().code, ErrorCode::kBadConfig);
  EXPECT_EQ(endpoint.error().message.find(kSecret), std::string::npos) << endpoint.error().message;
}

TEST(ConnectionString, HostOnlyUsesDefaultPort) {
  Endpoint endpoint = parse_ok("sc://localhost");
  EXPECT_EQ(endpoint.host, "localhost");
  EXPECT_EQ(endpoint.port, 15002);
  EXPECT_FALSE(endpoint.use_tls);
  EXPECT_TRUE(endpoint.token.empty());
  EXPECT_EQ(endpoint.target(), "localhost:15002");
}

TEST(ConnectionString, HostPortAndTrailingSlash) {
  EXPECT_EQ(parse_ok("sc://127.0.0.1:15099").target(), "127.0.0.1:15099");
  EXPECT_EQ(parse_ok("sc://spark.example.com:443/").target(), "spark.example.com:443");
  EXPECT_EQ(parse_ok("SC://Host:1/").host, "Host");
}

TEST(ConnectionString, Ipv6) {
  Endpoint endpoint = parse_ok("sc://[::1]:15003/;use_ssl=false");
  EXPECT_EQ(endpoint.host, "::1");
  EXPECT_EQ(endpoint.port, 15003);
  EXPECT_EQ(endpoint.target(), "[::1]:15003");
  EXPECT_EQ(parse_ok("sc://[fe80::1]").port, 15002);
}

TEST(ConnectionString, ReservedParameters) {
  Endpoint endpoint = parse_ok(
      "sc://h:1/;user_id=alice;session_id=0F1C0A9E-6B2D-4E8F-9A7B-0C1D2E3F4A5B;user_agent=my%20app;"
      "grpc_max_message_size=1048576;use_ssl=true");
  EXPECT_EQ(endpoint.user_id, "alice");
  EXPECT_EQ(endpoint.session_id, "0f1c0a9e-6b2d-4e8f-9a7b-0c1d2e3f4a5b");
  EXPECT_EQ(endpoint.user_agent, "my app");
  EXPECT_EQ(endpoint.max_message_bytes, 1048576);
  EXPECT_TRUE(endpoint.use_tls);
  EXPECT_TRUE(endpoint.headers.empty());
}

TEST(ConnectionString, TokenImpliesTlsUnlessUseSslGiven) {
  Endpoint tls = parse_ok(std::string("sc://h/;token=") + kSecret);
  EXPECT_EQ(tls.token, kSecret);
  EXPECT_TRUE(tls.use_tls);
  Endpoint plaintext = parse_ok(std::string("sc://h/;use_ssl=false;token=") + kSecret);
  EXPECT_EQ(plaintext.token, kSecret);
  EXPECT_FALSE(plaintext.use_tls);
  Endpoint order = parse_ok(std::string("sc://h/;token=") + kSecret + ";use_ssl=FALSE");
  EXPECT_FALSE(order.use_tls);
}

TEST(ConnectionString, UnknownParametersBecomeLowerCaseHeaders) {
  Endpoint endpoint = parse_ok("sc://h:443/;x-databricks-cluster-id=0123-abc;X-Other=v%3Dw;;");
  ASSERT_EQ(endpoint.headers.size(), 2u);
  EXPECT_EQ(endpoint.header("x-databricks-cluster-id"), "0123-abc");
  EXPECT_EQ(endpoint.header("x-other"), "v=w");
}

TEST(ConnectionString, ParametersWithoutSlash) {
  Endpoint endpoint = parse_ok("sc://h:7;user_id=bob");
  EXPECT_EQ(endpoint.port, 7);
  EXPECT_EQ(endpoint.user_id, "bob");
}

TEST(ConnectionString, Errors) {
  expect_bad("http://h:1");
  expect_bad("h:15002");
  expect_bad("sc://");
  expect_bad("sc://:15002");
  expect_bad("sc://h:");
  expect_bad("sc://h:abc");
  expect_bad("sc://h:0");
  expect_bad("sc://h:70000");
  expect_bad("sc://h/path");
  expect_bad("sc://h/path;token=x");
  expect_bad("sc://[::1");
  expect_bad("sc://user@h");
  expect_bad("sc://h/;use_ssl=maybe");
  expect_bad("sc://h/;session_id=not-a-uuid");
  expect_bad("sc://h/;grpc_max_message_size=-1");
  expect_bad("sc://h/;bad key=1");
  expect_bad("sc://h/;=x");
}

TEST(ConnectionString, SecretsNeverInErrors) {
  expect_bad(std::string("sc://h/;token=") + kSecret + ";use_ssl=perhaps");
  expect_bad(std::string("sc://h/;token=%zz") + kSecret);
  expect_bad(std::string("sc://h/;") + kSecret);  // a bare secret without key
  expect_bad(std::string("sc://h/;x-api-key=") + kSecret + "\x01");
  expect_bad(std::string("sc://h/;token=") + kSecret + ";session_id=" + kSecret);
}

TEST(ConnectionString, DescribeHasNoSecrets) {
  Endpoint endpoint =
      parse_ok(std::string("sc://h:1/;token=") + kSecret + ";x-api-key=" + kSecret + "2");
  std::string text = endpoint.describe();
  EXPECT_EQ(text.find(kSecret), std::string::npos) << text;
  EXPECT_NE(text.find("bearer token"), std::string::npos) << text;
  EXPECT_NE(text.find("x-api-key"), std::string::npos) << text;
  EXPECT_NE(text.find("h:1"), std::string::npos) << text;
}

config::ServiceConfig service(std::string url) {
  config::ServiceConfig config;
  config.name = "s";
  config.type = "spark";
  config.workspace_url = std::move(url);
  return config;
}

TEST(EndpointFromConfig, ScUrlWithDefaults) {
  auto endpoint = endpoint_from_config(service("  sc://127.0.0.1:15099  "));
  ASSERT_TRUE(endpoint.ok());
  EXPECT_EQ(endpoint->target(), "127.0.0.1:15099");
  EXPECT_EQ(endpoint->user_id, "lakegate");
  EXPECT_EQ(endpoint->user_agent.rfind("lakegate/", 0), 0u);
  EXPECT_FALSE(endpoint->use_tls);
}

TEST(EndpointFromConfig, DatabricksCluster) {
  config::ServiceConfig config = service("https://adb-123.4.azuredatabricks.net/");
  config.type = "databricks";
  config.cluster_id = "0123-456789-abcdef";
  config.access_token = kSecret;
  config.user_id = "svc";
  config.ca_file = "/etc/ssl/custom.pem";
  auto endpoint = endpoint_from_config(config);
  ASSERT_TRUE(endpoint.ok()) << endpoint.error().message;
  EXPECT_EQ(endpoint->target(), "adb-123.4.azuredatabricks.net:443");
  EXPECT_TRUE(endpoint->use_tls);
  EXPECT_EQ(endpoint->token, kSecret);
  EXPECT_EQ(endpoint->header("x-databricks-cluster-id"), "0123-456789-abcdef");
  EXPECT_EQ(endpoint->user_id, "svc");
  EXPECT_EQ(endpoint->ca_file, "/etc/ssl/custom.pem");
  EXPECT_EQ(endpoint->describe().find(kSecret), std::string::npos);
}

TEST(EndpointFromConfig, HttpsWithPortAndHttpPlaintext) {
  auto https = endpoint_from_config(service("https://front.local:8443"));
  ASSERT_TRUE(https.ok());
  EXPECT_EQ(https->port, 8443);
  EXPECT_TRUE(https->use_tls);
  auto http = endpoint_from_config(service("http://spark"));
  ASSERT_TRUE(http.ok());
  EXPECT_EQ(http->port, 15002);
  EXPECT_FALSE(http->use_tls);
}

TEST(EndpointFromConfig, AccessTokenOverPlaintextScIsAllowed) {
  config::ServiceConfig config = service("sc://localhost:15002");
  config.access_token = kSecret;
  auto endpoint = endpoint_from_config(config);
  ASSERT_TRUE(endpoint.ok());
  EXPECT_EQ(endpoint->token, kSecret);
  EXPECT_FALSE(endpoint->use_tls);  // the URL decides the transport
}

TEST(EndpointFromConfig, AccessTokenWinsOverUrlTokenAndClusterIdAddsHeader) {
  config::ServiceConfig config = service("sc://h:443/;token=fromurl;x-databricks-cluster-id=old");
  config.access_token = kSecret;
  config.cluster_id = "new";
  auto endpoint = endpoint_from_config(config);
  ASSERT_TRUE(endpoint.ok());
  EXPECT_EQ(endpoint->token, kSecret);
  EXPECT_TRUE(endpoint->use_tls);
  EXPECT_EQ(endpoint->header("x-databricks-cluster-id"), "new");
  EXPECT_EQ(endpoint->headers.size(), 1u);
}

TEST(EndpointFromConfig, Errors) {
  for (const char* url :
       {"", "   ", "thrift://h:10000", "h:15002", "https://h/sql/1.0/x", "https://h:99999"}) {
    config::ServiceConfig config = service(url);
    config.access_token = kSecret;
    auto endpoint = endpoint_from_config(config);
    ASSERT_FALSE(endpoint.ok()) << url;
    EXPECT_EQ(endpoint.error().code, ErrorCode::kBadConfig);
    EXPECT_EQ(endpoint.error().message.find(kSecret), std::string::npos);
  }
}

}  // namespace
}  // namespace lakegate::backend::spark_connect
