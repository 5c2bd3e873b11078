#include "catalog/spark_type.h"

#include <gtest/gtest.h>

namespace lakegate::catalog {
namespace {

using Kind = SparkType::Kind;

TEST(ParseSparkType, Scalars) {
  const std::pair<const char*, Kind> cases[] = {
      {"boolean", Kind::kBoolean},
      {"tinyint", Kind::kTinyInt},
      {"smallint", Kind::kSmallInt},
      {"int", Kind::kInt},
      {"INTEGER", Kind::kInt},
      {"bigint", Kind::kBigInt},
      {"float", Kind::kFloat},
      {"double", Kind::kDouble},
      {"string", Kind::kString},
      {"binary", Kind::kBinary},
      {"date", Kind::kDate},
      {"timestamp", Kind::kTimestamp},
      {"timestamp_ntz", Kind::kTimestampNtz},
      {"variant", Kind::kVariant},
      {"void", Kind::kVoid},
      {"interval year to month", Kind::kYearMonthInterval},
      {"interval year", Kind::kYearMonthInterval},
      {"interval day to second", Kind::kDayTimeInterval},
      {"interval minute", Kind::kDayTimeInterval},
      {"interval", Kind::kCalendarInterval},
      {"string collate UTF8_LCASE", Kind::kString},
  };
  for (const auto& [text, kind] : cases) {
    SparkType type = parse_spark_type(text);
    EXPECT_EQ(type.kind, kind) << text;
    EXPECT_EQ(type.text, text);
  }
}

TEST(ParseSparkType, Parameters) {
  SparkType decimal = parse_spark_type("decimal(38,18)");
  EXPECT_EQ(decimal.kind, Kind::kDecimal);
  EXPECT_EQ(decimal.precision, 38);
  EXPECT_EQ(decimal.scale, 18);
  SparkType plain = parse_spark_type("decimal");
  EXPECT_EQ(plain.precision, 10);
  EXPECT_EQ(plain.scale, 0);
  SparkType varchar = parse_spark_type("varchar(20)");
  EXPECT_EQ(varchar.kind, Kind::kVarchar);
  EXPECT_EQ(varchar.length, 20);
  EXPECT_EQ(parse_spark_type("char(3)").length, 3);
}

TEST(ParseSparkType, Nested) {
  SparkType type = parse_spark_type("map<string,array<struct<a:int,`b c`:decimal(5,1)>>>");
  ASSERT_EQ(type.kind, Kind::kMap);
  EXPECT_EQ(type.elements[0].kind, Kind::kString);
  const SparkType& array = type.elements[1];
  ASSERT_EQ(array.kind, Kind::kArray);
  const SparkType& record = array.elements[0];
  ASSERT_EQ(record.kind, Kind::kStruct);
  ASSERT_EQ(record.fields.size(), 2u);
  EXPECT_EQ(record.fields[0].name, "a");
  EXPECT_EQ(record.fields[1].name, "b c");
  EXPECT_EQ(record.fields[1].scale, 1);
  EXPECT_EQ(record.fields[1].text, "decimal(5,1)");
  EXPECT_EQ(parse_spark_type("struct<>").kind, Kind::kStruct);
  EXPECT_EQ(parse_spark_type("struct<a:int NOT NULL COMMENT 'x, y',b:string>").fields.size(), 2u);
}

TEST(ParseSparkType, UnknownKeepsText) {
  for (const char* text : {"struct<a:int,... 3 more fields>", "geometry", "array<int", "map<int>",
                           "decimal(10", "int int", ""}) {
    SparkType type = parse_spark_type(text);
    EXPECT_EQ(type.kind, Kind::kUnknown) << text;
    EXPECT_EQ(type.text, text);
  }
}

}  // namespace
}  // namespace lakegate::catalog
