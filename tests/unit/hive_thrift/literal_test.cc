// sql/literal: the rendered text of each literal kind, and the marker scanner.
// The round trip against the real Spark is literal_roundtrip_test.cc.
#include "sql/literal.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace lakegate::sql {
namespace {

TEST(Literal, Strings) {
  EXPECT_EQ(*string_literal("plain"), "'plain'");
  EXPECT_EQ(*string_literal("it's"), "'it\\'s'");
  EXPECT_EQ(*string_literal("back\\slash"), "'back\\\\slash'");
  EXPECT_EQ(*string_literal("\\'"), "'\\\\\\''");
  EXPECT_EQ(*string_literal("\"q\" \n\t"), "'\"q\" \n\t'");
  EXPECT_EQ(*string_literal(""), "''");
  EXPECT_EQ(*string_literal("${x} $ {"), "'$\\{x} $ {'");
  EXPECT_EQ(*string_literal("ünï ☃ 😀"), "'ünï ☃ 😀'");
  EXPECT_FALSE(string_literal("\xff\xfe"));      // not UTF-8
  EXPECT_FALSE(string_literal("\xe2\x82"));      // truncated sequence
  EXPECT_FALSE(string_literal("\xed\xa0\x80"));  // surrogate
  EXPECT_FALSE(string_literal("\xc0\xaf"));      // overlong
}

TEST(Literal, Numbers) {
  EXPECT_EQ(bigint_literal(42), "42L");
  EXPECT_EQ(bigint_literal(-42), "(-42L)");
  EXPECT_EQ(bigint_literal(std::numeric_limits<int64_t>::min()), "(-9223372036854775808L)");
  EXPECT_EQ(double_literal(1.5), "1.5D");
  EXPECT_EQ(double_literal(1.5e300), "1.5e+300D");
  EXPECT_EQ(double_literal(-0.0), "(-0D)");
  EXPECT_EQ(double_literal(0.1), "0.1D");
  EXPECT_EQ(double_literal(std::nan("")), "CAST('NaN' AS DOUBLE)");
  EXPECT_EQ(double_literal(-INFINITY), "CAST('-Infinity' AS DOUBLE)");
  EXPECT_EQ(*decimal_literal("12.50"), "12.50BD");
  EXPECT_EQ(*decimal_literal("-0.050"), "(-0.050BD)");
  EXPECT_EQ(*decimal_literal("1e5"), "100000BD");
  EXPECT_EQ(*decimal_literal("1.5e-3"), "0.0015BD");
  EXPECT_EQ(*decimal_literal(".5"), "0.5BD");
  EXPECT_EQ(*decimal_literal("+7"), "7BD");
  EXPECT_EQ(decimal_literal("1x").error().code, ErrorCode::kBadRequest);
  EXPECT_EQ(decimal_literal("").error().code, ErrorCode::kBadRequest);
  EXPECT_EQ(decimal_literal("1234567890123456789012345678901234567890").error().code,
            ErrorCode::kUnsupportedType);
  EXPECT_EQ(binary_literal(std::string("\x00\xff", 2)), "X'00FF'");
  EXPECT_EQ(binary_literal(""), "X''");
  EXPECT_EQ(boolean_literal(true), "TRUE");
}

std::vector<std::string> marker_names(std::string_view sql) {
  std::vector<std::string> names;
  for (const Marker& marker : *find_markers(sql))
    names.push_back(marker.name.empty() ? "?" : marker.name);
  return names;
}

TEST(MarkerScanner, SkipsLiteralsIdentifiersAndComments) {
  EXPECT_EQ(marker_names("SELECT ?, :a, ?"), (std::vector<std::string>{"?", "a", "?"}));
  EXPECT_TRUE(marker_names("SELECT '?', \"?\", `?`, '\\'?', 'it''s :x'").empty());
  EXPECT_TRUE(marker_names("SELECT 1 -- ? :x\n").empty());
  EXPECT_EQ(marker_names("SELECT 1 /* ? /* :x */ ? */ , ?"), (std::vector<std::string>{"?"}));
  EXPECT_TRUE(marker_names("SELECT x::int, `a``?`").empty());
  // raw: the backslash does not escape, so the literal ends before the marker
  EXPECT_EQ(marker_names("SELECT r'\\', ?"), (std::vector<std::string>{"?"}));
  EXPECT_EQ(marker_names("SELECT :p1 + :p_2"), (std::vector<std::string>{"p1", "p_2"}));
  EXPECT_FALSE(find_markers("SELECT 'open"));
  EXPECT_FALSE(find_markers("SELECT `open"));
  EXPECT_FALSE(find_markers("SELECT /* open"));
}

TEST(MarkerScanner, Substitutes) {
  EXPECT_EQ(*substitute_markers("SELECT ?, '?', ?", {"1L", "'x'"}, {}), "SELECT 1L, '?', 'x'");
  EXPECT_EQ(*substitute_markers("SELECT :a, :a, ':a'", {}, {{"a", "2L"}}), "SELECT 2L, 2L, ':a'");
  EXPECT_EQ(*substitute_markers("SELECT :a", {}, {{":a", "2L"}}), "SELECT 2L");
  // Without values the markers stay (Spark reports them).
  EXPECT_EQ(*substitute_markers("SELECT ?", {}, {}), "SELECT ?");
  EXPECT_EQ(substitute_markers("SELECT ?", {"1L", "2L"}, {}).error().code, ErrorCode::kBadRequest);
  EXPECT_EQ(substitute_markers("SELECT ?, ?", {"1L"}, {}).error().code, ErrorCode::kBadRequest);
  EXPECT_EQ(substitute_markers("SELECT :b", {}, {{"a", "1L"}}).error().code,
            ErrorCode::kBadRequest);
  EXPECT_EQ(substitute_markers("SELECT ?", {"1L"}, {{"a", "1L"}}).error().code,
            ErrorCode::kBadRequest);
  // A '?' marker next to a minus never makes a comment: negatives are parenthesised.
  EXPECT_EQ(*substitute_markers("SELECT 1-?", {bigint_literal(-1)}, {}), "SELECT 1-(-1L)");
}

}  // namespace
}  // namespace lakegate::sql
