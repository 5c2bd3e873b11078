#include "catalog/name_resolution.h"

#include <gtest/gtest.h>

#include "catalog/metadata_cache.h"

namespace lakegate::catalog {
namespace {

config::ServiceConfig service(std::string catalog, std::string schema) {
  config::ServiceConfig config;
  config.name = "svc";
  config.catalog = std::move(catalog);
  config.schema = std::move(schema);
  return config;
}

TableName resolved(std::string_view text, const config::ServiceConfig& config) {
  auto name = resolve_table_name(text, config);
  EXPECT_TRUE(name.ok()) << text << ": " << (name.ok() ? "" : name.error().message);
  return name.ok() ? *name : TableName{};
}

TEST(ResolveTableName, AppliesServiceDefaults) {
  const auto config = service("lake", "sales");
  EXPECT_EQ(resolved("regions", config), (TableName{"lake", "sales", "regions"}));
  EXPECT_EQ(resolved("other.regions", config), (TableName{"lake", "other", "regions"}));
  EXPECT_EQ(resolved("spark_catalog.nyctaxi.trips", config),
            (TableName{"spark_catalog", "nyctaxi", "trips"}));
}

TEST(ResolveTableName, FallsBackToSparkCatalogAndDefault) {
  const auto config = service("", "");
  EXPECT_EQ(resolved("t", config), (TableName{"spark_catalog", "default", "t"}));
  EXPECT_EQ(resolved("s.t", config), (TableName{"spark_catalog", "s", "t"}));
  EXPECT_EQ(default_catalog(config), "spark_catalog");
  EXPECT_EQ(default_schema(config), "default");
}

TEST(ResolveTableName, BackQuotedParts) {
  const auto config = service("", "");
  EXPECT_EQ(resolved("`my.schema`.`a``b`", config),
            (TableName{"spark_catalog", "my.schema", "a`b"}));
  EXPECT_EQ(resolved("`c`.s.`t t`", config), (TableName{"c", "s", "t t"}));
  EXPECT_EQ(resolved("````", config), (TableName{"spark_catalog", "default", "`"}));
}

TEST(ResolveTableName, RejectsMalformedNames) {
  const auto config = service("", "");
  for (std::string_view bad :
       {"", ".", "a.", ".a", "a..b", "a.b.c.d", "`a", "`a`b", "a`b", "``", "a.``"}) {
    auto name = resolve_table_name(bad, config);
    ASSERT_FALSE(name.ok()) << bad;
    EXPECT_EQ(name.error().code, ErrorCode::kBadRequest) << bad;
  }
}

TEST(SplitNameParts, HonoursMaxParts) {
  EXPECT_TRUE(split_name_parts("a.b", 2).ok());
  EXPECT_FALSE(split_name_parts("a.b.c", 2).ok());
  auto parts = split_name_parts("x.`y.z`");
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(*parts, (std::vector<std::string>{"x", "y.z"}));
}

}  // namespace
}  // namespace lakegate::catalog
