// backend::parse_spark_type, the one reader of Spark type text (catalog/,
// api/ and the Thrift backend all use it).
#include "backend/spark_type.h"

#include <gtest/gtest.h>

namespace lakegate::backend {
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

// Spark prints struct field names unquoted (catalogString), so an unquoted
// name runs up to the next ':' and may hold blanks, commas and angle brackets,
// or be empty; a back-quoted name may hold ':'.
TEST(ParseSparkType, StructFieldNames) {
  SparkType type = parse_spark_type("struct<a b:int,x,y:string,<z>:bigint,:date,`d:e`:boolean>");
  ASSERT_EQ(type.kind, Kind::kStruct);
  ASSERT_EQ(type.fields.size(), 5u);
  EXPECT_EQ(type.fields[0].name, "a b");
  EXPECT_EQ(type.fields[1].name, "x,y");
  EXPECT_EQ(type.fields[1].kind, Kind::kString);
  EXPECT_EQ(type.fields[2].name, "<z>");
  EXPECT_EQ(type.fields[3].name, "");
  EXPECT_EQ(type.fields[3].kind, Kind::kDate);
  EXPECT_EQ(type.fields[4].name, "d:e");
  EXPECT_EQ(parse_spark_type("struct<`a``b`:int>").fields[0].name, "a`b");
}

TEST(ParseSparkType, DdlSpellingAndBlanks) {
  SparkType type =
      parse_spark_type("  STRUCT<a: INT NOT NULL, b: ARRAY<DECIMAL(5, 2)> COMMENT \"c\">\n");
  ASSERT_EQ(type.kind, Kind::kStruct);
  ASSERT_EQ(type.fields.size(), 2u);
  EXPECT_EQ(type.fields[0].kind, Kind::kInt);
  EXPECT_EQ(type.fields[1].elements[0].precision, 5);
  EXPECT_EQ(type.fields[1].elements[0].scale, 2);
  EXPECT_EQ(type.text, "STRUCT<a: INT NOT NULL, b: ARRAY<DECIMAL(5, 2)> COMMENT \"c\">");
  EXPECT_EQ(parse_spark_type("interval day to second").kind, Kind::kDayTimeInterval);
  EXPECT_EQ(parse_spark_type("character(2)").kind, Kind::kChar);
  EXPECT_EQ(parse_spark_type("null").kind, Kind::kVoid);
}

TEST(ParseSparkType, UnknownKeepsText) {
  for (const char* text :
       {"struct<a:int,... 3 more fields>", "struct<s:struct<a:int,... 2 more fields>,t:int>",
        "geometry", "array<int", "map<int>", "decimal(10", "int int", "", "char", "varchar",
        "string(5)", "string collate", "struct<a>"}) {
    SparkType type = parse_spark_type(text);
    EXPECT_EQ(type.kind, Kind::kUnknown) << text;
    EXPECT_EQ(type.text, text);
  }
}

}  // namespace
}  // namespace lakegate::backend
