// Spark types remembered by statement shape: the same SQL with values of the
// same kinds shares them; other kinds, other names or an old entry do not.
#include "backend/hive_thrift/described_types.h"

#include <gtest/gtest.h>

namespace lakegate::backend::hive_thrift {
namespace {

using namespace std::chrono_literals;

Statement with(std::vector<Value> values) {
  Statement statement;
  statement.sql = "SELECT * FROM trips WHERE passenger_count = ? LIMIT 10";
  statement.positional = std::move(values);
  return statement;
}

TEST(StatementShape, ValuesDoNotCountTheirKindsDo) {
  EXPECT_EQ(statement_shape(with({Value::int64(1)})), statement_shape(with({Value::int64(6)})));
  EXPECT_NE(statement_shape(with({Value::int64(1)})), statement_shape(with({Value::string("1")})));
  EXPECT_NE(statement_shape(with({Value::int64(1)})), statement_shape(with({})));
  Statement named = with({});
  named.named.emplace_back("a", Value::int64(1));
  Statement renamed = with({});
  renamed.named.emplace_back("b", Value::int64(1));
  EXPECT_NE(statement_shape(named), statement_shape(renamed));
}

TEST(DescribedTypes, FoundOnlyForTheSameColumnsWithinTheTtl) {
  DescribedTypes types(10, 60s);
  const auto now = DescribedTypes::Clock::now();
  types.store("s", {"id", "at"}, {"bigint", "timestamp_ntz"}, now);
  auto found = types.find("s", {"id", "at"}, now + 59s);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(*found, (std::vector<std::string>{"bigint", "timestamp_ntz"}));
  EXPECT_FALSE(types.find("other", {"id", "at"}, now).has_value());
  EXPECT_FALSE(types.find("s", {"id", "when"}, now).has_value());  // renamed: asked again
  types.store("s", {"id", "at"}, {"bigint", "timestamp"}, now);
  EXPECT_FALSE(types.find("s", {"id", "at"}, now + 61s).has_value());  // too old
}

TEST(DescribedTypes, TheLeastRecentlyUsedGoFirst) {
  DescribedTypes types(2, 60s);
  const auto now = DescribedTypes::Clock::now();
  types.store("a", {"x"}, {"int"}, now);
  types.store("b", {"x"}, {"int"}, now);
  ASSERT_TRUE(types.find("a", {"x"}, now).has_value());
  types.store("c", {"x"}, {"int"}, now);
  EXPECT_TRUE(types.find("a", {"x"}, now).has_value());
  EXPECT_FALSE(types.find("b", {"x"}, now).has_value());
  EXPECT_TRUE(types.find("c", {"x"}, now).has_value());
}

}  // namespace
}  // namespace lakegate::backend::hive_thrift
