// Statement builders: the cases golden files cannot express (limits at the
// edges, parameter order, schema surprises) and SqlFragment itself.
#include <gtest/gtest.h>

#include <limits>

#include "sql/column_value.h"
#include "sql/filter_parser.h"
#include "sql/spark_types.h"
#include "sql/table_statements.h"
#include "test_schema.h"

namespace lakegate::sql {
namespace {

using testing::test_table;

// Identifier quoting itself is util::quote_sql_identifier
// (tests/unit/util/sql_identifier_test.cc); SqlFragment must use it.
TEST(SqlFragment, QuotesColumnsAliasesAndTables) {
  SqlFragment fragment;
  fragment.add_table({"c", "s`", "t"}).add(" ").add_column({"a.b c'\"", "int", true, "", false});
  fragment.add(" ").add_alias("SUM_", {"x`", "int", true, "", false});
  EXPECT_EQ(fragment.text(), "`c`.`s```.`t` `a.b c'\"` `SUM_x```");
}

TEST(SqlFragment, BuildsTextAndParamsTogether) {
  SqlFragment fragment("SELECT ");
  fragment.add_param(backend::Value::int64(1)).add(", ").add_integer(-5);
  catalog::Column column{"x`y", "int", true, "", false};
  fragment.add(" AS ").add_column(column).add(" ").add_alias("SUM_", column);
  EXPECT_EQ(fragment.text(), "SELECT ?, -5 AS `x``y` `SUM_x``y`");
  auto statement = std::move(fragment).to_statement();
  EXPECT_EQ(statement.positional.size(), 1u);
  EXPECT_TRUE(statement.named.empty());
}

TEST(SqlFragment, ScalarTypeWhitelist) {
  SqlFragment fragment;
  EXPECT_TRUE(fragment.add_scalar_type("decimal(10,2)").ok());
  EXPECT_TRUE(fragment.add_scalar_type("interval day to second").ok());
  EXPECT_EQ(fragment.add_scalar_type("int) OR (1").error().code, ErrorCode::kInternal);
  EXPECT_EQ(fragment.add_scalar_type("string'").error().code, ErrorCode::kInternal);
  EXPECT_EQ(fragment.add_scalar_type("").error().code, ErrorCode::kInternal);
  EXPECT_EQ(fragment.add_scalar_type("int--").error().code, ErrorCode::kInternal);
}

TEST(SparkTypes, Categories) {
  EXPECT_EQ(categorize("decimal(38,18)"), TypeCategory::kFractional);
  EXPECT_EQ(categorize("BIGINT"), TypeCategory::kIntegral);
  EXPECT_EQ(categorize("varchar(10)"), TypeCategory::kString);
  EXPECT_EQ(categorize("string collate UTF8_LCASE"), TypeCategory::kString);
  EXPECT_EQ(categorize("timestamp_ntz"), TypeCategory::kTimestamp);
  EXPECT_EQ(categorize("array<struct<x:int>>"), TypeCategory::kNested);
  EXPECT_EQ(categorize("map<string,int>"), TypeCategory::kNested);
  EXPECT_EQ(categorize("interval day to second"), TypeCategory::kOther);
  EXPECT_EQ(categorize("integer_like"), TypeCategory::kOther);
  EXPECT_EQ(value_text(backend::Value::float64(0.1)), "0.1");
  EXPECT_EQ(value_text(backend::Value::float64(1e300)), "1e+300");
}

TEST(BuildSelect, LimitPlusOneDoesNotOverflow) {
  ReadRequest read;
  read.limit = std::numeric_limits<int64_t>::max();
  auto statement = build_select(test_table(), read, true);
  ASSERT_TRUE(statement.ok());
  EXPECT_NE(statement->sql.find("LIMIT 9223372036854775807"), std::string::npos);
}

TEST(BuildSelect, ParameterOrderFollowsText) {
  ReadRequest read;
  read.time_travel.timestamp = "2024-01-01";
  read.filter = "qty = 1";
  read.ids = {"7"};
  read.id_fields = {"id"};
  PolicyFilter policy;
  policy.expression = std::make_shared<filter::Node>(*filter::parse("name = 'p'"));
  auto statement = build_select(test_table(), read, false, policy);
  ASSERT_TRUE(statement.ok());
  EXPECT_EQ(statement->sql,
            "SELECT * FROM `spark_catalog`.`shop`.`orders` TIMESTAMP AS OF ? WHERE (`qty` = ?) "
            "AND (`id` IN (?)) AND (`name` = ?)");
  ASSERT_EQ(statement->positional.size(), 4u);
  EXPECT_EQ(statement->positional[0].text, "2024-01-01");
  EXPECT_EQ(statement->positional[1].int_value, 1);
  EXPECT_EQ(statement->positional[2].text, "7");
  EXPECT_EQ(statement->positional[3].text, "p");
}

TEST(BuildSelect, VersionAndTimestampTogetherRefused) {
  ReadRequest read;
  read.time_travel.version = 1;
  read.time_travel.timestamp = "2024-01-01";
  EXPECT_EQ(build_select(test_table(), read, false).error().code, ErrorCode::kBadRequest);
  EXPECT_EQ(build_count(test_table(), read).error().code, ErrorCode::kBadRequest);
}

TEST(BuildSelect, TableNameIsQuoted) {
  auto table = test_table();
  table.name = {"cat`x", "sch ema", "t;1"};
  auto statement = build_select(table, ReadRequest{}, false);
  ASSERT_TRUE(statement.ok());
  EXPECT_EQ(statement->sql, "SELECT * FROM `cat``x`.`sch ema`.`t;1`");
}

TEST(WriteValue, UnexpectedSchemaTypeTextIsAnInternalError) {
  catalog::Column column{"c", "int) --", true, "", false};
  auto value = write_value(column, ClientValue{backend::Value::string("1"), ""}, "record 0");
  ASSERT_FALSE(value.ok());
  EXPECT_EQ(value.error().code, ErrorCode::kInternal);
}

TEST(WriteValue, NestedTypeIsBoundNotSpliced) {
  catalog::Column column{"c", "struct<`a'b`:int>", true, "", false};
  auto value = write_value(column, ClientValue{{}, "{\"a'b\":1}"}, "record 0");
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(value->text(), "from_json(?, ?, map('mode', 'FAILFAST'))");
  EXPECT_EQ(value->params().at(1).text, "struct<`a'b`:int>");
}

TEST(WriteValue, JsonWithLeadingBlanks) {
  catalog::Column column{"c", "array<int>", true, "", false};
  EXPECT_TRUE(write_value(column, ClientValue{{}, "  [1]"}, "record 0").ok());
}

TEST(WriteValue, ErrorsNameRecordAndColumn) {
  catalog::Column column{"qty", "int", true, "", false};
  auto value = write_value(column, ClientValue{{}, "{\"a\":1}"}, "record 3");
  ASSERT_FALSE(value.ok());
  EXPECT_EQ(value.error().message,
            "record 3: column 'qty' (int) expects a scalar value, not a JSON object");
  EXPECT_EQ(value.error().context_value("field"), "qty");
}

TEST(BuildInsert, ManyRecordsOneStatement) {
  InsertRequest insert;
  for (int i = 0; i < 500; ++i) {
    insert.records.push_back({{"id", ClientValue{backend::Value::int64(i), ""}},
                              {"name", ClientValue{backend::Value::string("n"), ""}}});
  }
  auto statement = build_insert(test_table(), insert);
  ASSERT_TRUE(statement.ok());
  EXPECT_EQ(statement->positional.size(), 1000u);
  EXPECT_EQ(testing::unsafe_sql_text(statement->sql, test_table(), 1000), "");
}

TEST(BuildInsert, ErrorContextNamesRecord) {
  InsertRequest insert{{{{"id", ClientValue{backend::Value::int64(1), ""}}},
                        {{"id", ClientValue{backend::Value::int64(2), ""}},
                         {"qty", ClientValue{backend::Value::boolean(true), ""}}}}};
  auto statement = build_insert(test_table(), insert);
  ASSERT_FALSE(statement.ok());
  EXPECT_EQ(statement.error().context_value("record"), "1");
}

}  // namespace
}  // namespace lakegate::sql

namespace lakegate::sql {
namespace {

// A table whose columns a role hides must never be read with `*`: the
// statement names exactly the visible columns, for every "all fields" form.
TEST(BuildSelect, HiddenColumnsAreNeverSelectedByStar) {
  catalog::TableSchema table = test_table();
  table.columns.resize(3);  // id, name, price visible; the rest hidden
  table.columns_hidden = true;
  for (const std::vector<std::string>& fields :
       {std::vector<std::string>{}, std::vector<std::string>{"*"}, std::vector<std::string>{" "}}) {
    ReadRequest read;
    read.fields = fields;
    auto statement = build_select(table, read, false);
    ASSERT_TRUE(statement.ok()) << statement.error().message;
    EXPECT_EQ(statement->sql.find('*'), std::string::npos) << statement->sql;
    EXPECT_EQ(statement->sql.rfind("SELECT `id`, `name`, `price` FROM ", 0), 0u) << statement->sql;
  }
  ReadRequest hidden_field;
  hidden_field.fields = {"qty"};
  EXPECT_FALSE(build_select(table, hidden_field, false).ok());
}

}  // namespace
}  // namespace lakegate::sql
