// The rows below are Spark 4.0.1's real answers (test bed, Delta 4.0.1 and
// Iceberg 1.10), captured with pyspark.
#include "catalog/describe_parser.h"

#include <gtest/gtest.h>

namespace lakegate::catalog {
namespace {

TextRow row(std::initializer_list<const char*> cells) {
  TextRow out;
  for (const char* cell : cells) {
    if (cell == nullptr) {
      out.push_back(std::nullopt);
    } else {
      out.emplace_back(cell);
    }
  }
  return out;
}

TEST(ParseDescribeExtended, DeltaTableWithPartitionsAndComments) {
  const std::vector<TextRow> rows = {
      row({"id", "bigint", "the id"}),
      row({"name", "string", "its, a = name"}),
      row({"tags", "array<string>", nullptr}),
      row({"st", "struct<a:int,b:string>", nullptr}),
      row({"p", "date", nullptr}),
      row({"# Partition Information", "", ""}),
      row({"# col_name", "data_type", "comment"}),
      row({"p", "date", nullptr}),
      row({"", "", ""}),
      row({"# Detailed Table Information", "", ""}),
      row({"Name", "spark_catalog.default.probe_x", ""}),
      row({"Type", "MANAGED", ""}),
      row({"Comment", "tbl comment", ""}),
      row({"Location", "file:/work/main/.testbed/warehouse/probe_x", ""}),
      row({"Provider", "delta", ""}),
      row({"Owner", "root", ""}),
      row({"Table Properties",
           "[delta.minReaderVersion=1,delta.minWriterVersion=2,lakegate.id_field=id,x.y=a,b=c]",
           ""}),
  };
  auto table = parse_describe_extended(rows);
  ASSERT_TRUE(table.ok()) << table.error().message;
  ASSERT_EQ(table->columns.size(), 5u);
  EXPECT_EQ(table->columns[0].name, "id");
  EXPECT_EQ(table->columns[0].spark_type, "bigint");
  EXPECT_EQ(table->columns[0].comment, "the id");
  EXPECT_EQ(table->columns[2].comment, "");
  EXPECT_TRUE(table->columns[0].nullable);  // until apply_nullability
  EXPECT_EQ(table->partition_columns, std::vector<std::string>{"p"});
  EXPECT_TRUE(table->columns[4].is_partition);
  EXPECT_FALSE(table->columns[0].is_partition);
  EXPECT_FALSE(table->is_view);
  EXPECT_TRUE(table->is_delta);
  EXPECT_EQ(table->provider, "delta");
  EXPECT_EQ(table->comment, "tbl comment");
  EXPECT_EQ(table->properties.at("lakegate.id_field"), "id");
  EXPECT_EQ(table->properties.at("delta.minWriterVersion"), "2");
  // DESCRIBE's list is ambiguous: "x.y=a,b=c" reads as two properties.
  EXPECT_EQ(table->properties.at("x.y"), "a");
  EXPECT_EQ(table->default_id_fields(), std::vector<std::string>{"id"});
  ASSERT_FALSE(table->details.empty());
  EXPECT_EQ(table->details[0].first, "Name");
}

TEST(ParseDescribeExtended, View) {
  const std::vector<TextRow> rows = {
      row({"id", "int", nullptr}),
      row({"c_ym", "interval year to month", nullptr}),
      row({"", "", ""}),
      row({"# Detailed Table Information", "", ""}),
      row({"Catalog", "spark_catalog", ""}),
      row({"Database", "default", ""}),
      row({"Table", "intervals", ""}),
      row({"Type", "VIEW", ""}),
      row({"View Text", "SELECT * FROM VALUES\n  (1, INTERVAL '1-2' YEAR TO MONTH)", ""}),
      row({"Table Properties", "[transient_lastDdlTime=1795814575]", ""}),
  };
  auto table = parse_describe_extended(rows);
  ASSERT_TRUE(table.ok());
  EXPECT_TRUE(table->is_view);
  EXPECT_FALSE(table->is_delta);
  EXPECT_EQ(table->provider, "");
  EXPECT_EQ(table->columns.size(), 2u);
  EXPECT_EQ(table->properties.at("transient_lastDdlTime"), "1795814575");
}

TEST(ParseDescribeExtended, IcebergSkipsMetadataColumnsAndReadsPartitioning) {
  const std::vector<TextRow> rows = {
      row({"region_id", "int", nullptr}),
      row({"quarter", "string", nullptr}),
      row({"", "", ""}),
      row({"# Partitioning", "", ""}),
      row({"Part 0", "quarter", ""}),
      row({"Part 1", "bucket(16, region_id)", ""}),
      row({"", "", ""}),
      row({"# Metadata Columns", "", ""}),
      row({"_spec_id", "int", ""}),
      row({"_file", "string", ""}),
      row({"", "", ""}),
      row({"# Detailed Table Information", "", ""}),
      row({"Name", "lake.sales.targets", ""}),
      row({"Type", "MANAGED", ""}),
      row({"Provider", "iceberg", ""}),
      row({"Table Properties",
           "[current-snapshot-id=3724789740378503540,format=iceberg/parquet,format-version=2]",
           ""}),
      row({"Statistics", "800 bytes, 20 rows", nullptr}),
  };
  auto table = parse_describe_extended(rows);
  ASSERT_TRUE(table.ok());
  ASSERT_EQ(table->columns.size(), 2u);
  EXPECT_EQ(table->partition_columns, std::vector<std::string>{"quarter"});
  EXPECT_EQ(table->provider, "iceberg");
  EXPECT_FALSE(table->is_delta);
  EXPECT_EQ(table->properties.at("format"), "iceberg/parquet");
  EXPECT_TRUE(table->default_id_fields().empty());
}

TEST(ParseDescribeExtended, RejectsOtherShapes) {
  EXPECT_EQ(parse_describe_extended({}).error().code, ErrorCode::kProtocol);
  EXPECT_EQ(parse_describe_extended({row({"only one cell"})}).error().code, ErrorCode::kProtocol);
}

TEST(ParsePropertyList, EdgeCases) {
  EXPECT_TRUE(parse_property_list("").empty());
  EXPECT_TRUE(parse_property_list("[]").empty());
  EXPECT_TRUE(parse_property_list("no brackets=1").empty());
  auto glued = parse_property_list("[a=1, b=x,y ,c=]");
  EXPECT_EQ(glued.at("a"), "1");
  EXPECT_EQ(glued.at("b"), "x,y ");
  EXPECT_EQ(glued.at("c"), "");
}

TEST(ParseTblproperties, ExactValues) {
  auto properties = parse_tblproperties({row({"x.y", "a,b=c"}), row({"k", nullptr})});
  EXPECT_EQ(properties.at("x.y"), "a,b=c");
  EXPECT_EQ(properties.at("k"), "");
}

TEST(ApplyNullability, ByNameThenPosition) {
  TableSchema table;
  for (const char* name : {"id", "st", "x"}) {
    Column column;
    column.name = name;
    column.spark_type = "int";
    table.columns.push_back(column);
  }
  arrow::Schema schema;
  schema.fields.resize(3);
  schema.fields[0].name = "st";
  schema.fields[0].nullable = false;
  schema.fields[1].name = "id";
  schema.fields[1].nullable = false;
  schema.fields[2].name = "renamed";
  schema.fields[2].nullable = false;
  apply_nullability(table, schema);
  EXPECT_FALSE(table.columns[0].nullable);
  EXPECT_FALSE(table.columns[1].nullable);
  EXPECT_FALSE(table.columns[2].nullable);  // same count: matched by position
  schema.fields.pop_back();
  table.columns[2].nullable = true;
  apply_nullability(table, schema);
  EXPECT_TRUE(table.columns[2].nullable);
}

TEST(ParseTableListing, ShowTableExtended) {
  const std::vector<TextRow> rows = {
      row({"default", "variants", "false",
           "Catalog: spark_catalog\nDatabase: default\nTable: variants\nType: MANAGED\n"
           "Provider: delta\nLocation: file:/w/variants\n"}),
      row({"default", "intervals", "false",
           "Catalog: spark_catalog\nTable: intervals\nType: VIEW\nView Text: SELECT 1\n"
           "Provider: x\n"}),
      row({"", "temp_view", "true", "Table: temp_view\nType: VIEW\n"}),
      row({"default", "all_types", "false", "Type: MANAGED\nProvider: DELTA\n"}),
  };
  auto tables = parse_table_listing(rows, 1, 2, 3);
  ASSERT_EQ(tables.size(), 3u);
  EXPECT_EQ(tables[0].name, "all_types");
  EXPECT_TRUE(tables[0].is_delta);
  EXPECT_EQ(tables[1].name, "intervals");
  EXPECT_EQ(tables[1].type, "view");
  EXPECT_FALSE(tables[1].is_delta);
  EXPECT_EQ(tables[2].name, "variants");
  EXPECT_EQ(tables[2].type, "table");
  EXPECT_TRUE(tables[2].is_delta);

  auto plain = parse_table_listing({row({"sales", "regions", "false"})}, 1, 2, -1);
  ASSERT_EQ(plain.size(), 1u);
  EXPECT_EQ(plain[0].type, "table");
  EXPECT_FALSE(plain[0].is_delta);
}

TEST(InformationValue, FirstMatchingLineOnly) {
  EXPECT_EQ(information_value("Type: VIEW\nView Text: Type: MANAGED", "Type"), "VIEW");
  EXPECT_EQ(information_value("Provider: delta", "Provider"), "delta");
  EXPECT_EQ(information_value("Providers: x", "Provider"), "");
  EXPECT_EQ(information_value("", "Type"), "");
}

TEST(ConfiguredCatalogs, OnlyCatalogNameKeys) {
  const std::vector<TextRow> rows = {
      row({"spark.sql.catalog.lake", "org.apache.iceberg.spark.SparkCatalog"}),
      row({"spark.sql.catalog.lake.type", "hadoop"}),
      row({"spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog"}),
      row({"spark.sql.catalogImplementation", "hive"}),
      row({"spark.sql.catalog.", "x"}),
      row({"spark.master", "local[2]"}),
  };
  EXPECT_EQ(configured_catalogs(rows), (std::vector<std::string>{"lake", "spark_catalog"}));
  EXPECT_EQ(first_column({row({"a"}), row({nullptr}), row({"b"})}),
            (std::vector<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace lakegate::catalog
