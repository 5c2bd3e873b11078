// TRowSet → Arrow for every decoding, checked through the JSON lakegate
// renders (format/json_value.h); nested values from to_json text; Spark type
// names; result plans.
#include "backend/hive_thrift/column_decoder.h"

#include <gtest/gtest.h>

#include "backend/hive_thrift/json_decoder.h"
#include "backend/hive_thrift/result_plan.h"
#include "backend/hive_thrift/spark_type_to_arrow.h"
#include "format/json_value.h"

namespace lakegate::backend::hive_thrift {
namespace {

// Renders column 0 of `row_set` decoded with `plan` as JSON values.
std::vector<std::string> render(const tcli::TRowSet& row_set, const ColumnPlan& plan) {
  OwnedBatch batch;
  auto ok = decode_row_set(row_set, {plan}, batch);
  EXPECT_TRUE(ok) << (ok ? "" : ok.error().message);
  std::vector<std::string> out;
  if (!ok) return out;
  auto view = batch.view();
  for (int64_t row = 0; row < view.num_rows; ++row) {
    std::string text;
    format::append_json_value(text, plan.field, view.columns[0], row);
    out.push_back(text);
  }
  return out;
}

ColumnPlan plan_for(std::string_view spark_type, Decode decode) {
  ColumnPlan plan;
  plan.field = *spark_type_to_arrow(spark_type, "c", "UTC");
  plan.decode = decode;
  return plan;
}

tcli::TRowSet strings(std::vector<std::string> values, std::string nulls = {}) {
  tcli::TRowSet row_set;
  tcli::TColumn column;
  column.__set_stringVal({});
  column.stringVal.values = std::move(values);
  column.stringVal.nulls = std::move(nulls);
  row_set.columns.push_back(column);
  return row_set;
}

using Rows = std::vector<std::string>;

TEST(ColumnDecoder, NativeTypesWithShortNullBitmaps) {
  tcli::TRowSet ints;
  tcli::TColumn column;
  column.__set_i32Val({});
  for (int i = 0; i < 10; ++i) column.i32Val.values.push_back(i - 5);
  column.i32Val.nulls = std::string("\x02", 1);  // row 1 null; bytes for rows 8-9 missing
  ints.columns.push_back(column);
  EXPECT_EQ(render(ints, plan_for("int", Decode::kInt32)),
            (Rows{"-5", "null", "-3", "-2", "-1", "0", "1", "2", "3", "4"}));

  tcli::TRowSet longs;
  column = {};
  column.__set_i64Val({});
  column.i64Val.values = {INT64_MIN, INT64_MAX};
  longs.columns.push_back(column);
  EXPECT_EQ(render(longs, plan_for("bigint", Decode::kInt64)),
            (Rows{"-9223372036854775808", "9223372036854775807"}));

  tcli::TRowSet bools;
  column = {};
  column.__set_boolVal({});
  column.boolVal.values = {true, false, true};
  column.boolVal.nulls = std::string("\x04", 1);
  bools.columns.push_back(column);
  EXPECT_EQ(render(bools, plan_for("boolean", Decode::kBool)), (Rows{"true", "false", "null"}));

  tcli::TRowSet bytes;
  column = {};
  column.__set_byteVal({});
  column.byteVal.values = {-128, 127};
  bytes.columns.push_back(column);
  EXPECT_EQ(render(bytes, plan_for("tinyint", Decode::kInt8)), (Rows{"-128", "127"}));

  tcli::TRowSet floats;  // floats come as doubles of their decimal text
  column = {};
  column.__set_doubleVal({});
  column.doubleVal.values = {0.1, 3.4028234663852886e38, -0.0, std::nan("")};
  floats.columns.push_back(column);
  EXPECT_EQ(render(floats, plan_for("float", Decode::kFloat)),
            (Rows{"0.1", "3.4028235e+38", "-0", "\"NaN\""}));
  EXPECT_EQ(render(floats, plan_for("double", Decode::kDouble))[0], "0.1");

  tcli::TRowSet binary;
  column = {};
  column.__set_binaryVal({});
  column.binaryVal.values = {std::string("\x00\xff", 2), ""};
  binary.columns.push_back(column);
  EXPECT_EQ(render(binary, plan_for("binary", Decode::kBinary)), (Rows{"\"AP8=\"", "\"\""}));
}

TEST(ColumnDecoder, TextTypes) {
  EXPECT_EQ(render(strings({"it's \"q\" \\", ""}, "\x02"), plan_for("string", Decode::kString)),
            (Rows{"\"it's \\\"q\\\" \\\\\"", "null"}));
  EXPECT_EQ(
      render(strings({"12.30", "", "-0.01"}, "\x02"), plan_for("decimal(10,2)", Decode::kDecimal)),
      (Rows{"12.30", "null", "-0.01"}));
  EXPECT_EQ(render(strings({"99999999999999999999999999999999999999"}),
                   plan_for("decimal(38,0)", Decode::kDecimal)),
            (Rows{"99999999999999999999999999999999999999"}));
  EXPECT_EQ(render(strings({"0001-01-01", "9999-12-31"}), plan_for("date", Decode::kDate)),
            (Rows{"\"0001-01-01\"", "\"9999-12-31\""}));
  EXPECT_EQ(render(strings({"2024-02-29 12:34:56.789012", "1970-01-01 00:00:00"}),
                   plan_for("timestamp", Decode::kTimestamp)),
            (Rows{"\"2024-02-29T12:34:56.789012+00:00\"", "\"1970-01-01T00:00:00+00:00\""}));
  EXPECT_EQ(render(strings({"2024-02-29 12:34:56"}), plan_for("timestamp_ntz", Decode::kTimestamp)),
            (Rows{"\"2024-02-29T12:34:56\""}));
  EXPECT_EQ(
      render(strings({"1-2", "-0-3"}), plan_for("interval year to month", Decode::kYearMonth)),
      (Rows{"\"P1Y2M\"", "\"-P3M\""}));
  EXPECT_EQ(render(strings({"1 02:03:04.500000000", "-0 03:00:00.000000000"}),
                   plan_for("interval day to second", Decode::kDayTime)),
            (Rows{"\"P1DT2H3M4.5S\"", "\"-PT3H\""}));
  ColumnPlan null_plan;
  null_plan.field.type.id = arrow::TypeId::kNull;
  null_plan.decode = Decode::kNull;
  EXPECT_EQ(render(strings({"", ""}, "\x03"), null_plan), (Rows{"null", "null"}));
  EXPECT_FALSE([&] {
    OwnedBatch batch;
    return decode_row_set(strings({"12.345"}), {plan_for("decimal(10,2)", Decode::kDecimal)},
                          batch);
  }());
}

TEST(ColumnDecoder, NestedValuesFromToJson) {
  // Strings full of quotes and backslashes survive exactly.
  EXPECT_EQ(render(strings({R"(["a\"b","c\\d","\\\"",null,""])", "[]", ""}, "\x04"),
                   plan_for("array<string>", Decode::kJson)),
            (Rows{R"(["a\"b","c\\d","\\\"",null,""])", "[]", "null"}));
  EXPECT_EQ(
      render(strings({R"({"1":"one","-2":null})"}), plan_for("map<int,string>", Decode::kJson)),
      (Rows{R"([{"key":1,"value":"one"},{"key":-2,"value":null}])"}));
  EXPECT_EQ(render(strings({R"({"k\"":[1,2],"":[]})"}),
                   plan_for("map<string,array<int>>", Decode::kJson)),
            (Rows{R"({"k\"":[1,2],"":[]})"}));
  // Members missing from the JSON are null; unknown ones are ignored.
  EXPECT_EQ(
      render(strings({R"({"b":"x","zz":1})", R"({"a":1,"b":null,"c":[1.5,"NaN","-Infinity"]})"}),
             plan_for("struct<a:int,b:string,c:array<double>>", Decode::kJson)),
      (Rows{R"({"a":null,"b":"x","c":null})", R"({"a":1,"b":null,"c":[1.5,"NaN","-Infinity"]})"}));
  EXPECT_EQ(
      render(
          strings(
              {R"({"d":"2020-01-01","t":"2020-01-01 10:00:00.000001","n":"2020-01-01 10:00:00.000000","m":12.50,"b":"AP8=","u":"\u00fc\ud83d\ude00"})"}),
          plan_for("struct<d:date,t:timestamp,n:timestamp_ntz,m:decimal(4,2),b:binary,u:string>",
                   Decode::kJson)),
      (Rows{
          R"({"d":"2020-01-01","t":"2020-01-01T10:00:00.000001+00:00","n":"2020-01-01T10:00:00","m":12.50,"b":"AP8=","u":"ü😀"})"}));
  EXPECT_EQ(render(strings({R"([{"x":1,"y":"a"},null])"}),
                   plan_for("array<struct<x:int,y:string>>", Decode::kJson)),
            (Rows{R"([{"x":1,"y":"a"},null])"}));
  EXPECT_FALSE([&] {
    OwnedBatch batch;
    return decode_row_set(strings({"[1,"}), {plan_for("array<int>", Decode::kJson)}, batch);
  }());
}

TEST(SparkTypeToArrow, Names) {
  auto nested = spark_type_to_arrow(
      "struct<a b:int,c:map<string,array<timestamp_ntz>>,`d:e`:decimal(38,18)>", "x", "UTC");
  ASSERT_TRUE(nested);
  ASSERT_EQ(nested->children.size(), 3u);
  EXPECT_EQ(nested->children[0].name, "a b");
  EXPECT_EQ(nested->children[2].name, "d:e");
  EXPECT_EQ(nested->children[2].type.scale, 18);
  EXPECT_EQ(nested->children[1].type.id, arrow::TypeId::kMap);
  EXPECT_TRUE(spark_type_to_arrow("string collate UTF8_LCASE", "x", "UTC"));
  EXPECT_TRUE(spark_type_to_arrow("varchar(10)", "x", "UTC"));
  EXPECT_EQ(spark_type_to_arrow("interval year", "x", "UTC")->type.id, arrow::TypeId::kInterval);
  EXPECT_EQ(spark_type_to_arrow("interval hour to second", "x", "UTC")->type.id,
            arrow::TypeId::kDuration);
  EXPECT_EQ(spark_type_to_arrow("timestamp", "x", "UTC")->type.timezone, "UTC");
  EXPECT_EQ(spark_type_to_arrow("timestamp_ntz", "x", "UTC")->type.timezone, "");
  EXPECT_FALSE(spark_type_to_arrow("variant", "x", "UTC"));
  EXPECT_FALSE(spark_type_to_arrow("array<int", "x", "UTC"));
}

// Every Spark type the reader knows, as the Arrow field Spark Connect sends.
TEST(SparkTypeToArrow, Types) {
  using arrow::TypeId;
  const struct {
    const char* spark_type;
    TypeId id;
    int bit_width;
  } cases[] = {
      {"boolean", TypeId::kBool, 0},
      {"tinyint", TypeId::kInt, 8},
      {"smallint", TypeId::kInt, 16},
      {"int", TypeId::kInt, 32},
      {"bigint", TypeId::kInt, 64},
      {"float", TypeId::kFloat, 32},
      {"double", TypeId::kFloat, 64},
      {"decimal(5,2)", TypeId::kDecimal, 128},
      {"string", TypeId::kUtf8, 0},
      {"char(3)", TypeId::kUtf8, 0},
      {"varchar(9)", TypeId::kUtf8, 0},
      {"binary", TypeId::kBinary, 0},
      {"date", TypeId::kDate, 0},
      {"timestamp_ltz", TypeId::kTimestamp, 0},
      {"void", TypeId::kNull, 0},
      {"interval year to month", TypeId::kInterval, 0},
      {"interval day", TypeId::kDuration, 0},
  };
  for (const auto& test : cases) {
    auto field = spark_type_to_arrow(test.spark_type, "c", "UTC");
    ASSERT_TRUE(field) << test.spark_type;
    EXPECT_EQ(field->name, "c");
    EXPECT_EQ(field->type.id, test.id) << test.spark_type;
    EXPECT_EQ(field->type.bit_width, test.bit_width) << test.spark_type;
  }
  auto decimal = spark_type_to_arrow("decimal", "d", "UTC");
  EXPECT_EQ(decimal->type.precision, 10);
  EXPECT_EQ(decimal->type.scale, 0);
  auto map = spark_type_to_arrow("map<int,array<string>>", "m", "Europe/Paris");
  ASSERT_TRUE(map);
  ASSERT_EQ(map->children.size(), 1u);
  const arrow::Field& entries = map->children[0];
  EXPECT_EQ(entries.name, "entries");
  EXPECT_FALSE(entries.nullable);
  ASSERT_EQ(entries.children.size(), 2u);
  EXPECT_EQ(entries.children[0].name, "key");
  EXPECT_FALSE(entries.children[0].nullable);
  EXPECT_EQ(entries.children[1].name, "value");
  EXPECT_EQ(entries.children[1].children[0].name, "element");
  auto zoned = spark_type_to_arrow("array<timestamp>", "t", "Europe/Paris");
  EXPECT_EQ(zoned->children[0].type.timezone, "Europe/Paris");
  EXPECT_TRUE(contains_timestamp(*zoned));
  // Struct member names as Spark prints them (unquoted), comments skipped.
  auto record = spark_type_to_arrow("struct<x,y:int,:string COMMENT 'c'>", "s", "UTC");
  ASSERT_TRUE(record);
  ASSERT_EQ(record->children.size(), 2u);
  EXPECT_EQ(record->children[0].name, "x,y");
  EXPECT_EQ(record->children[1].name, "");
  EXPECT_TRUE(spark_type_to_arrow("struct<>", "s", "UTC"));
  // No Arrow form: calendar intervals, variants (also nested), unreadable text.
  for (const char* spark_type :
       {"interval", "array<variant>", "struct<a:int,... 3 more fields>", "geometry", ""}) {
    auto failed = spark_type_to_arrow(spark_type, "c", "UTC");
    ASSERT_FALSE(failed) << spark_type;
    EXPECT_EQ(failed.error().code, ErrorCode::kUnsupportedType);
  }
}

tcli::TColumnDesc column_desc(std::string name, tcli::TTypeId::type type) {
  tcli::TColumnDesc desc;
  desc.columnName = std::move(name);
  tcli::TTypeEntry entry;
  entry.__set_primitiveEntry({});
  entry.primitiveEntry.type = type;
  desc.typeDesc.types.push_back(entry);
  return desc;
}

TEST(ResultPlan, TimestampsAndNestedColumns) {
  tcli::TTableSchema schema;
  schema.columns = {column_desc("ts", tcli::TTypeId::TIMESTAMP_TYPE),
                    column_desc("ntz", tcli::TTypeId::TIMESTAMP_TYPE),
                    column_desc("arr", tcli::TTypeId::ARRAY_TYPE),
                    column_desc("n", tcli::TTypeId::INT_TYPE)};
  EXPECT_TRUE(needs_spark_types(schema));
  auto untyped = plan_result(schema, {}, "UTC", "SELECT 1");
  ASSERT_TRUE(untyped);
  EXPECT_TRUE(untyped->rerun_sql.empty());
  EXPECT_EQ(untyped->columns[2].decode, Decode::kText);
  auto typed = plan_result(schema, {"timestamp", "timestamp_ntz", "array<string>", "int"}, "UTC",
                           "SELECT x FROM t -- comment;\n;");
  ASSERT_TRUE(typed);
  EXPECT_EQ(typed->columns[0].field.type.timezone, "UTC");
  EXPECT_EQ(typed->columns[1].field.type.timezone, "");
  EXPECT_EQ(typed->columns[2].decode, Decode::kJson);
  EXPECT_EQ(typed->rerun_sql.rfind("SELECT c0, c1, to_json(c2, map(", 0), 0u);
  EXPECT_NE(typed->rerun_sql.find(
                " FROM (\nSELECT x FROM t -- comment\n) AS lakegate_result(c0, c1, c2, c3)"),
            std::string::npos);
  auto zoned = plan_result(schema, {"timestamp", "timestamp_ntz", "array<string>", "int"},
                           "America/New_York", "SELECT 1");
  EXPECT_EQ(zoned->columns[0].decode, Decode::kMicros);
  EXPECT_NE(zoned->rerun_sql.find("unix_micros(c0)"), std::string::npos);
  EXPECT_TRUE(is_utc_zone("Etc/UTC"));
  EXPECT_FALSE(is_utc_zone("Europe/Paris"));
}

}  // namespace
}  // namespace lakegate::backend::hive_thrift
