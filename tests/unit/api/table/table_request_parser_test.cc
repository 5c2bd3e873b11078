// parse_table_options: every DreamFactory option and alias, the order
// syntax, JSON bodies of tunnelled and write requests, and bad values → 400.
#include "api/table/table_request_parser.h"

#include <gtest/gtest.h>

namespace lakegate::api {
namespace {

http::Request get(std::vector<std::pair<std::string, std::string>> query, std::string body = "") {
  http::Request request;
  request.method = "GET";
  request.query = std::move(query);
  request.body = std::move(body);
  return request;
}

http::Request write(std::string method, std::string body,
                    std::vector<std::pair<std::string, std::string>> query = {}) {
  http::Request request;
  request.method = std::move(method);
  request.query = std::move(query);
  request.body = std::move(body);
  return request;
}

TableOptions parse_ok(const http::Request& request) {
  auto options = parse_table_options(request);
  EXPECT_TRUE(options.ok()) << options.error().message;
  return options.ok() ? std::move(*options) : TableOptions{};
}

void expect_400(const http::Request& request, std::string_view fragment = "") {
  auto options = parse_table_options(request);
  ASSERT_FALSE(options.ok());
  EXPECT_EQ(options.error().code, ErrorCode::kBadRequest);
  EXPECT_NE(options.error().message.find(fragment), std::string::npos) << options.error().message;
}

TEST(TableOptions, DreamFactoryNames) {
  auto o = parse_ok(get({{"filter", "a = 1"},
                         {"fields", "a, b"},
                         {"limit", "5"},
                         {"offset", "10"},
                         {"order", "a desc"},
                         {"group", "a,b"},
                         {"ids", "1,2,3"},
                         {"id_field", "a"},
                         {"include_count", "true"},
                         {"count_only", "1"},
                         {"as_list", "yes"},
                         {"include_schema", "on"},
                         {"history", "false"},
                         {"file", "x.csv"},
                         {"cursor", "abc"},
                         {"continue", "true"}}));
  EXPECT_EQ(o.read.filter, "a = 1");
  EXPECT_EQ(o.read.fields, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(o.read.limit, 5);
  EXPECT_EQ(o.read.offset, 10);
  ASSERT_EQ(o.read.order.size(), 1u);
  EXPECT_TRUE(o.read.order[0].descending);
  EXPECT_EQ(o.read.group, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(o.read.ids, (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(o.read.id_fields, (std::vector<std::string>{"a"}));
  EXPECT_TRUE(o.include_count);
  EXPECT_TRUE(o.count_only);
  EXPECT_TRUE(o.as_list);
  EXPECT_TRUE(o.include_schema);
  EXPECT_FALSE(o.history);
  EXPECT_EQ(o.file, "x.csv");
  EXPECT_EQ(o.cursor, "abc");
  EXPECT_TRUE(o.continue_on_error);
}

TEST(TableOptions, Aliases) {
  auto o = parse_ok(get({{"where", "x > 2"},
                         {"select", "x"},
                         {"top", "7"},
                         {"skip", "3"},
                         {"sort", "x"},
                         {"group_by", "x"}}));
  EXPECT_EQ(o.read.filter, "x > 2");
  EXPECT_EQ(o.read.fields, (std::vector<std::string>{"x"}));
  EXPECT_EQ(o.read.limit, 7);
  EXPECT_EQ(o.read.offset, 3);
  ASSERT_EQ(o.read.order.size(), 1u);
  EXPECT_EQ(o.read.order[0].column, "x");
  EXPECT_EQ(o.read.group, (std::vector<std::string>{"x"}));
  auto p = parse_ok(get({{"order_by", "y asc"}}));
  ASSERT_EQ(p.read.order.size(), 1u);
  EXPECT_EQ(p.read.order[0].column, "y");
}

TEST(TableOptions, FirstOccurrenceWinsAndUnknownParamsAreIgnored) {
  auto o = parse_ok(get({{"limit", "1"}, {"top", "2"}, {"api_key", "k"}, {"related", "*"}}));
  EXPECT_EQ(o.read.limit, 1);
}

TEST(TableOptions, StarMeansAllFieldsAndLimitBelowOneMeansDefault) {
  auto o = parse_ok(get({{"fields", "*"}, {"limit", "-4"}}));
  EXPECT_TRUE(o.read.fields.empty());
  EXPECT_EQ(o.read.limit, 0);
}

TEST(TableOptions, TimeTravel) {
  auto o = parse_ok(get({{"as_of_version", "12"}}));
  EXPECT_EQ(o.read.time_travel.version, 12);
  auto t = parse_ok(get({{"as_of_timestamp", "2024-01-01 00:00:00"}}));
  EXPECT_EQ(t.read.time_travel.timestamp, "2024-01-01 00:00:00");
  expect_400(get({{"as_of_version", "1"}, {"as_of_timestamp", "2024-01-01"}}), "not both");
  expect_400(get({{"as_of_version", "-1"}}), "negative");
  expect_400(get({{"as_of_version", "x"}}), "not an integer");
  expect_400(get({{"cursor", "c"}, {"as_of_version", "1"}}), "cursor");
}

TEST(TableOptions, BadValuesAre400) {
  expect_400(get({{"limit", "ten"}}), "limit");
  expect_400(get({{"limit", "1.5"}}), "limit");
  expect_400(get({{"offset", "-1"}}), "offset");
  expect_400(get({{"offset", "9999999999999999999999"}}), "offset");
  expect_400(get({{"include_count", "maybe"}}), "include_count");
  expect_400(get({{"continue", "1"}, {"rollback", "1"}}),
             "Rollback and continue operations can not be requested at the same time.");
  expect_400(get({{"ids", ","}}), "ids");
}

TEST(TableOptions, EmptyFlagMeansTrue) {
  EXPECT_TRUE(parse_ok(get({{"include_count", ""}})).include_count);
}

TEST(OrderClause, Syntax) {
  auto terms = parse_order("a desc nulls last, b, c ASC NULLS FIRST,`d e` desc, `x``y`");
  ASSERT_TRUE(terms.ok()) << terms.error().message;
  ASSERT_EQ(terms->size(), 5u);
  EXPECT_EQ((*terms)[0].column, "a");
  EXPECT_TRUE((*terms)[0].descending);
  EXPECT_EQ((*terms)[0].nulls_first, false);
  EXPECT_EQ((*terms)[1].column, "b");
  EXPECT_FALSE((*terms)[1].descending);
  EXPECT_FALSE((*terms)[1].nulls_first.has_value());
  EXPECT_EQ((*terms)[2].nulls_first, true);
  EXPECT_EQ((*terms)[3].column, "d e");
  EXPECT_EQ((*terms)[4].column, "x`y");
  auto nulls_only = parse_order("a nulls first");
  ASSERT_TRUE(nulls_only.ok());
  EXPECT_FALSE((*nulls_only)[0].descending);
  EXPECT_EQ((*nulls_only)[0].nulls_first, true);
}

TEST(OrderClause, Rejections) {
  for (const char* bad : {"a; drop table t", "a desc desc", "a sideways", "a nulls",
                          "a nulls middle", "`a", "a, ,b", "a desc -- x"}) {
    auto terms = parse_order(bad);
    EXPECT_FALSE(terms.ok()) << bad;
    if (!terms.ok()) {
      EXPECT_EQ(terms.error().code, ErrorCode::kBadRequest);
    }
  }
  expect_400(get({{"order", "a;"}}), ";");
}

TEST(TableOptions, ParamsFromTheQueryString) {
  auto o = parse_ok(get({{"filter", "a = :x"}, {"params[:x]", "1"}, {"params[y]", "two"}}));
  ASSERT_EQ(o.read.params.size(), 2u);
  EXPECT_EQ(o.read.params[0].first, "x");
  EXPECT_EQ(o.read.params[0].second.scalar.text, "1");
  EXPECT_EQ(o.read.params[1].first, "y");
  auto j = parse_ok(get({{"params", R"({":n": 5, "s": "t"})"}}));
  ASSERT_EQ(j.read.params.size(), 2u);
  EXPECT_EQ(j.read.params[0].second.scalar.kind, backend::Value::Kind::kInt64);
  expect_400(get({{"params", "[1"}}), "params");
}

TEST(TableOptions, TunnelledGetBody) {
  auto o = parse_ok(get({{"limit", "3"}},
                        R"({"filter":"a = :v","params":{":v":12.50},"limit":9,"fields":["a","b"],
                            "ids":[1,"x,y"],"include_count":true,"order":"a desc"})"));
  EXPECT_EQ(o.read.filter, "a = :v");
  EXPECT_EQ(o.read.limit, 3);  // the query string wins
  EXPECT_EQ(o.read.fields, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(o.read.ids, (std::vector<std::string>{"1", "x,y"}));
  EXPECT_TRUE(o.include_count);
  ASSERT_EQ(o.read.params.size(), 1u);
  EXPECT_EQ(o.read.params[0].first, "v");
  EXPECT_EQ(o.read.params[0].second.scalar.kind, backend::Value::Kind::kDecimal);
  EXPECT_EQ(o.read.params[0].second.scalar.text, "12.50");
  auto df = parse_ok(get({}, R"({"params":[{"name":":a","value":"x"}]})"));
  ASSERT_EQ(df.read.params.size(), 1u);
  EXPECT_EQ(df.read.params[0].first, "a");
  expect_400(get({}, "[1,2]"), "GET body");
  expect_400(get({}, "{\"filter\":"), "JSON");
  expect_400(get({}, R"({"limit":[1]})"), "limit");
}

TEST(TableOptions, WriteBodies) {
  auto wrapped =
      parse_ok(write("POST", R"({"resource":[{"id":1,"n":"a","d":1.50,"l":[1,2]},{"id":2}],
                                          "fields":"id,n"})"));
  ASSERT_EQ(wrapped.records.size(), 2u);
  EXPECT_FALSE(wrapped.single_object);
  EXPECT_EQ(wrapped.read.fields, (std::vector<std::string>{"id", "n"}));
  const ParsedRecord& first = wrapped.records[0];
  ASSERT_EQ(first.values.size(), 4u);
  EXPECT_EQ(*first.raw("D"), "1.50");
  EXPECT_EQ(*first.raw("n"), "\"a\"");
  EXPECT_EQ(*first.raw("l"), "[1,2]");
  EXPECT_TRUE(first.values[3].second.is_json());
  EXPECT_EQ(first.values[2].second.scalar.kind, backend::Value::Kind::kDecimal);

  auto bare = parse_ok(write("POST", R"([{"a":null},{"a":true}])"));
  ASSERT_EQ(bare.records.size(), 2u);
  EXPECT_EQ(bare.records[0].values[0].second.scalar.kind, backend::Value::Kind::kNull);

  auto single = parse_ok(write("PATCH", R"({"a":1,"filter":"x"})", {{"ids", "4"}}));
  EXPECT_TRUE(single.single_object);
  ASSERT_EQ(single.records.size(), 1u);
  EXPECT_EQ(single.records[0].values.size(), 2u);  // a bare object is a record, not options
  EXPECT_TRUE(single.read.filter.empty());

  expect_400(write("POST", "[1]"), "record 0 is not a JSON object");
  expect_400(write("POST", R"({"resource":{"a":1}})"), "resource");
  expect_400(write("POST", R"([{"a":1}] x)"), "JSON");
  expect_400(write("POST", "\"text\""), "JSON object or array");
}

TEST(TableOptions, SplitList) {
  EXPECT_EQ(split_list(" a , b,,c "), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(split_list("").empty());
}

}  // namespace
}  // namespace lakegate::api
