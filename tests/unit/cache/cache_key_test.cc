#include "cache/cache_key.h"

#include <gtest/gtest.h>

#include <set>

namespace lakegate::cache {
namespace {

using backend::Statement;
using backend::Value;

std::string key_of(const Statement& statement) {
  return KeyBuilder().add(statement).take();
}

Statement select_with(std::vector<Value> values) {
  Statement statement;
  statement.sql = "SELECT * FROM t WHERE a = ?";
  statement.positional = std::move(values);
  return statement;
}

TEST(CacheKeyTest, FieldBoundariesCannotBeShifted) {
  EXPECT_NE(KeyBuilder().add("ab").add("c").take(), KeyBuilder().add("a").add("bc").take());
  EXPECT_NE(KeyBuilder().add("1:a").take(), KeyBuilder().add("1").add("a").take());
  EXPECT_NE(KeyBuilder().add("").add("x").take(), KeyBuilder().add("x").add("").take());
}

TEST(CacheKeyTest, AValueIsKeyedByItsKindAndExactContent) {
  std::set<std::string> keys = {
      key_of(select_with({Value::int64(1)})),
      key_of(select_with({Value::string("1")})),
      key_of(select_with({Value::decimal("1")})),
      key_of(select_with({Value::decimal("1.0")})),
      key_of(select_with({Value::float64(1.0)})),
      key_of(select_with({Value::float64(1.0000000000000002)})),
      key_of(select_with({Value::boolean(true)})),
      key_of(select_with({Value::null()})),
      key_of(select_with({Value::string("")})),
      key_of(select_with({})),
      key_of(select_with({Value::int64(1), Value::null()})),
  };
  EXPECT_EQ(keys.size(), 11u);
}

TEST(CacheKeyTest, TheSessionKindAndNamedValuesArePartOfTheStatement) {
  Statement shared = select_with({});
  Statement read_only = shared;
  read_only.session = backend::SessionUse::kReadOnly;
  EXPECT_NE(key_of(shared), key_of(read_only));
  Statement named = shared;
  named.named.emplace_back("a", Value::string("x"));
  Statement renamed = shared;
  renamed.named.emplace_back("b", Value::string("x"));
  EXPECT_NE(key_of(named), key_of(renamed));
  EXPECT_NE(key_of(named), key_of(shared));
  EXPECT_EQ(key_of(named), key_of(named));  // the same inputs, the same key
}

TEST(CacheKeyTest, AStringCannotPoseAsTheNextField) {
  // A bound value that contains what the next field would look like.
  Statement sneaky = select_with({Value::string("x"), Value::string("y")});
  Statement posing = select_with({Value::string("x1:s1:y")});
  EXPECT_NE(key_of(sneaky), key_of(posing));
}

}  // namespace
}  // namespace lakegate::cache
