#include "sql/filter_binder.h"

#include <gtest/gtest.h>

#include "sql/filter_parser.h"
#include "test_schema.h"

namespace lakegate::sql {
namespace {

using testing::test_table;
using testing::value_repr;

std::string bound(std::string_view text, const FilterParams& params = {},
                  const LookupValues* lookups = nullptr) {
  auto fragment = bind_filter_text(text, test_table(), params, lookups);
  if (!fragment) return "error: " + fragment.error().message;
  std::string out = fragment->text();
  for (const auto& value : fragment->params()) out += " | " + value_repr(value);
  return out;
}

TEST(FilterBinder, EscapeLike) {
  EXPECT_EQ(escape_like("a%b_c!d\\e"), "a!%b!_c!!d\\e");
  EXPECT_EQ(escape_like(""), "");
}

TEST(FilterBinder, OutputIsFullyParenthesised) {
  EXPECT_EQ(bound("qty = 1"), "(`qty` = ?) | int:1");
  EXPECT_EQ(bound("not qty = 1"), "(NOT (`qty` = ?)) | int:1");
  EXPECT_EQ(bound("qty = 1 and (qty = 2 or qty = 3)"),
            "((`qty` = ?) AND ((`qty` = ?) OR (`qty` = ?))) | int:1 | int:2 | int:3");
}

TEST(FilterBinder, ColumnsOnlyInSchemaSpelling) {
  EXPECT_EQ(bound("QtY = 1"), "(`qty` = ?) | int:1");
  EXPECT_EQ(bound("`WEIRD`` NAME` = 1"), "(`weird`` name` = ?) | str:\"1\"");
}

TEST(FilterBinder, UnknownColumnMessage) {
  auto fragment = bind_filter_text("qty = 1 and nope = 2", test_table(), {}, nullptr);
  ASSERT_FALSE(fragment.ok());
  EXPECT_EQ(fragment.error().code, ErrorCode::kBadRequest);
  EXPECT_EQ(fragment.error().message, "Invalid or unparsable field in filter request: 'nope'");
  EXPECT_EQ(fragment.error().context_value("position"), "13");
}

TEST(FilterBinder, ParamsWithOrWithoutColon) {
  FilterParams params = {{":a", ClientValue{backend::Value::int64(1), ""}},
                         {"b", ClientValue{backend::Value::string("x"), ""}}};
  EXPECT_EQ(bound("qty = :a and name = :b", params),
            "((`qty` = ?) AND (`name` = ?)) | int:1 | str:\"x\"");
}

TEST(FilterBinder, StringColumnsBindText) {
  FilterParams params = {{"d", ClientValue{backend::Value::float64(0.1), ""}},
                         {"b", ClientValue{backend::Value::boolean(false), ""}}};
  EXPECT_EQ(bound("name in (:d, :b, 1.50, 007)", params),
            "(`name` IN (?, ?, ?, ?)) | str:\"0.1\" | str:\"false\" | str:\"1.50\" | str:\"007\"");
}

TEST(FilterBinder, LookupsNeedValues) {
  EXPECT_EQ(bound("id = {user.id}"), "error: filter: unknown lookup '{user.id}' at position 6");
  LookupValues lookups = {{"user.id", backend::Value::int64(5)}};
  EXPECT_EQ(bound("id = {user.id}", {}, &lookups), "(`id` = ?) | int:5");
  EXPECT_EQ(bound("id = {user.name}", {}, &lookups),
            "error: filter: unknown lookup '{user.name}' at position 6");
}

TEST(FilterBinder, PolicyNodeBindsLikeAnyFilter) {
  auto policy = filter::parse("name = {user.name} or active = true");
  ASSERT_TRUE(policy.ok());
  LookupValues lookups = {{"user.name", backend::Value::string("ann")}};
  auto fragment = bind_filter(*policy, test_table(), {}, &lookups);
  ASSERT_TRUE(fragment.ok());
  EXPECT_EQ(fragment->text(), "((`name` = ?) OR (`active` = ?))");
  EXPECT_EQ(fragment->params().size(), 2u);
}

TEST(FilterBinder, BlankTextIsNoFilter) {
  auto fragment = bind_filter_text(" \t\n", test_table(), {}, nullptr);
  ASSERT_TRUE(fragment.ok());
  EXPECT_TRUE(fragment->empty());
}

}  // namespace
}  // namespace lakegate::sql
