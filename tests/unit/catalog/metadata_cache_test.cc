#include "catalog/metadata_cache.h"

#include <gtest/gtest.h>

#include <thread>

#include "catalog/metadata_sql.h"
#include "fake_backend.h"
#include "util/blocking_guard.h"

namespace lakegate::catalog {
namespace {

using testing::Answer;
using testing::FakeBackend;

const TableName kTrips{"spark_catalog", "nyctaxi", "trips"};

Answer rows(std::vector<std::string> columns,
            std::vector<std::vector<std::optional<std::string>>> values) {
  Answer answer;
  answer.columns = std::move(columns);
  answer.rows = std::move(values);
  return answer;
}

class MetadataCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    service_.name = "svc";
    backend_.script("SHOW CATALOGS", rows({"catalog"}, {{"spark_catalog"}}));
    backend_.script(
        "SET",
        rows({"key", "value"}, {{"spark.sql.catalog.lake", "org.apache.iceberg.spark.SparkCatalog"},
                                {"spark.sql.catalog.lake.type", "hadoop"}}));
    backend_.script(metadata_sql::show_schemas("spark_catalog"),
                    rows({"namespace"}, {{"nyctaxi"}, {"default"}}));
    backend_.script(metadata_sql::show_tables_extended("spark_catalog", "nyctaxi"),
                    rows({"namespace", "tableName", "isTemporary", "information"},
                         {{"nyctaxi", "trips", "false", "Type: MANAGED\nProvider: delta\n"},
                          {"nyctaxi", "v", "false", "Type: VIEW\n"}}));
    backend_.script(
        metadata_sql::describe_extended(kTrips),
        rows({"col_name", "data_type", "comment"}, {{"id", "bigint", std::nullopt},
                                                    {"fare", "decimal(10,2)", "the fare"},
                                                    {"", "", ""},
                                                    {"# Detailed Table Information", "", ""},
                                                    {"Type", "MANAGED", ""},
                                                    {"Provider", "delta", ""},
                                                    {"Table Properties", "[x.y=a,b=c]", ""}}));
    Answer empty;
    empty.columns = {"id", "fare"};
    empty.nullable = {false, true};
    backend_.script(metadata_sql::empty_select(kTrips), empty);
    backend_.script(metadata_sql::show_tblproperties(kTrips),
                    rows({"key", "value"}, {{"x.y", "a,b=c"}}));
    backend_.script(metadata_sql::last_history_entry(kTrips),
                    rows({"version", "timestamp"}, {{"7", "2026-01-01"}}));
  }

  config::ServiceConfig service_;
  FakeBackend backend_;
  backend::CancelToken cancel_;
};

TEST_F(MetadataCacheTest, CatalogsAddConfiguredOnes) {
  MetadataCache cache(backend_, service_);
  auto catalogs = cache.catalogs(cancel_);
  ASSERT_TRUE(catalogs.ok());
  EXPECT_EQ(*catalogs, (std::vector<std::string>{"spark_catalog", "lake"}));
}

TEST_F(MetadataCacheTest, CatalogsWithoutSetPermission) {
  backend_.fail("SET", Error(ErrorCode::kSparkAnalysis, "SET is not allowed"));
  MetadataCache cache(backend_, service_);
  auto catalogs = cache.catalogs(cancel_);
  ASSERT_TRUE(catalogs.ok());
  EXPECT_EQ(*catalogs, std::vector<std::string>{"spark_catalog"});
}

TEST_F(MetadataCacheTest, SchemasSortedAndUnknownCatalog404) {
  MetadataCache cache(backend_, service_);
  auto schemas = cache.schemas("spark_catalog", cancel_);
  ASSERT_TRUE(schemas.ok());
  EXPECT_EQ(*schemas, (std::vector<std::string>{"default", "nyctaxi"}));
  auto unknown = cache.schemas("nosuch", cancel_);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(unknown.error().message, "Catalog \"nosuch\" does not exist.");
}

TEST_F(MetadataCacheTest, TablesWithTypes) {
  MetadataCache cache(backend_, service_);
  auto tables = cache.tables("spark_catalog", "nyctaxi", cancel_);
  ASSERT_TRUE(tables.ok());
  ASSERT_EQ(tables->size(), 2u);
  EXPECT_EQ((*tables)[0].name, "trips");
  EXPECT_TRUE((*tables)[0].is_delta);
  EXPECT_EQ((*tables)[1].type, "view");
}

TEST_F(MetadataCacheTest, TablesFallBackToShowTables) {
  backend_.fail(metadata_sql::show_tables_extended("lake", "sales"),
                Error(ErrorCode::kSparkAnalysis, "not supported"));
  backend_.script(metadata_sql::show_tables("lake", "sales"),
                  rows({"namespace", "tableName", "isTemporary"}, {{"sales", "regions", "false"}}));
  MetadataCache cache(backend_, service_);
  auto tables = cache.tables("lake", "sales", cancel_);
  ASSERT_TRUE(tables.ok()) << tables.error().message;
  ASSERT_EQ(tables->size(), 1u);
  EXPECT_FALSE((*tables)[0].is_delta);
}

TEST_F(MetadataCacheTest, TableDroppedDuringListingFallsBack) {
  // A concurrent DROP makes SHOW TABLE EXTENDED fail for a table, not the schema.
  backend_.fail(metadata_sql::show_tables_extended("spark_catalog", "busy"),
                Error(ErrorCode::kTableNotFound, "[TABLE_OR_VIEW_NOT_FOUND] …")
                    .with("errorClass", "TABLE_OR_VIEW_NOT_FOUND"));
  backend_.script(metadata_sql::show_tables("spark_catalog", "busy"),
                  rows({"namespace", "tableName", "isTemporary"}, {{"busy", "t", "false"}}));
  MetadataCache cache(backend_, service_);
  auto tables = cache.tables("spark_catalog", "busy", cancel_);
  ASSERT_TRUE(tables.ok()) << tables.error().message;
  EXPECT_EQ(tables->size(), 1u);
  EXPECT_EQ(backend_.count(metadata_sql::show_tables_extended("spark_catalog", "busy")), 3);
}

TEST_F(MetadataCacheTest, UnknownSchemaIs404) {
  backend_.fail(metadata_sql::show_tables_extended("spark_catalog", "nosuch"),
                Error(ErrorCode::kTableNotFound, "[SCHEMA_NOT_FOUND] …")
                    .with("errorClass", "SCHEMA_NOT_FOUND"));
  MetadataCache cache(backend_, service_);
  auto tables = cache.tables("spark_catalog", "nosuch", cancel_);
  ASSERT_FALSE(tables.ok());
  EXPECT_EQ(tables.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(tables.error().message,
            "Schema \"spark_catalog.nosuch\" does not exist in the database.");
  EXPECT_EQ(backend_.count(metadata_sql::show_tables("spark_catalog", "nosuch")), 0);
}

TEST_F(MetadataCacheTest, IcebergMissingNamespaceIs404) {
  // Iceberg raises a bare NoSuchNamespaceException (no error class).
  const Error missing =
      Error(ErrorCode::kSparkAnalysis, "Namespace does not exist: nosuch")
          .with("exception", "org.apache.iceberg.exceptions.NoSuchNamespaceException");
  backend_.fail(metadata_sql::show_tables_extended("lake", "nosuch"), missing);
  MetadataCache cache(backend_, service_);
  auto tables = cache.tables("lake", "nosuch", cancel_);
  ASSERT_FALSE(tables.ok());
  EXPECT_EQ(tables.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(backend_.count(metadata_sql::show_tables("lake", "nosuch")), 0);
}

TEST_F(MetadataCacheTest, DescribeMergesThreeAnswers) {
  MetadataCache cache(backend_, service_);
  auto table = cache.describe(kTrips, cancel_);
  ASSERT_TRUE(table.ok()) << table.error().message;
  const TableSchema& schema = **table;
  EXPECT_EQ(schema.name, kTrips);
  ASSERT_EQ(schema.columns.size(), 2u);
  EXPECT_FALSE(schema.columns[0].nullable);
  EXPECT_TRUE(schema.columns[1].nullable);
  EXPECT_EQ(schema.columns[1].comment, "the fare");
  EXPECT_TRUE(schema.is_delta);
  EXPECT_EQ(schema.properties.size(), 1u);
  EXPECT_EQ(schema.properties.at("x.y"), "a,b=c");  // exact, from SHOW TBLPROPERTIES
  EXPECT_NE(schema.find("FARE"), nullptr);
}

TEST_F(MetadataCacheTest, DescribeUnknownTable) {
  const TableName missing{"spark_catalog", "default", "nosuch"};
  backend_.fail(metadata_sql::describe_extended(missing),
                Error(ErrorCode::kTableNotFound, "[TABLE_OR_VIEW_NOT_FOUND] …")
                    .with("errorClass", "TABLE_OR_VIEW_NOT_FOUND"));
  MetadataCache cache(backend_, service_);
  auto table = cache.describe(missing, cancel_);
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.error().code, ErrorCode::kTableNotFound);
  EXPECT_EQ(table.error().message,
            "Table \"spark_catalog.default.nosuch\" does not exist in the database.");
  EXPECT_EQ(table.error().context_value("errorClass"), "TABLE_OR_VIEW_NOT_FOUND");
  // Errors are not cached.
  (void)cache.describe(missing, cancel_);
  EXPECT_EQ(backend_.count(metadata_sql::describe_extended(missing)), 2);
}

TEST_F(MetadataCacheTest, DescribeSurvivesFailedNullabilityAndProperties) {
  backend_.fail(metadata_sql::empty_select(kTrips),
                Error(ErrorCode::kSparkAnalysis, "broken view"));
  backend_.fail(metadata_sql::show_tblproperties(kTrips), Error(ErrorCode::kSparkAnalysis, "no"));
  MetadataCache cache(backend_, service_);
  auto table = cache.describe(kTrips, cancel_);
  ASSERT_TRUE(table.ok());
  EXPECT_TRUE((*table)->columns[0].nullable);
  EXPECT_EQ((*table)->properties.at("x.y"), "a");  // DESCRIBE's best effort
}

TEST_F(MetadataCacheTest, DescribeFailsWhenBackendIsDown) {
  backend_.fail(metadata_sql::empty_select(kTrips), Error(ErrorCode::kBackendUnavailable, "down"));
  MetadataCache cache(backend_, service_);
  auto table = cache.describe(kTrips, cancel_);
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.error().code, ErrorCode::kBackendUnavailable);
}

TEST_F(MetadataCacheTest, CachesWithinTtl) {
  MetadataCache cache(backend_, service_, std::chrono::seconds(60));
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(cache.describe(kTrips, cancel_).ok());
    ASSERT_TRUE(cache.tables("spark_catalog", "nyctaxi", cancel_).ok());
  }
  EXPECT_EQ(backend_.count(metadata_sql::describe_extended(kTrips)), 1);
  EXPECT_EQ(backend_.count(metadata_sql::show_tables_extended("spark_catalog", "nyctaxi")), 1);
  EXPECT_EQ(backend_.count("SHOW CATALOGS"), 1);
  auto first = cache.describe(kTrips, cancel_);
  auto second = cache.describe(kTrips, cancel_);
  EXPECT_EQ(first->get(), second->get());  // the same shared schema
}

TEST_F(MetadataCacheTest, ZeroTtlNeverCaches) {
  MetadataCache cache(backend_, service_, std::chrono::seconds(0));
  ASSERT_TRUE(cache.catalogs(cancel_).ok());
  ASSERT_TRUE(cache.catalogs(cancel_).ok());
  EXPECT_EQ(backend_.count("SHOW CATALOGS"), 2);
}

TEST_F(MetadataCacheTest, ExpiresAfterTtl) {
  MetadataCache cache(backend_, service_, std::chrono::seconds(1));
  ASSERT_TRUE(cache.catalogs(cancel_).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ASSERT_TRUE(cache.catalogs(cancel_).ok());
  EXPECT_EQ(backend_.count("SHOW CATALOGS"), 2);
}

TEST_F(MetadataCacheTest, InvalidateDropsEverything) {
  MetadataCache cache(backend_, service_);
  ASSERT_TRUE(cache.describe(kTrips, cancel_).ok());
  ASSERT_TRUE(cache.schemas("spark_catalog", cancel_).ok());
  cache.invalidate();
  ASSERT_TRUE(cache.describe(kTrips, cancel_).ok());
  ASSERT_TRUE(cache.schemas("spark_catalog", cancel_).ok());
  EXPECT_EQ(backend_.count(metadata_sql::describe_extended(kTrips)), 2);
  EXPECT_EQ(backend_.count(metadata_sql::show_schemas("spark_catalog")), 2);
  EXPECT_EQ(backend_.count("SHOW CATALOGS"), 2);
}

TEST_F(MetadataCacheTest, InvalidateOneTable) {
  MetadataCache cache(backend_, service_);
  ASSERT_TRUE(cache.describe(kTrips, cancel_).ok());
  ASSERT_TRUE(cache.schemas("spark_catalog", cancel_).ok());
  cache.invalidate(kTrips);
  ASSERT_TRUE(cache.describe(kTrips, cancel_).ok());
  ASSERT_TRUE(cache.schemas("spark_catalog", cancel_).ok());
  EXPECT_EQ(backend_.count(metadata_sql::describe_extended(kTrips)), 2);
  EXPECT_EQ(backend_.count(metadata_sql::show_schemas("spark_catalog")), 1);
}

TEST_F(MetadataCacheTest, DeltaVersionIsCachedForVersionTtl) {
  service_.version_ttl_ms = 60'000;
  MetadataCache cache(backend_, service_);
  auto version = cache.delta_version(kTrips, cancel_);
  ASSERT_TRUE(version.ok()) << version.error().message;
  EXPECT_EQ(version->number, 7);
  EXPECT_EQ(version->committed_at, "2026-01-01");  // names the commit with the number
  backend_.script(metadata_sql::last_history_entry(kTrips),
                  rows({"version", "timestamp"}, {{"8", "2026-01-02"}}));
  auto again = cache.delta_version(kTrips, cancel_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->number, 7);  // within the TTL: no round trip
  EXPECT_EQ(backend_.count(metadata_sql::last_history_entry(kTrips)), 1);
}

TEST_F(MetadataCacheTest, DeltaVersionExpiresAfterVersionTtl) {
  service_.version_ttl_ms = 50;
  MetadataCache cache(backend_, service_);
  ASSERT_TRUE(cache.delta_version(kTrips, cancel_).ok());
  backend_.script(metadata_sql::last_history_entry(kTrips),
                  rows({"version", "timestamp"}, {{"8", "2026-01-02"}}));
  std::this_thread::sleep_for(std::chrono::milliseconds(80));
  auto later = cache.delta_version(kTrips, cancel_);
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->number, 8);
  EXPECT_EQ(backend_.count(metadata_sql::last_history_entry(kTrips)), 2);
}

TEST_F(MetadataCacheTest, DeltaVersionWithZeroTtlIsLookedUpEveryTime) {
  service_.version_ttl_ms = 0;
  MetadataCache cache(backend_, service_);
  (void)cache.delta_version(kTrips, cancel_);
  (void)cache.delta_version(kTrips, cancel_);
  EXPECT_EQ(backend_.count(metadata_sql::last_history_entry(kTrips)), 2);
}

TEST_F(MetadataCacheTest, AWriteDropsTheCachedVersionAtOnce) {
  service_.version_ttl_ms = 60'000;
  MetadataCache cache(backend_, service_);
  ASSERT_TRUE(cache.delta_version(kTrips, cancel_).ok());
  backend_.script(metadata_sql::last_history_entry(kTrips),
                  rows({"version", "timestamp"}, {{"8", "2026-01-02"}}));
  cache.invalidate_version(kTrips);  // this node wrote the table
  EXPECT_EQ(cache.delta_version(kTrips, cancel_)->number, 8);
  backend_.script(metadata_sql::last_history_entry(kTrips),
                  rows({"version", "timestamp"}, {{"9", "2026-01-03"}}));
  cache.invalidate_versions();  // SQL that may have written anything
  EXPECT_EQ(cache.delta_version(kTrips, cancel_)->number, 9);
  backend_.script(metadata_sql::last_history_entry(kTrips),
                  rows({"version", "timestamp"}, {{"10", "2026-01-04"}}));
  cache.invalidate();  // DDL
  EXPECT_EQ(cache.delta_version(kTrips, cancel_)->number, 10);
  EXPECT_EQ(backend_.count(metadata_sql::last_history_entry(kTrips)), 4);
}

// An expired entry is fetched by one caller; the others keep the old value
// meanwhile instead of sending the same statement to Spark.
TEST_F(MetadataCacheTest, AnExpiredEntryIsRefreshedOnceWhileOthersGetTheOldValue) {
  service_.version_ttl_ms = 30;
  MetadataCache cache(backend_, service_);
  ASSERT_EQ(cache.delta_version(kTrips, cancel_)->number, 7);
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  backend_.script(metadata_sql::last_history_entry(kTrips),
                  rows({"version", "timestamp"}, {{"8", "2026-01-02"}}));
  std::optional<int64_t> seen_meanwhile;
  backend_.on_execute = [&](const std::string& sql) {
    if (sql != metadata_sql::last_history_entry(kTrips)) return;
    backend_.on_execute = nullptr;
    auto other = cache.delta_version(kTrips, cancel_);  // another caller, mid-refresh
    if (other) seen_meanwhile = other->number;
  };
  EXPECT_EQ(cache.delta_version(kTrips, cancel_)->number, 8);
  EXPECT_EQ(seen_meanwhile, std::optional<int64_t>(7));
  EXPECT_EQ(backend_.count(metadata_sql::last_history_entry(kTrips)), 2);
}

TEST_F(MetadataCacheTest, TheEventLoopNeverRefreshesAnExpiredEntry) {
  service_.version_ttl_ms = 30;
  MetadataCache cache(backend_, service_);
  ASSERT_TRUE(cache.delta_version(kTrips, cancel_).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  {
    util::NonBlockingScope event_loop;
    auto refused = cache.delta_version(kTrips, cancel_);
    EXPECT_FALSE(refused.ok());
    EXPECT_TRUE(util::take_blocking_refusal());  // the request moves to a worker
  }
  EXPECT_EQ(backend_.count(metadata_sql::last_history_entry(kTrips)), 1);
  // The worker then refreshes it (the loop did not claim the refresh).
  backend_.script(metadata_sql::last_history_entry(kTrips),
                  rows({"version", "timestamp"}, {{"8", "2026-01-02"}}));
  EXPECT_EQ(cache.delta_version(kTrips, cancel_)->number, 8);
}

TEST_F(MetadataCacheTest, AFailedRefreshLetsTheNextCallerTryAgain) {
  service_.version_ttl_ms = 30;
  MetadataCache cache(backend_, service_);
  ASSERT_TRUE(cache.delta_version(kTrips, cancel_).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  backend_.fail(metadata_sql::last_history_entry(kTrips),
                Error(ErrorCode::kBackendUnavailable, "Spark is away"));
  EXPECT_FALSE(cache.delta_version(kTrips, cancel_).ok());  // errors are not cached
  backend_.script(metadata_sql::last_history_entry(kTrips),
                  rows({"version", "timestamp"}, {{"9", "2026-01-03"}}));
  EXPECT_EQ(cache.delta_version(kTrips, cancel_)->number, 9);
}

// A version read before a write and stored after it would hide the write
// for a whole TTL: the cache drops a lookup that a write overtook.
TEST_F(MetadataCacheTest, AVersionLookupOvertakenByAWriteIsNotKept) {
  service_.version_ttl_ms = 60'000;
  MetadataCache cache(backend_, service_);
  ASSERT_TRUE(cache.describe(kTrips, cancel_).ok());
  backend_.on_execute = [&](const std::string& sql) {
    if (sql == metadata_sql::last_history_entry(kTrips)) cache.invalidate_version(kTrips);
  };
  EXPECT_EQ(cache.delta_version(kTrips, cancel_)->number, 7);
  backend_.on_execute = nullptr;
  (void)cache.delta_version(kTrips, cancel_);
  EXPECT_EQ(backend_.count(metadata_sql::last_history_entry(kTrips)), 2);
}

TEST_F(MetadataCacheTest, DeltaVersionOfNonDeltaTable) {
  const TableName view{"spark_catalog", "default", "v"};
  backend_.script(
      metadata_sql::describe_extended(view),
      rows({"col_name", "data_type", "comment"}, {{"id", "int", std::nullopt},
                                                  {"# Detailed Table Information", "", ""},
                                                  {"Type", "VIEW", ""}}));
  backend_.script(metadata_sql::empty_select(view), rows({"id"}, {}));
  backend_.script(metadata_sql::show_tblproperties(view), rows({"key", "value"}, {}));
  MetadataCache cache(backend_, service_);
  auto version = cache.delta_version(view, cancel_);
  ASSERT_FALSE(version.ok());
  EXPECT_EQ(version.error().code, ErrorCode::kBadRequest);
}

TEST_F(MetadataCacheTest, ConcurrentLookups) {
  MetadataCache cache(backend_, service_);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        EXPECT_TRUE(cache.describe(kTrips, cancel_).ok());
        if (i % 10 == 0) cache.invalidate();
      }
    });
  }
  for (auto& thread : threads) thread.join();
}

}  // namespace
}  // namespace lakegate::catalog
