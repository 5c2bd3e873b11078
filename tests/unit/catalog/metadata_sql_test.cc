// Pins the text of every metadata statement (Spark's quoting rule itself is
// pinned in tests/unit/util/sql_identifier_test.cc).
#include "catalog/metadata_sql.h"

#include <gtest/gtest.h>

namespace lakegate::catalog {
namespace {

TEST(MetadataSql, Statements) {
  const TableName name{"spark_catalog", "ny`c", "trips"};
  EXPECT_EQ(metadata_sql::show_catalogs(), "SHOW CATALOGS");
  EXPECT_EQ(metadata_sql::session_settings(), "SET");
  EXPECT_EQ(metadata_sql::show_schemas("lake"), "SHOW SCHEMAS IN `lake`");
  EXPECT_EQ(metadata_sql::show_tables_extended("lake", "sales"),
            "SHOW TABLE EXTENDED IN `lake`.`sales` LIKE '*'");
  EXPECT_EQ(metadata_sql::show_tables("lake", "sa`les"), "SHOW TABLES IN `lake`.`sa``les`");
  EXPECT_EQ(metadata_sql::describe_extended(name),
            "DESCRIBE TABLE EXTENDED `spark_catalog`.`ny``c`.`trips`");
  EXPECT_EQ(metadata_sql::empty_select(name),
            "SELECT * FROM `spark_catalog`.`ny``c`.`trips` LIMIT 0");
  EXPECT_EQ(metadata_sql::show_tblproperties(name),
            "SHOW TBLPROPERTIES `spark_catalog`.`ny``c`.`trips`");
  EXPECT_EQ(metadata_sql::last_history_entry(name),
            "DESCRIBE HISTORY `spark_catalog`.`ny``c`.`trips` LIMIT 1");
}

}  // namespace
}  // namespace lakegate::catalog
