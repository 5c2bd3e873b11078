#include "sql/filter_parser.h"

#include <gtest/gtest.h>

namespace lakegate::sql::filter {
namespace {

std::string parsed(std::string_view text) {
  auto node = parse(text);
  if (!node) return "error: " + node.error().message;
  return to_string(*node);
}

TEST(FilterParser, Comparisons) {
  EXPECT_EQ(parsed("a = 1"), "a = 1");
  EXPECT_EQ(parsed("a != 'x'"), "a <> 'x'");
  EXPECT_EQ(parsed("a <> 1"), "a <> 1");
  EXPECT_EQ(parsed("a gte 1.50"), "a >= 1.50BD");
  EXPECT_EQ(parsed("a LT 1e2"), "a < 100D");
  EXPECT_EQ(parsed("a not = 1"), "a NOT = 1");
}

TEST(FilterParser, Precedence) {
  EXPECT_EQ(parsed("a=1 or b=2 and c=3"), "(a = 1 OR (b = 2 AND c = 3))");
  EXPECT_EQ(parsed("(a=1 or b=2) and c=3"), "((a = 1 OR b = 2) AND c = 3)");
  EXPECT_EQ(parsed("not a=1 and b=2"), "(NOT a = 1 AND b = 2)");
  EXPECT_EQ(parsed("not (a=1 and b=2)"), "NOT (a = 1 AND b = 2)");
  EXPECT_EQ(parsed("a=1 || b=2 && c=3"), "(a = 1 OR (b = 2 AND c = 3))");
}

TEST(FilterParser, WordOperators) {
  EXPECT_EQ(parsed("a in (1, 'x', :p, {u})"), "a IN (1, 'x', :p, {u})");
  EXPECT_EQ(parsed("a NOT in (1)"), "a NOT IN (1)");
  EXPECT_EQ(parsed("a like 'x%'"), "a LIKE 'x%'");
  EXPECT_EQ(parsed("a not like 'x%'"), "a NOT LIKE 'x%'");
  EXPECT_EQ(parsed("a contains x"), "a CONTAINS 'x'");
  EXPECT_EQ(parsed("a starts WITH x"), "a STARTS WITH 'x'");
  EXPECT_EQ(parsed("a not ends with x"), "a NOT ENDS WITH 'x'");
  EXPECT_EQ(parsed("a between 1 and 2"), "a BETWEEN 1 AND 2");
  EXPECT_EQ(parsed("a not between 1 and 2 and b = 3"), "(a NOT BETWEEN 1 AND 2 AND b = 3)");
  EXPECT_EQ(parsed("a is null"), "a IS NULL");
  EXPECT_EQ(parsed("a IS NOT NULL"), "a IS NOT NULL");
}

TEST(FilterParser, BareValueTyping) {
  auto value_of = [](std::string_view text) {
    auto node = parse(std::string("a = ") + std::string(text));
    EXPECT_TRUE(node.ok()) << text;
    return node ? node->operands.at(0).literal : backend::Value();
  };
  using Kind = backend::Value::Kind;
  EXPECT_EQ(value_of("42").kind, Kind::kInt64);
  EXPECT_EQ(value_of("-9223372036854775808").int_value, INT64_MIN);
  EXPECT_EQ(value_of("9223372036854775808").kind, Kind::kDecimal);
  EXPECT_EQ(value_of("9223372036854775808").text, "9223372036854775808");
  EXPECT_EQ(value_of("-0.10").text, "-0.10");
  EXPECT_EQ(value_of("+.5").text, "0.5");
  EXPECT_EQ(value_of("3.").text, "3");
  EXPECT_EQ(value_of("1e3").kind, Kind::kDouble);
  EXPECT_EQ(value_of("1e3").double_value, 1000.0);
  EXPECT_EQ(value_of("1e999").kind, Kind::kString);  // not finite: text
  EXPECT_EQ(value_of("1e").kind, Kind::kString);
  EXPECT_EQ(value_of("12abc").kind, Kind::kString);
  EXPECT_EQ(value_of("TRUE").kind, Kind::kBool);
  EXPECT_EQ(value_of("nan").kind, Kind::kString);
  EXPECT_EQ(value_of("-").kind, Kind::kString);
  EXPECT_EQ(value_of(".").kind, Kind::kString);
  EXPECT_EQ(value_of("'42'").kind, Kind::kString);
  EXPECT_TRUE(parse("a = 42")->operands[0].bare);
  EXPECT_FALSE(parse("a = '42'")->operands[0].bare);
}

TEST(FilterParser, Positions) {
  auto node = parse("(qty = 1) and  nm = :p");
  ASSERT_TRUE(node.ok());
  EXPECT_EQ(node->children[0].column_position, 2u);
  EXPECT_EQ(node->children[1].column_position, 16u);
  EXPECT_EQ(node->children[1].operands[0].position, 21u);
}

TEST(FilterParser, ErrorsNamePositionAndExpectation) {
  EXPECT_EQ(parsed("name = "),
            "error: filter: expected a value after '=' at position 8, found end of filter");
  EXPECT_EQ(parsed("a = 1 b = 2"),
            "error: filter: expected AND, OR or end of filter at position 7, found 'b'");
  EXPECT_EQ(parsed("a in 1"),
            "error: filter: Filter value lists must be wrapped in parentheses at position 6");
  EXPECT_EQ(parsed("a = (1)"),
            "error: filter: a parenthesised value after '=' is not supported (inline SQL); quote "
            "the value at position 5");
  EXPECT_EQ(
      parsed("a = 1 NOR b = 2"),
      "error: filter: logical operator 'NOR' is not supported (use AND, OR and NOT) at position 7");
  EXPECT_EQ(parsed(""), "error: filter: the filter is empty at position 1");
}

TEST(FilterParser, NotBeforeAnOperatorIsAColumn) {
  EXPECT_EQ(parsed("not = 1"), "not = 1");
  EXPECT_EQ(parsed("`not` = 1"), "not = 1");
  EXPECT_EQ(parsed("`and` = 1 and `or` = 2"), "(and = 1 AND or = 2)");
}

TEST(FilterParser, DepthLimit) {
  std::string ok(kMaxFilterDepth - 1, '(');
  ok += "a=1" + std::string(kMaxFilterDepth - 1, ')');
  EXPECT_TRUE(parse(ok).ok());
  std::string deep(kMaxFilterDepth + 1, '(');
  deep += "a=1" + std::string(kMaxFilterDepth + 1, ')');
  auto node = parse(deep);
  ASSERT_FALSE(node.ok());
  EXPECT_NE(node.error().message.find("nested too deeply"), std::string::npos);
  std::string nots;
  for (int i = 0; i < 1000; ++i) nots += "not ";
  EXPECT_FALSE(parse(nots + "a = 1").ok());
}

TEST(FilterParser, LongFlatChainsAreFine) {
  std::string text = "a = 0";
  for (int i = 1; i < 2000; ++i) text += (i % 2 ? " and a = " : " or a = ") + std::to_string(i);
  auto node = parse(text);
  ASSERT_TRUE(node.ok());
  EXPECT_EQ(node->kind, Node::Kind::kOr);
}

}  // namespace
}  // namespace lakegate::sql::filter
