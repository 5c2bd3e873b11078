#include "backend/spark_connect/literal_binding.h"

#include <gtest/gtest.h>

namespace lakegate::backend::spark_connect {
namespace {

void expect_decimal(std::string_view input, std::string_view text, int precision, int scale) {
  auto digits = normalize_decimal(input);
  ASSERT_TRUE(digits.ok()) << input << ": " << digits.error().message;
  EXPECT_EQ(digits->text, text) << input;
  EXPECT_EQ(digits->precision, precision) << input;
  EXPECT_EQ(digits->scale, scale) << input;
}

TEST(NormalizeDecimal, PrecisionAndScaleFromDigits) {
  expect_decimal("123", "123", 3, 0);
  expect_decimal("-0.050", "-0.050", 3, 3);
  expect_decimal("0", "0", 1, 0);
  expect_decimal("-0", "0", 1, 0);
  expect_decimal("0.000", "0.000", 3, 3);
  expect_decimal("+12.340", "12.340", 5, 3);
  expect_decimal("007.5", "7.5", 2, 1);
  expect_decimal(".5", "0.5", 1, 1);
  expect_decimal("5.", "5", 1, 0);
  expect_decimal("99999999999999999999999999999999999999", "99999999999999999999999999999999999999",
                 38, 0);
  expect_decimal("0.00000000000000000000000000000000000001",
                 "0.00000000000000000000000000000000000001", 38, 38);
}

TEST(NormalizeDecimal, ExponentIsAppliedToTheDigits) {
  expect_decimal("1e5", "100000", 6, 0);
  expect_decimal("1E+2", "100", 3, 0);
  expect_decimal("1.5e-3", "0.0015", 4, 4);
  expect_decimal("1.20e1", "12.0", 3, 1);
  expect_decimal("-2.5e0", "-2.5", 2, 1);
}

TEST(NormalizeDecimal, Rejects) {
  for (const char* bad : {"", "-", ".", "abc", "1.2.3", "1e", "e5", "1e+", "--1", "1 ", " 1",
                          "0x10", "1,5", "NaN", "1e99999"}) {
    auto digits = normalize_decimal(bad);
    ASSERT_FALSE(digits.ok()) << bad;
    EXPECT_EQ(digits.error().code, ErrorCode::kBadRequest) << bad;
  }
  for (const char* too_long : {"123456789012345678901234567890123456789", "1e38",
                               "0.000000000000000000000000000000000000001"}) {
    auto digits = normalize_decimal(too_long);
    ASSERT_FALSE(digits.ok()) << too_long;
    EXPECT_EQ(digits.error().code, ErrorCode::kUnsupportedType) << too_long;
  }
}

TEST(ToLiteral, EveryKind) {
  using Literal = spark::connect::Expression::Literal;
  auto null = to_literal(Value::null());
  ASSERT_TRUE(null.ok());
  EXPECT_EQ(null->literal().literal_type_case(), Literal::kNull);
  EXPECT_TRUE(null->literal().null().has_null());

  EXPECT_TRUE(to_literal(Value::boolean(true))->literal().boolean());
  EXPECT_EQ(to_literal(Value::int64(-9223372036854775807LL - 1))->literal().long_(),
            -9223372036854775807LL - 1);
  EXPECT_DOUBLE_EQ(to_literal(Value::float64(2.5))->literal().double_(), 2.5);
  EXPECT_EQ(to_literal(Value::string("it's \\ -- ; ü"))->literal().string(), "it's \\ -- ; ü");
  std::string bytes("\x00\xff\x80", 3);
  EXPECT_EQ(to_literal(Value::binary(bytes))->literal().binary(), bytes);

  auto decimal = to_literal(Value::decimal("-0.050"));
  ASSERT_TRUE(decimal.ok());
  EXPECT_EQ(decimal->literal().decimal().value(), "-0.050");
  EXPECT_EQ(decimal->literal().decimal().precision(), 3);
  EXPECT_EQ(decimal->literal().decimal().scale(), 3);

  auto bad = to_literal(Value::decimal("x"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kBadRequest);
}

TEST(BindStatement, Positional) {
  Statement statement{"SELECT ?, ?", {Value::int64(1), Value::string("a")}, {}};
  spark::connect::SQL sql;
  ASSERT_TRUE(bind_statement(statement, sql).ok());
  EXPECT_EQ(sql.query(), "SELECT ?, ?");
  ASSERT_EQ(sql.pos_arguments_size(), 2);
  EXPECT_EQ(sql.pos_arguments(0).literal().long_(), 1);
  EXPECT_EQ(sql.pos_arguments(1).literal().string(), "a");
  EXPECT_TRUE(sql.named_arguments().empty());
}

TEST(BindStatement, NamedStripsColon) {
  Statement statement{"SELECT :a, :b", {}, {{":a", Value::int64(1)}, {"b", Value::null()}}};
  spark::connect::SQL sql;
  ASSERT_TRUE(bind_statement(statement, sql).ok());
  ASSERT_EQ(sql.named_arguments().size(), 2u);
  EXPECT_EQ(sql.named_arguments().at("a").literal().long_(), 1);
  EXPECT_TRUE(sql.named_arguments().at("b").literal().has_null());
  EXPECT_EQ(sql.pos_arguments_size(), 0);
}

TEST(BindStatement, Errors) {
  spark::connect::SQL sql;
  Statement mixed{"SELECT ?, :a", {Value::int64(1)}, {{"a", Value::int64(2)}}};
  EXPECT_EQ(bind_statement(mixed, sql).error().code, ErrorCode::kBadRequest);
  Statement empty_name{"SELECT :a", {}, {{":", Value::int64(2)}}};
  EXPECT_EQ(bind_statement(empty_name, sql).error().code, ErrorCode::kBadRequest);
  Statement bad_decimal{"SELECT ?", {Value::int64(1), Value::decimal("1..2")}, {}};
  auto status = bind_statement(bad_decimal, sql);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("parameter 2"), std::string::npos)
      << status.error().message;
}

}  // namespace
}  // namespace lakegate::backend::spark_connect
