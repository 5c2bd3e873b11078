#include "backend/spark_connect/schema_conversion.h"

#include <gtest/gtest.h>

namespace lakegate::backend::spark_connect {
namespace {

using spark::connect::DataType;

TEST(SchemaConversion, StructOfScalarsAndNested) {
  DataType root;
  auto* fields = root.mutable_struct_();
  auto add = [fields](const char* name, bool nullable) {
    auto* field = fields->add_fields();
    field->set_name(name);
    field->set_nullable(nullable);
    return field->mutable_data_type();
  };
  add("i", false)->mutable_integer();
  auto* decimal = add("d", true)->mutable_decimal();
  decimal->set_precision(12);
  decimal->set_scale(3);
  add("s", true)->mutable_string()->set_collation("UTF8_BINARY");
  add("ts", true)->mutable_timestamp();
  add("ntz", true)->mutable_timestamp_ntz();
  auto* array = add("a", true)->mutable_array();
  array->set_contains_null(false);
  array->mutable_element_type()->mutable_long_();
  auto* map = add("m", true)->mutable_map();
  map->mutable_key_type()->mutable_string();
  map->mutable_value_type()->mutable_double_();
  map->set_value_contains_null(true);

  arrow::Schema schema = to_arrow_schema(root, "Europe/Berlin");
  ASSERT_EQ(schema.fields.size(), 7u);
  EXPECT_EQ(schema.fields[0].name, "i");
  EXPECT_FALSE(schema.fields[0].nullable);
  EXPECT_EQ(schema.fields[0].type.id, arrow::TypeId::kInt);
  EXPECT_EQ(schema.fields[0].type.bit_width, 32);
  EXPECT_EQ(schema.fields[1].type.id, arrow::TypeId::kDecimal);
  EXPECT_EQ(schema.fields[1].type.precision, 12);
  EXPECT_EQ(schema.fields[1].type.scale, 3);
  EXPECT_EQ(schema.fields[2].type.id, arrow::TypeId::kUtf8);
  EXPECT_EQ(schema.fields[3].type.timezone, "Europe/Berlin");
  EXPECT_EQ(schema.fields[4].type.id, arrow::TypeId::kTimestamp);
  EXPECT_EQ(schema.fields[4].type.timezone, "");
  ASSERT_EQ(schema.fields[5].children.size(), 1u);
  EXPECT_EQ(schema.fields[5].children[0].name, "element");
  EXPECT_FALSE(schema.fields[5].children[0].nullable);
  EXPECT_EQ(schema.fields[5].children[0].type.bit_width, 64);
  const arrow::Field& entries = schema.fields[6].children.at(0);
  EXPECT_EQ(entries.name, "entries");
  ASSERT_EQ(entries.children.size(), 2u);
  EXPECT_EQ(entries.children[0].name, "key");
  EXPECT_FALSE(entries.children[0].nullable);
  EXPECT_EQ(entries.children[1].type.id, arrow::TypeId::kFloat);
}

TEST(SchemaConversion, EmptyAndNonStruct) {
  EXPECT_TRUE(to_arrow_schema(DataType()).fields.empty());
  DataType scalar;
  scalar.mutable_boolean();
  arrow::Schema schema = to_arrow_schema(scalar);
  ASSERT_EQ(schema.fields.size(), 1u);
  EXPECT_EQ(schema.fields[0].type.id, arrow::TypeId::kBool);
}

}  // namespace
}  // namespace lakegate::backend::spark_connect
