#include "api/openapi/openapi_document.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include "api/catalog/catalog_json.h"
#include "api/openapi/openapi_types.h"

namespace lakegate::api {
namespace {

std::string schema_of(const char* spark_type, bool nullable) {
  JsonWriter json;
  write_value_schema(json, backend::parse_spark_type(spark_type), nullable);
  return json.take();
}

TEST(OpenApiTypes, Scalars) {
  EXPECT_EQ(schema_of("bigint", false), R"({"type":"integer","format":"int64"})");
  EXPECT_EQ(schema_of("int", true), R"({"type":["integer","null"],"format":"int32"})");
  EXPECT_EQ(schema_of("binary", false), R"({"type":"string","contentEncoding":"base64"})");
  EXPECT_EQ(schema_of("timestamp", false), R"({"type":"string","format":"date-time"})");
  EXPECT_EQ(schema_of("date", false), R"({"type":"string","format":"date"})");
  EXPECT_EQ(schema_of("varchar(5)", false), R"({"type":"string","maxLength":5})");
  EXPECT_EQ(schema_of("double", false),
            R"({"anyOf":[{"type":"number","format":"double"},)"
            R"({"type":"string","enum":["NaN","Infinity","-Infinity"]}]})");
  EXPECT_EQ(schema_of("geometry", true), "{}");
}

TEST(OpenApiTypes, Nested) {
  EXPECT_EQ(schema_of("array<string>", false),
            R"({"type":"array","items":{"type":["string","null"]}})");
  EXPECT_EQ(
      schema_of("map<string,int>", false),
      R"({"type":"object","additionalProperties":{"type":["integer","null"],"format":"int32"}})");
  EXPECT_EQ(schema_of("map<int,string>", false),
            R"({"type":"array","items":{"type":"object","properties":{"key":{"type":"integer",)"
            R"("format":"int32"},"value":{"type":["string","null"]}}}})");
  EXPECT_EQ(schema_of("struct<a:boolean>", false),
            R"({"type":"object","properties":{"a":{"type":["boolean","null"]}}})");
}

TEST(OpenApiTypes, ColumnAnnotations) {
  JsonWriter json;
  write_column_schema(json, catalog::Column{"d", "decimal(10,2)", false, "fare", false});
  EXPECT_EQ(json.take(),
            R"j({"description":"fare (exact decimal: parse without binary floating point)",)j"
            R"j("x-spark-type":"decimal(10,2)","type":"number","x-decimal-precision":10,)j"
            R"j("x-decimal-scale":2})j");
}

catalog::Column column(const char* name, const char* type, bool nullable = true) {
  catalog::Column out;
  out.name = name;
  out.spark_type = type;
  out.nullable = nullable;
  return out;
}

OpenApiInput sample_input() {
  auto trips = std::make_shared<catalog::TableSchema>();
  trips->name = {"spark_catalog", "nyctaxi", "trips"};
  trips->is_delta = true;
  trips->columns = {column("id", "bigint", false), column("fare_amount", "decimal(10,2)")};
  auto view = std::make_shared<catalog::TableSchema>();
  view->name = {"spark_catalog", "nyctaxi", "v w"};
  view->is_view = true;
  view->columns = {column("x", "int")};
  OpenApiInput input;
  input.service_name = "spark";
  input.server_url = "http://h:1/api/v2/spark";
  input.version = "0.1.0";
  input.catalog = "spark_catalog";
  input.schema = "nyctaxi";
  input.tables = {{"trips", false, true, trips, ""},
                  {"v w", true, false, view, ""},
                  {"Error", false, false, nullptr, "broken"}};
  return input;
}

TEST(OpenApiDocument, PathsAndComponents) {
  const std::string text = build_openapi_document(sample_input());
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(text).get(doc), simdjson::SUCCESS) << text;
  EXPECT_EQ(std::string_view(doc["openapi"]), "3.1.0");
  EXPECT_EQ(std::string_view(doc["servers"].at(0)["url"]), "http://h:1/api/v2/spark");
  auto paths = doc["paths"];
  for (const char* verb : {"get", "post", "put", "patch", "delete"}) {
    EXPECT_FALSE(paths["/_table/trips"][verb].error()) << verb;
  }
  EXPECT_FALSE(paths["/_table/trips"]["get"]["parameters"].error());
  EXPECT_FALSE(paths["/_table/trips/{id}"]["get"].error());
  // A view is read-only; its name is percent-encoded in the path.
  EXPECT_FALSE(paths["/_table/v%20w"]["get"].error());
  EXPECT_TRUE(paths["/_table/v%20w"]["post"].error());
  for (const char* fixed :
       {"/_table", "/_query", "/_catalog", "/_catalog/{catalog}", "/_catalog/{catalog}/{schema}",
        "/_schema", "/_schema/{table_name}", "/_spec"}) {
    EXPECT_FALSE(paths[fixed].error()) << fixed;
  }
  auto schemas = doc["components"]["schemas"];
  EXPECT_EQ(std::string_view(schemas["trips"]["properties"]["id"]["format"]), "int64");
  EXPECT_FALSE(schemas["trips.Records"].error());
  EXPECT_FALSE(schemas["v_w"].error());
  EXPECT_FALSE(schemas["Error_2"].error());  // a table named like a shared schema
  EXPECT_FALSE(schemas["Error"]["properties"]["error"].error());
  EXPECT_EQ(std::string_view(paths["/_table/Error"]["get"]["operationId"]), "getRecords_Error_2");
}

TEST(PercentEncodeSegment, ReservedCharacters) {
  EXPECT_EQ(percent_encode_segment("a b/c{d}"), "a%20b%2Fc%7Bd%7D");
  EXPECT_EQ(percent_encode_segment("trips_1m.x-y~"), "trips_1m.x-y~");
}

}  // namespace
}  // namespace lakegate::api
