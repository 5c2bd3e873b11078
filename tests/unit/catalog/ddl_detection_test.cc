#include "catalog/ddl_detection.h"

#include <gtest/gtest.h>

namespace lakegate::catalog {
namespace {

TEST(ChangesMetadata, DdlKeywordsInAnyCase) {
  for (std::string_view sql :
       {"CREATE TABLE t (a INT)", "drop table t", "Alter TABLE t ADD COLUMN b INT",
        "REPLACE TABLE t AS SELECT 1", "TRUNCATE TABLE t", "MSCK REPAIR TABLE t", "REFRESH TABLE t",
        "use nyctaxi", "COMMENT ON TABLE t IS 'x'", "RESTORE TABLE t TO VERSION AS OF 1",
        "CONVERT TO DELTA parquet.`/p`", "GRANT SELECT ON t TO u",
        "CREATE OR REPLACE VIEW v AS SELECT 1"}) {
    EXPECT_TRUE(changes_metadata(sql)) << sql;
  }
}

TEST(ChangesMetadata, SkipsCommentsAndWhitespace) {
  EXPECT_TRUE(changes_metadata("  \n\t-- a comment\n/* block /* nested */ still */ DROP TABLE t"));
  EXPECT_TRUE(changes_metadata("/* x */create table t(a int)"));
  EXPECT_TRUE(changes_metadata("(CREATE TABLE t)"));  // Spark would reject; still invalidate
}

TEST(ChangesMetadata, ReadsAndWritesKeepTheCache) {
  for (std::string_view sql :
       {"SELECT 1", "INSERT INTO t VALUES (1)", "UPDATE t SET a = 1", "MERGE INTO t USING s ON",
        "DELETE FROM t", "WITH x AS (SELECT 1) SELECT * FROM x", "-- CREATE\nSELECT 1",
        "/* DROP */ SELECT 1", "", "   ", "CREATED", "describe table t", "SHOW TABLES",
        "DROPPED_IT"}) {
    EXPECT_FALSE(changes_metadata(sql)) << sql;
  }
}

TEST(FirstKeyword, UpperCases) {
  char buffer[16];
  EXPECT_EQ(first_keyword("  select 1", buffer), "SELECT");
  EXPECT_EQ(first_keyword("123", buffer), "");
  EXPECT_EQ(first_keyword("averyveryverylongkeyword", buffer), "");
}

}  // namespace
}  // namespace lakegate::catalog
