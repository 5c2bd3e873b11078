// Injection attempts, in values and in names: each either becomes a bound
// parameter (its text never appears in the SQL) or is rejected as an unknown
// column. Also a randomized sweep over nasty characters.
#include <gtest/gtest.h>

#include <random>

#include "sql/table_statements.h"
#include "test_schema.h"

namespace lakegate::sql {
namespace {

using testing::test_table;
using testing::unsafe_sql_text;

const char* const kAttacks[] = {
    "'; DROP TABLE orders; --",
    "' OR '1'='1",
    "\" OR \"\"=\"",
    "` OR 1=1 --",
    "x`; DROP TABLE `orders",
    "/* comment */",
    "-- comment",
    "1; DELETE FROM orders",
    "＇ OR ＇1＇=＇1",  // fullwidth apostrophes
    "ʼ OR 1=1",         // modifier letter apostrophe
    "\\' OR 1=1 --",
    "%' ESCAPE '",
    "1) OR (1=1",
    "SELECT * FROM secrets",
    "${jndi:ldap://x}",
    "\u2028\u2029",
};

bool params_contain(const backend::Statement& statement, std::string_view text) {
  for (const auto& value : statement.positional) {
    if (value.text.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(Injection, ValuesBecomeParameters) {
  auto table = test_table();
  for (const char* attack : kAttacks) {
    SCOPED_TRACE(attack);
    ReadRequest read;
    read.filter = "name = :p or name contains :p or name in (:p) or name like :p";
    read.params = {{":p", ClientValue{backend::Value::string(attack), ""}}};
    read.ids = {attack};
    read.id_fields = {"id"};
    auto select = build_select(table, read, false);
    ASSERT_TRUE(select.ok()) << select.error().message;
    EXPECT_EQ(unsafe_sql_text(select->sql, table, select->positional.size()), "") << select->sql;
    EXPECT_TRUE(params_contain(*select, attack));

    InsertRequest insert{{{{"id", ClientValue{backend::Value::int64(1), ""}},
                           {"name", ClientValue{backend::Value::string(attack), ""}}}}};
    auto statement = build_insert(table, insert);
    ASSERT_TRUE(statement.ok());
    EXPECT_EQ(unsafe_sql_text(statement->sql, table, statement->positional.size()), "");
    EXPECT_TRUE(params_contain(*statement, attack));
  }
}

TEST(Injection, QuotedValuesInFilterTextBecomeParameters) {
  auto table = test_table();
  for (const char* attack : kAttacks) {
    std::string doubled;
    for (const char* c = attack; *c; ++c) {
      if (*c == '\'') doubled += '\'';
      doubled += *c;
    }
    auto fragment = bind_filter_text("name = '" + doubled + "'", table, {}, nullptr);
    ASSERT_TRUE(fragment.ok()) << attack << ": " << fragment.error().message;
    EXPECT_EQ(fragment->text(), "(`name` = ?)");
    EXPECT_EQ(fragment->params().at(0).text, attack);
  }
}

TEST(Injection, NamesAreRejectedAsUnknownColumns) {
  auto table = test_table();
  for (const char* attack : kAttacks) {
    SCOPED_TRACE(attack);
    ReadRequest read;
    read.fields = {attack};
    EXPECT_EQ(build_select(table, read, false).error().message,
              std::string("Invalid field requested: ") + attack);
    read.fields = {};
    read.order = {{attack, false, std::nullopt}};
    EXPECT_EQ(build_select(table, read, false).error().code, ErrorCode::kBadRequest);
    read.order = {};
    read.group = {attack};
    EXPECT_EQ(build_select(table, read, false).error().code, ErrorCode::kBadRequest);
    read.group = {};
    read.ids = {"1"};
    read.id_fields = {attack};
    EXPECT_EQ(build_select(table, read, false).error().code, ErrorCode::kBadRequest);

    std::string quoted = "`";
    for (const char* c = attack; *c; ++c)
      quoted += *c == '`' ? std::string("``") : std::string(1, *c);
    auto fragment = bind_filter_text(quoted + "` = 1", table, {}, nullptr);
    ASSERT_FALSE(fragment.ok());
    EXPECT_EQ(fragment.error().code, ErrorCode::kBadRequest);

    InsertRequest insert{{{{attack, ClientValue{backend::Value::int64(1), ""}}}}};
    EXPECT_EQ(build_insert(table, insert).error().code, ErrorCode::kBadRequest);
    UpdateRequest update{
        {{attack, ClientValue{backend::Value::int64(1), ""}}}, "qty = 1", {}, {}, {}};
    EXPECT_EQ(build_update(table, update).error().code, ErrorCode::kBadRequest);
    MergeRequest merge{{{{"id", ClientValue{backend::Value::int64(1), ""}}}}, {attack}};
    EXPECT_EQ(build_merge(table, merge).error().code, ErrorCode::kBadRequest);
  }
}

TEST(Injection, TimeTravelTimestampIsCheckedAndBound) {
  auto table = test_table();
  ReadRequest read;
  read.time_travel.timestamp = "2024-01-01' UNION SELECT 1 --";
  EXPECT_EQ(build_select(table, read, false).error().code, ErrorCode::kBadRequest);
  read.time_travel.timestamp = "2024-01-01 10:00:00+02:00";
  auto statement = build_select(table, read, false);
  ASSERT_TRUE(statement.ok());
  EXPECT_EQ(statement->sql, "SELECT * FROM `spark_catalog`.`shop`.`orders` TIMESTAMP AS OF ?");
}

// Random filters over an alphabet rich in quotes, operators and unicode:
// whatever parses must bind to safe SQL with as many markers as params.
TEST(Injection, RandomFilters) {
  const std::vector<std::string> pieces = {"name", "qty",      "`weird`` name`",
                                           "nope", " ",        "=",
                                           "!=",   "<>",       ">=",
                                           "(",    ")",        ",",
                                           "'",    "''",       "\"",
                                           "`",    ";",        "--",
                                           "/*",   "*/",       "and",
                                           "or",   "not",      "in",
                                           "like", "contains", "starts",
                                           "with", "between",  "is",
                                           "null", "1",        "2.5",
                                           "-3e2", ":p",       "{u}",
                                           "x",    "ü",        "＇",
                                           "&&",   "||",       "%",
                                           "_",    "!",        "\\"};
  auto table = test_table();
  FilterParams params = {{"p", ClientValue{backend::Value::string("v"), ""}}};
  LookupValues lookups = {{"u", backend::Value::int64(1)}};
  const std::vector<std::string> columns = {"name", "qty", "`weird`` name`", "Größe", "nope"};
  const std::vector<std::string> operators = {
      "=", "!=", ">=", " like ", " contains ", " not starts with ", " in ", " between "};
  const std::vector<std::string> values = {"'a''b'",     "\"x\"",   "1",   "-2.5",
                                           "3e1",        ":p",      "{u}", "'; DROP --'",
                                           "(1, '2,3')", "1 and 2", "＇",  "`x`"};
  std::mt19937 random(12345);
  auto pick = [&random](const std::vector<std::string>& from) {
    return from[random() % from.size()];
  };
  int accepted = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    if (round % 2 == 0) {  // structured: conditions joined by AND / OR, some garbage mixed in
      int conditions = 1 + static_cast<int>(random() % 4);
      for (int i = 0; i < conditions; ++i) {
        if (i > 0) text += random() % 2 ? " and " : " || ";
        if (random() % 5 == 0) text += "not ";
        text += pick(columns) + pick(operators) + pick(values);
        if (random() % 10 == 0) text += pick(pieces);
      }
    } else {
      int length = 1 + static_cast<int>(random() % 12);
      for (int i = 0; i < length; ++i) text += pick(pieces);
    }
    auto fragment = bind_filter_text(text, table, params, &lookups);
    if (!fragment) {
      EXPECT_EQ(fragment.error().code, ErrorCode::kBadRequest) << text;
      continue;
    }
    ++accepted;
    EXPECT_EQ(unsafe_sql_text(fragment->text(), table, fragment->params().size()), "")
        << text << " → " << fragment->text();
  }
  EXPECT_GT(accepted, 1000);
}

}  // namespace
}  // namespace lakegate::sql
