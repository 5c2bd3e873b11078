// core/table_schema.h: SQL quoting of a table name and case-insensitive
// column lookup.
#include "core/table_schema.h"

#include <gtest/gtest.h>

namespace lakegate::catalog {
namespace {

TEST(QuoteTableName, QuotesEveryPart) {
  EXPECT_EQ(quote_table_name({"c", "s`", "t"}), "`c`.`s```.`t`");
  EXPECT_EQ(quote_table_name({"spark_catalog", "a.b", ""}), "`spark_catalog`.`a.b`.``");
}

TEST(TableSchema, FindIgnoresAsciiCase) {
  TableSchema table;
  table.columns = {{"Fare", "double", true, "", false}, {"Größe", "int", true, "", false}};
  ASSERT_NE(table.find("fARE"), nullptr);
  EXPECT_EQ(table.find("fARE")->name, "Fare");
  EXPECT_NE(table.find("Größe"), nullptr);
  EXPECT_EQ(table.find("GRÖßE"), nullptr);  // only ASCII letters fold
  EXPECT_EQ(table.find("Far"), nullptr);
}

}  // namespace
}  // namespace lakegate::catalog
