#include <gtest/gtest.h>

#include "backend/backend_factory.h"

namespace lakegate::backend {
namespace {

struct Case {
  const char* workspace_url;
  const char* http_path;
  const char* cluster_id;
  const char* protocol;
  const char* expected;
  const char* reason_mentions;
};

config::ServiceConfig make_config(const Case& c) {
  config::ServiceConfig config;
  config.name = "svc";
  config.type = "spark";
  config.workspace_url = c.workspace_url;
  config.http_path = c.http_path;
  config.cluster_id = c.cluster_id;
  config.protocol = c.protocol;
  config.access_token = "dapiSECRET";
  return config;
}

TEST(SelectProtocol, EveryRule) {
  const Case cases[] = {
      // Explicit protocol wins over everything.
      {"sc://h", "/sql/1.0/warehouses/1", "c", "thrift", "thrift", "explicitly"},
      {"https://h", "/sql/1.0/warehouses/1", "", "Spark_Connect", "spark_connect", "explicitly"},
      {"thrift://h:10000", "", "", "sql_warehouse", "sql_warehouse", "explicitly"},
      // http_path → SQL Warehouse, even with a cluster_id.
      {"https://adb.net", "/sql/1.0/warehouses/abc", "", "", "sql_warehouse", "http_path"},
      {"https://adb.net", "/sql/1.0/warehouses/abc", "0123", "", "sql_warehouse", "http_path"},
      // cluster_id → Spark Connect.
      {"https://adb.net", "", "0123-abc", "", "spark_connect", "cluster_id"},
      // sc:// → Spark Connect.
      {"sc://localhost:15002", "", "", "", "spark_connect", "sc://"},
      {"SC://localhost", "", "", "", "spark_connect", "sc://"},
      // thrift:// and …/cliservice → Thrift.
      {"thrift://localhost:10000", "", "", "", "thrift", "thrift://"},
      {"http://localhost:10001/cliservice", "", "", "", "thrift", "cliservice"},
      {"https://front/cliservice/", "", "", "", "thrift", "cliservice"},
      {"https://front/gateway/cliservice?x=1", "", "", "", "thrift", "cliservice"},
      // Anything else → Spark Connect by default.
      {"https://adb.net", "", "", "", "spark_connect", "default"},
      {"", "", "", "", "spark_connect", "default"},
      {"http://h/notcliservice", "", "", "", "spark_connect", "default"},
  };
  for (const Case& c : cases) {
    std::string reason;
    auto protocol = select_protocol(make_config(c), &reason);
    ASSERT_TRUE(protocol.ok()) << c.workspace_url;
    EXPECT_EQ(*protocol, c.expected) << c.workspace_url << " " << c.protocol;
    EXPECT_NE(reason.find(c.reason_mentions), std::string::npos) << reason;
    EXPECT_EQ(reason.find("dapiSECRET"), std::string::npos);
  }
}

TEST(SelectProtocol, NullReasonIsFine) {
  Case c{"sc://h", "", "", "", "spark_connect", ""};
  auto protocol = select_protocol(make_config(c), nullptr);
  ASSERT_TRUE(protocol.ok());
  EXPECT_EQ(*protocol, "spark_connect");
}

TEST(SelectProtocol, UnknownExplicitProtocolIsBadConfig) {
  Case c{"sc://h", "", "", "odbc", "", ""};
  auto protocol = select_protocol(make_config(c), nullptr);
  ASSERT_FALSE(protocol.ok());
  EXPECT_EQ(protocol.error().code, ErrorCode::kBadConfig);
}

TEST(MakeBackend, ThriftProtocolsAreCreatedWithoutConnecting) {
  // hive_thrift/: the Spark Thrift Server and SQL Warehouses.
  for (Case c : {Case{"thrift://127.0.0.1:1", "", "", "", "", ""},
                 Case{"https://adb.net", "/sql/1.0/warehouses/abc", "", "", "", ""}}) {
    auto backend = make_backend(make_config(c));
    ASSERT_TRUE(backend.ok()) << backend.error().message;
  }
  auto no_token = make_config(Case{"https://adb.net", "/sql/1.0/warehouses/abc", "", "", "", ""});
  no_token.access_token.clear();  // a warehouse needs its token
  auto backend = make_backend(no_token);
  ASSERT_FALSE(backend.ok());
  EXPECT_EQ(backend.error().code, ErrorCode::kBadConfig);
  EXPECT_NE(backend.error().message.find("access_token"), std::string::npos);
}

TEST(MakeBackend, SparkConnectIsCreatedWithoutConnecting) {
  Case c{"sc://127.0.0.1:1", "", "", "", "", ""};
  auto backend = make_backend(make_config(c));
  ASSERT_TRUE(backend.ok()) << backend.error().message;
  (*backend)->shutdown();
}

TEST(MakeBackend, BadSparkConnectUrlIsBadConfig) {
  Case c{"sc://h:notaport", "", "", "", "", ""};
  auto backend = make_backend(make_config(c));
  ASSERT_FALSE(backend.ok());
  EXPECT_EQ(backend.error().code, ErrorCode::kBadConfig);
}

TEST(MakeBackend, UnreadableCaFileIsBadConfig) {
  Case c{"sc://h:1/;use_ssl=true", "", "", "", "", ""};
  config::ServiceConfig config = make_config(c);
  config.ca_file = "/nonexistent/ca.pem";
  auto backend = make_backend(config);
  ASSERT_FALSE(backend.ok());
  EXPECT_EQ(backend.error().code, ErrorCode::kBadConfig);
}

}  // namespace
}  // namespace lakegate::backend
