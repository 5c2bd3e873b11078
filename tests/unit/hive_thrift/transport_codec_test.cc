// Byte-level codecs of the transports (SASL PLAIN handshake and frames, the
// method name the HTTP transport reads for its retry rule), endpoints from
// config, and error mapping of server statuses.
#include <gtest/gtest.h>

#include "backend/hive_thrift/endpoint.h"
#include "backend/hive_thrift/error_mapping.h"
#include "backend/hive_thrift/http_transport.h"
#include "backend/hive_thrift/sasl_transport.h"

namespace lakegate::backend::hive_thrift {
namespace {

TEST(Sasl, PlainHandshakeBytes) {
  const std::string bytes = encode_sasl_plain_handshake("anna", "pw");
  const std::string expected =
      std::string("\x01\x00\x00\x00\x05PLAIN", 10) + std::string(
                                                         "\x05\x00\x00\x00\x08\x00"
                                                         "anna\x00pw",
                                                         13);
  EXPECT_EQ(bytes, expected);
  EXPECT_EQ(encode_sasl_frame("abc"), std::string("\x00\x00\x00\x03"
                                                  "abc",
                                                  7));
  EXPECT_EQ(encode_sasl_frame(std::string(300, 'x')).substr(0, 4),
            std::string("\x00\x00\x01\x2c", 4));
}

TEST(HttpTransport, MethodNameAndRetryRule) {
  // strict binary message header: version|CALL, name length, name, seqid
  std::string message(
      "\x80\x01\x00\x01\x00\x00\x00\x10"
      "ExecuteStatement\x00\x00\x00\x01",
      28);
  EXPECT_EQ(thrift_method_name(message), "ExecuteStatement");
  EXPECT_EQ(thrift_method_name("junk"), "");
  EXPECT_FALSE(is_idempotent_method("ExecuteStatement"));
  EXPECT_FALSE(is_idempotent_method("FetchResults"));
  EXPECT_FALSE(is_idempotent_method("OpenSession"));
  EXPECT_TRUE(is_idempotent_method("GetOperationStatus"));
  EXPECT_TRUE(is_idempotent_method("CloseOperation"));
}

config::ServiceConfig service(std::string url) {
  config::ServiceConfig config;
  config.name = "t";
  config.workspace_url = std::move(url);
  return config;
}

TEST(Endpoint, FromConfig) {
  auto binary = endpoint_from_config(service("thrift://db.example:10001"), "thrift");
  ASSERT_TRUE(binary);
  EXPECT_EQ(binary->transport, TransportKind::kBinary);
  EXPECT_EQ(binary->port, 10001);
  EXPECT_TRUE(binary->sasl);
  EXPECT_EQ(binary->describe(), "thrift://db.example:10001 (sasl plain, user lakegate)");
  auto nosasl = endpoint_from_config(service("thrift://h?auth=noSasl"), "thrift");
  ASSERT_TRUE(nosasl);
  EXPECT_FALSE(nosasl->sasl);
  EXPECT_EQ(nosasl->port, 10000);

  auto http = endpoint_from_config(service("http://h:10001/cliservice"), "thrift");
  ASSERT_TRUE(http);
  EXPECT_EQ(http->transport, TransportKind::kHttp);
  EXPECT_EQ(http->path, "/cliservice");
  EXPECT_FALSE(http->use_tls);

  auto warehouse = service("https://adb-1.azuredatabricks.net");
  warehouse.http_path = "/sql/1.0/warehouses/abc";
  warehouse.access_token = "dapiSECRET";
  auto databricks = endpoint_from_config(warehouse, "sql_warehouse");
  ASSERT_TRUE(databricks);
  EXPECT_EQ(databricks->port, 443);
  EXPECT_TRUE(databricks->use_tls);
  EXPECT_TRUE(databricks->databricks);
  EXPECT_EQ(databricks->path, "/sql/1.0/warehouses/abc");
  EXPECT_EQ(databricks->describe().find("dapiSECRET"), std::string::npos);

  warehouse.access_token.clear();
  EXPECT_EQ(endpoint_from_config(warehouse, "sql_warehouse").error().code, ErrorCode::kBadConfig);
  EXPECT_FALSE(endpoint_from_config(service("thrift://u:p@h:1"), "thrift"));
  EXPECT_FALSE(endpoint_from_config(service("thrift://h:99999"), "thrift"));
  EXPECT_FALSE(endpoint_from_config(service("ftp://h"), "thrift"));
}

TEST(ErrorMapping, SparkErrorsFromTStatus) {
  auto missing = map_server_error(
      3,
      "Error running query: [TABLE_OR_VIEW_NOT_FOUND] org.apache.spark.sql.AnalysisException: "
      "[TABLE_OR_VIEW_NOT_FOUND] The table or view `x` cannot be found. SQLSTATE: 42P01; line 1 "
      "pos 14;\n'Project [*]\n+- 'UnresolvedRelation [x], [], false\n",
      "42P01", "ExecuteStatement");
  EXPECT_EQ(missing.code, ErrorCode::kTableNotFound);
  EXPECT_EQ(missing.context_value("errorClass"), "TABLE_OR_VIEW_NOT_FOUND");
  EXPECT_EQ(missing.context_value("sqlState"), "42P01");
  EXPECT_EQ(missing.message,
            "[TABLE_OR_VIEW_NOT_FOUND] The table or view `x` cannot be found. SQLSTATE: 42P01; "
            "line 1 pos 14");

  auto column = map_server_error(
      3,
      "Error running query: [UNRESOLVED_COLUMN.WITH_SUGGESTION] org.apache.spark.sql."
      "AnalysisException: [UNRESOLVED_COLUMN.WITH_SUGGESTION] A column … cannot be resolved.\n"
      "\tat org.apache.spark.Foo(Foo.scala:1)\nCaused by: x",
      "42703", "x");
  EXPECT_EQ(column.code, ErrorCode::kSparkAnalysis);
  EXPECT_EQ(column.context_value("errorClass"), "UNRESOLVED_COLUMN.WITH_SUGGESTION");
  EXPECT_EQ(column.message.find("\tat "), std::string::npos);

  auto handle =
      map_server_error(4, "Invalid SessionHandle: SessionHandle [x]", "", "ExecuteStatement");
  EXPECT_EQ(handle.code, ErrorCode::kBackendUnavailable);
  EXPECT_TRUE(is_session_lost(handle));

  auto auth = authentication_failed("https://h:443/p (bearer token)", "HTTP 401");
  EXPECT_EQ(auth.code, ErrorCode::kUnauthorized);
  EXPECT_EQ(auth.message.find("backend authentication failed"), 0u);
  EXPECT_EQ(error_class_from_message("no class here"), "");
}

}  // namespace
}  // namespace lakegate::backend::hive_thrift
