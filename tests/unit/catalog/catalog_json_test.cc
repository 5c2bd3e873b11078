#include "api/catalog/catalog_json.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include "api/catalog/catalog_common.h"
#include "api/catalog/catalog_schema_json.h"

namespace lakegate::api {
namespace {

TEST(JsonWriter, CommasAndEscapes) {
  JsonWriter json;
  json.begin_object().field("a", "x\"y").field("n", 3).field("b", false).null_field("z");
  json.key("list").begin_array().value("1").begin_object().end_object().begin_array().end_array();
  json.end_array().key("s").string_array({"p", "q"}).end_object();
  EXPECT_EQ(json.take(),
            R"({"a":"x\"y","n":3,"b":false,"z":null,"list":["1",{},[]],"s":["p","q"]})");
}

TEST(Labels, DreamFactoryStyle) {
  EXPECT_EQ(label_of("order_items"), "Order Items");
  EXPECT_EQ(label_of("trips"), "Trips");
  EXPECT_EQ(label_of("tpep_pickup_datetime"), "Tpep Pickup Datetime");
}

TEST(TableDisplayName, RelativeToServiceDefaults) {
  config::ServiceConfig service;
  service.catalog = "spark_catalog";
  service.schema = "nyctaxi";
  EXPECT_EQ(table_display_name({"spark_catalog", "nyctaxi", "trips"}, service), "trips");
  EXPECT_EQ(table_display_name({"spark_catalog", "retail", "orders"}, service), "retail.orders");
  EXPECT_EQ(table_display_name({"lake", "sales", "regions"}, service), "lake.sales.regions");
  EXPECT_EQ(table_display_name({"lake", "a.b", "c`d"}, service), "lake.`a.b`.`c``d`");
}

TEST(DreamFactoryType, SparkTypes) {
  const std::pair<const char*, const char*> cases[] = {
      {"int", "integer"},
      {"bigint", "bigint"},
      {"decimal(10,2)", "decimal"},
      {"string", "string"},
      {"varchar(3)", "string"},
      {"timestamp", "timestamptz"},
      {"timestamp_ntz", "timestamp"},
      {"array<int>", "array"},
      {"map<string,int>", "object"},
      {"struct<a:int>", "object"},
      {"variant", "json"},
      {"interval day", "string"},
      {"binary", "binary"},
      {"boolean", "boolean"},
      {"date", "date"},
  };
  for (const auto& [spark, df] : cases) {
    EXPECT_EQ(dreamfactory_type(backend::parse_spark_type(spark)), df) << spark;
  }
}

TEST(TableDescription, DreamFactoryShape) {
  catalog::TableSchema table;
  table.name = {"spark_catalog", "default", "items"};
  table.columns = {{"sku", "varchar(12)", false, "stock keeping unit", false},
                   {"price", "decimal(12,2)", true, "", false},
                   {"day", "date", true, "", true}};
  table.partition_columns = {"day"};
  table.is_delta = true;
  table.provider = "delta";
  table.properties = {{"lakegate.id_field", "sku"}};
  table.details = {{"Type", "MANAGED"}, {"Provider", "delta"}, {"Table Properties", "[…]"}};
  JsonWriter json;
  write_table_description(json, table, "items");
  const std::string text = json.take();
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(text).get(doc), simdjson::SUCCESS) << text;
  EXPECT_EQ(std::string_view(doc["name"]), "items");
  EXPECT_EQ(bool(doc["is_delta"]), true);
  EXPECT_EQ(bool(doc["is_view"]), false);
  EXPECT_EQ(std::string_view(doc["primary_key"].at(0)), "sku");
  EXPECT_EQ(std::string_view(doc["native"]["Type"]), "MANAGED");
  EXPECT_TRUE(doc["native"]["Table Properties"].error());
  auto sku = doc["field"].at(0);
  EXPECT_EQ(std::string_view(sku["type"]), "string");
  EXPECT_EQ(std::string_view(sku["db_type"]), "varchar(12)");
  EXPECT_EQ(int64_t(sku["length"]), 12);
  EXPECT_EQ(bool(sku["allow_null"]), false);
  EXPECT_EQ(bool(sku["is_primary_key"]), true);
  EXPECT_EQ(std::string_view(sku["description"]), "stock keeping unit");
  auto price = doc["field"].at(1);
  EXPECT_EQ(int64_t(price["precision"]), 12);
  EXPECT_EQ(int64_t(price["scale"]), 2);
  EXPECT_EQ(bool(doc["field"].at(2)["is_partition"]), true);
}

TEST(DefaultIdFields, PropertyThenIdColumn) {
  catalog::TableSchema table;
  for (const char* name : {"ID", "a", "b"}) {
    catalog::Column column;
    column.name = name;
    column.spark_type = "int";
    table.columns.push_back(column);
  }
  EXPECT_EQ(table.default_id_fields(), std::vector<std::string>{"ID"});
  table.properties["lakegate.id_field"] = "a, B";
  EXPECT_EQ(table.default_id_fields(), (std::vector<std::string>{"a", "b"}));
  table.properties["lakegate.id_field"] = "a,missing";
  EXPECT_EQ(table.default_id_fields(), std::vector<std::string>{"ID"});
  table.columns.erase(table.columns.begin());
  EXPECT_TRUE(table.default_id_fields().empty());
}

}  // namespace
}  // namespace lakegate::api
