#include "api/query/query_request.h"

#include <gtest/gtest.h>

namespace lakegate::api {
namespace {

using Kind = backend::Value::Kind;

TEST(QueryRequest, SeedExampleWithPositionalParams) {
  auto statement = parse_query_request(
      R"({"sql": "SELECT passenger_count FROM t WHERE tpep_pickup_datetime >= ?", "params": ["2016-01-01"]})");
  ASSERT_TRUE(statement.ok()) << statement.error().message;
  EXPECT_EQ(statement->sql, "SELECT passenger_count FROM t WHERE tpep_pickup_datetime >= ?");
  ASSERT_EQ(statement->positional.size(), 1u);
  EXPECT_EQ(statement->positional[0].kind, Kind::kString);
  EXPECT_EQ(statement->positional[0].text, "2016-01-01");
  EXPECT_TRUE(statement->named.empty());
}

TEST(QueryRequest, EveryScalarKind) {
  auto statement = parse_query_request(
      R"({"params": [null, true, false, 42, -9223372036854775808, 12.50, 1e3, "a\"b\\c\u0001", 123456789012345678901234567890], "sql": "x"})");
  ASSERT_TRUE(statement.ok()) << statement.error().message;
  const auto& p = statement->positional;
  ASSERT_EQ(p.size(), 9u);
  EXPECT_EQ(p[0].kind, Kind::kNull);
  EXPECT_EQ(p[1].kind, Kind::kBool);
  EXPECT_TRUE(p[1].bool_value);
  EXPECT_FALSE(p[2].bool_value);
  EXPECT_EQ(p[3].kind, Kind::kInt64);
  EXPECT_EQ(p[3].int_value, 42);
  EXPECT_EQ(p[4].int_value, INT64_MIN);
  EXPECT_EQ(p[5].kind, Kind::kDecimal);
  EXPECT_EQ(p[5].text, "12.50");  // exact digits, trailing zero kept
  EXPECT_EQ(p[6].kind, Kind::kDouble);
  EXPECT_EQ(p[6].double_value, 1000.0);
  EXPECT_EQ(p[7].kind, Kind::kString);
  EXPECT_EQ(p[7].text, std::string("a\"b\\c\x01"));
  EXPECT_EQ(p[8].kind, Kind::kDecimal);  // too big for bigint
  EXPECT_EQ(p[8].text, "123456789012345678901234567890");
}

TEST(QueryRequest, NamedParams) {
  auto statement =
      parse_query_request(R"({"sql": "SELECT :a, :b", "params": {"a": 1, ":b": "two"}})");
  ASSERT_TRUE(statement.ok()) << statement.error().message;
  ASSERT_EQ(statement->named.size(), 2u);
  EXPECT_EQ(statement->named[0].first, "a");
  EXPECT_EQ(statement->named[1].first, "b");
  EXPECT_EQ(statement->named[1].second.text, "two");
  EXPECT_TRUE(statement->positional.empty());
}

TEST(QueryRequest, Errors) {
  for (const char* body :
       {"", "not json", "[]", R"({"params": []})", R"({"sql": 5})", R"({"sql": "   "})",
        R"({"sql": "x", "params": 5})", R"({"sql": "x"} trailing)", R"({"sql": "x", "params": [1,)",
        R"({"sql": "x", "params": [1e999999]})"}) {
    auto statement = parse_query_request(body);
    EXPECT_FALSE(statement.ok()) << body;
    if (!statement.ok()) {
      EXPECT_TRUE(statement.error().code == ErrorCode::kBadRequest) << body;
    }
  }
  auto nested = parse_query_request(R"({"sql": "x", "params": [[1]]})");
  ASSERT_FALSE(nested.ok());
  EXPECT_EQ(nested.error().code, ErrorCode::kUnsupportedType);
  EXPECT_NE(nested.error().message.find("params[0]"), std::string::npos);
}

TEST(NumberValue, Classification) {
  EXPECT_EQ(number_value("0")->kind, Kind::kInt64);
  EXPECT_EQ(number_value("-0.0")->kind, Kind::kDecimal);
  EXPECT_EQ(number_value("2.5E-3")->kind, Kind::kDouble);
  EXPECT_FALSE(number_value("1234567890123456789012345678901234567890").ok());
}

}  // namespace
}  // namespace lakegate::api
