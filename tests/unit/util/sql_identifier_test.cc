// util/sql_identifier.h: the one identifier quoting rule every layer uses
// (catalog/ metadata statements, sql/ SqlFragment, the backends' USE
// statements, api/ display names). The rule is pinned against the real Spark
// by tests/unit/sql/sql_spark_check.cc.
#include "util/sql_identifier.h"

#include <gtest/gtest.h>

namespace lakegate::util {
namespace {

TEST(QuoteSqlIdentifier, DoublesBackticks) {
  EXPECT_EQ(quote_sql_identifier("trips"), "`trips`");
  EXPECT_EQ(quote_sql_identifier("a`b"), "`a``b`");
  EXPECT_EQ(quote_sql_identifier("``"), "``````");
  EXPECT_EQ(quote_sql_identifier(""), "``");
}

TEST(QuoteSqlIdentifier, EverythingElsePassesThrough) {
  EXPECT_EQ(quote_sql_identifier("x; DROP TABLE y --"), "`x; DROP TABLE y --`");
  EXPECT_EQ(quote_sql_identifier("a.b c'\""), "`a.b c'\"`");
  EXPECT_EQ(quote_sql_identifier("Größe"), "`Größe`");
  EXPECT_EQ(quote_sql_identifier(std::string_view("a\0b", 3)), std::string("`a\0b`", 5));
}

TEST(AppendQuotedIdentifier, AppendsToWhatIsThere) {
  std::string out = "USE ";
  append_quoted_identifier(out, "cat");
  out += '.';
  append_quoted_identifier(out, "s`x");
  EXPECT_EQ(out, "USE `cat`.`s``x`");
}

}  // namespace
}  // namespace lakegate::util
