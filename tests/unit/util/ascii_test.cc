// util/ascii.h: the case folding, case-insensitive comparison and trimming
// every layer shares. Only ASCII letters fold; other bytes (UTF-8 included)
// pass through unchanged.
#include "util/ascii.h"

#include <gtest/gtest.h>

#include <cctype>

namespace lakegate::util {
namespace {

TEST(AsciiCase, LowerAndUpper) {
  EXPECT_EQ(ascii_lower("Spark_Catalog.ABC-09"), "spark_catalog.abc-09");
  EXPECT_EQ(ascii_upper("not in"), "NOT IN");
  EXPECT_EQ(ascii_lower("ÄÖÜ Größe"), "ÄÖÜ größe");
  EXPECT_EQ(ascii_upper("größe"), "GRößE");
  EXPECT_EQ(ascii_lower(""), "");
  EXPECT_EQ(ascii_upper(std::string_view("a\0b", 3)), std::string("A\0B", 3));
  // The bytes around the letter ranges stay: '@' 'A' 'Z' '[' and '`' 'a' 'z' '{'.
  EXPECT_EQ(ascii_lower("@AZ[`az{"), "@az[`az{");
  EXPECT_EQ(ascii_upper("@AZ[`az{"), "@AZ[`AZ{");
}

TEST(AsciiCase, EqualsIgnoreCase) {
  EXPECT_TRUE(equals_ignore_case("VIEW", "view"));
  EXPECT_TRUE(equals_ignore_case("Delta", "dELTA"));
  EXPECT_TRUE(equals_ignore_case("", ""));
  EXPECT_FALSE(equals_ignore_case("delta", "delt"));
  EXPECT_FALSE(equals_ignore_case("Ö", "ö"));
  EXPECT_FALSE(equals_ignore_case("[", "{"));  // '[' + 32 == '{': not a letter
  static_assert(equals_ignore_case("Sum", "SUM"));
}

TEST(AsciiCase, StartsWithIgnoreCase) {
  EXPECT_TRUE(starts_with_ignore_case("SC://host", "sc://"));
  EXPECT_TRUE(starts_with_ignore_case("decimal(10,2)", "DECIMAL"));
  EXPECT_TRUE(starts_with_ignore_case("x", ""));
  EXPECT_FALSE(starts_with_ignore_case("sc:", "sc://"));
  EXPECT_FALSE(starts_with_ignore_case("https://", "http:/x"));
}

TEST(TrimWhitespace, BothEndsAllAsciiSpace) {
  EXPECT_EQ(trim_whitespace("  a b \t"), "a b");
  EXPECT_EQ(trim_whitespace("\r\n\v\fx\f\v\n\r"), "x");
  EXPECT_EQ(trim_whitespace(" \t\r\n\v\f"), "");
  EXPECT_EQ(trim_whitespace(""), "");
  EXPECT_EQ(trim_whitespace("a"), "a");
  // NUL and non-ASCII bytes are not whitespace.
  EXPECT_EQ(trim_whitespace(std::string_view("\0a\0", 3)), std::string_view("\0a\0", 3));
  EXPECT_EQ(trim_whitespace("\xc2\xa0x\xc2\xa0"), "\xc2\xa0x\xc2\xa0");
  // The view points into the original text.
  const std::string_view text = "  kept  ";
  EXPECT_EQ(trim_whitespace(text).data(), text.data() + 2);
}

TEST(TrimWhitespace, SameSetAsIsspaceInTheCLocale) {
  for (int c = 0; c < 256; ++c) {
    EXPECT_EQ(is_ascii_space(static_cast<char>(c)), std::isspace(c) != 0) << c;
  }
}

}  // namespace
}  // namespace lakegate::util
