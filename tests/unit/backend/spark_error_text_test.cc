// backend/spark_error_text.h: the Spark error text readers both protocols'
// error mappings share (each mapping is also tested end to end through its
// own map_* function).
#include "backend/spark_error_text.h"

#include <gtest/gtest.h>

namespace lakegate::backend {
namespace {

TEST(ErrorClassInMessage, ReadsTheLeadingClass) {
  EXPECT_EQ(error_class_in_message("[TABLE_OR_VIEW_NOT_FOUND] The table `t` cannot be found."),
            "TABLE_OR_VIEW_NOT_FOUND");
  EXPECT_EQ(error_class_in_message("  [INVALID_HANDLE.SESSION_CLOSED] gone\n"),
            "INVALID_HANDLE.SESSION_CLOSED");
  EXPECT_EQ(error_class_in_message(
                "org.apache.spark.sql.AnalysisException: [SCHEMA_NOT_FOUND] The schema `s`"),
            "SCHEMA_NOT_FOUND");
  for (const char* message : {"", "no class here", "[lower_case] x", "[] x", "[UNCLOSED x",
                              "Error running query: [X] y"}) {
    EXPECT_EQ(error_class_in_message(message), "") << message;
  }
}

TEST(IsMissingRelation, NotFoundClassesNamingARelation) {
  for (const char* error_class :
       {"TABLE_OR_VIEW_NOT_FOUND", "SCHEMA_NOT_FOUND", "DATABASE_NOT_FOUND", "NAMESPACE_NOT_FOUND",
        "CATALOG_NOT_FOUND", "DELTA_TABLE_NOT_FOUND", "PATH_NOT_FOUND", "VIEW_NOT_FOUND",
        "TABLE_OR_VIEW_NOT_FOUND.WITH_SUGGESTION"}) {
    EXPECT_TRUE(is_missing_relation(error_class, "")) << error_class;
  }
  for (const char* error_class :
       {"UNRESOLVED_COLUMN.WITH_SUGGESTION", "ROUTINE_NOT_FOUND", "PARSE_SYNTAX_ERROR",
        "INVALID_HANDLE.SESSION_NOT_FOUND", "TABLE_ALREADY_EXISTS", "FIELD_NOT_FOUND"}) {
    EXPECT_FALSE(is_missing_relation(error_class, "42P01")) << error_class;
  }
  // Only the main class counts: ".TABLE_NOT_FOUND" as a subclass does not.
  EXPECT_FALSE(is_missing_relation("INTERNAL_ERROR.TABLE_NOT_FOUND", ""));
  // Without a class, SQLSTATE 42P01 (undefined table) decides.
  EXPECT_TRUE(is_missing_relation("", "42P01"));
  EXPECT_FALSE(is_missing_relation("", "42703"));
  EXPECT_FALSE(is_missing_relation("", ""));
}

TEST(IsWriteConflict, DeltasConcurrencyConflictsOnly) {
  for (const char* error_class : {"DELTA_CONCURRENT_APPEND", "DELTA_CONCURRENT_APPEND.WITHOUT_HINT",
                                  "DELTA_CONCURRENT_DELETE_READ", "DELTA_CONCURRENT_DELETE_DELETE",
                                  "DELTA_CONCURRENT_TRANSACTION", "DELTA_CONCURRENT_WRITE",
                                  "DELTA_METADATA_CHANGED", "DELTA_PROTOCOL_CHANGED"}) {
    EXPECT_TRUE(is_write_conflict(error_class, "")) << error_class;
  }
  for (const char* error_class :
       {"DELTA_CONCURRENT", "DELTA_CONCURRENT_APPENDS", "CONCURRENT_APPEND",
        "TABLE_OR_VIEW_NOT_FOUND", "INTERNAL_ERROR.DELTA_CONCURRENT_APPEND",
        "DELTA_METADATA_MISMATCH"}) {
    EXPECT_FALSE(is_write_conflict(error_class, "2D521")) << error_class;
  }
  // Without a class, Delta's SQLSTATE for a transaction conflict decides.
  EXPECT_TRUE(is_write_conflict("", "2D521"));
  EXPECT_FALSE(is_write_conflict("", "40001"));
  EXPECT_FALSE(is_write_conflict("", ""));
}

}  // namespace
}  // namespace lakegate::backend
