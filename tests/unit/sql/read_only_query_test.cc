// The read-only sandbox engine (sql/read_only_query.h) over EXPLAIN EXTENDED
// texts exactly as Spark 4.0.1 prints them for the wrapped statement
// (captured from the test bed), and over texts an attacker shapes with
// literals and aliases that print newlines, headers and tree lines.
#include "sql/read_only_query.h"

#include <gtest/gtest.h>

#include <random>

namespace lakegate::sql {
namespace {

// A whole EXPLAIN EXTENDED text around the given sections.
std::string explained(const std::string& parsed, const std::string& analyzed,
                      const std::string& optimized = "Project [1]",
                      const std::string& physical = "*(1) Project [1]") {
  return "== Parsed Logical Plan ==\n" + parsed + "\n\n== Analyzed Logical Plan ==\n" + analyzed +
         "\n\n== Optimized Logical Plan ==\n" + optimized + "\n\n== Physical Plan ==\n" + physical +
         "\n";
}

Status check(const std::string& text, const std::vector<std::string>& denied = {}) {
  auto plan = split_explained_plan(text);
  if (!plan) return plan.error();
  return check_read_only_plan(*plan, denied);
}

const char* kRangeParsed =
    "'Project [*]\n+- 'SubqueryAlias q\n   +- 'Sort ['id DESC NULLS LAST], true\n      +- "
    "'Project [*]\n         +- 'UnresolvedTableValuedFunction [range], [3], false";
const char* kRangeAnalyzed =
    "id: bigint\nProject [id#1306L]\n+- SubqueryAlias q\n   +- Sort [id#1306L DESC NULLS LAST], "
    "true\n      +- Project [id#1306L]\n         +- Range (0, 3, step=1)";

TEST(WrapAsQuery, PutsTheTextOnLinesOfItsOwnAndDropsTrailingSemicolons) {
  EXPECT_EQ(wrap_as_query("SELECT 1"), "SELECT * FROM (\nSELECT 1\n) AS q");
  EXPECT_EQ(wrap_as_query("SELECT 1 ;; \n"), "SELECT * FROM (\nSELECT 1\n) AS q");
  EXPECT_EQ(wrap_as_query("SELECT 1 -- note"), "SELECT * FROM (\nSELECT 1 -- note\n) AS q");
}

TEST(ReadOnlyPlan, AllowsARealQuery) {
  Status status = check(explained(kRangeParsed, kRangeAnalyzed));
  EXPECT_TRUE(status.ok()) << status.error().message;
}

TEST(ReadOnlyPlan, AllowsParameterizedQueries) {
  const std::string parsed =
      "'NameParameterizedQuery [n], [a\nb]\n+- 'Project [*]\n   +- 'SubqueryAlias q\n      +- "
      "'Project ['id]\n         +- 'Filter ('id > namedparameter(n))\n            +- "
      "'UnresolvedTableValuedFunction [range], [3], false";
  Status status = check(explained(parsed, kRangeAnalyzed));
  EXPECT_TRUE(status.ok()) << status.error().message;
}

TEST(ReadOnlyPlan, AllowsCatalogTablesAndDataThatPrintsNewlines) {
  const std::string parsed =
      "'Project [*]\n+- 'SubqueryAlias q\n   +- 'Project [hello\nworld AS a#1, \n== x AS b#2]\n"
      "      +- 'UnresolvedRelation [spark_catalog, nyctaxi, trips], [], false";
  const std::string analyzed =
      "a: string\nProject [a#1]\n+- SubqueryAlias q\n   +- Project [hello\nworld AS a#1]\n"
      "      +- SubqueryAlias spark_catalog.nyctaxi.trips\n         +- Relation "
      "spark_catalog.nyctaxi.trips[a#1] parquet";
  Status status = check(explained(parsed, analyzed));
  EXPECT_TRUE(status.ok()) << status.error().message;
}

TEST(ReadOnlyPlan, RefusesReflectionResolvedThroughIdentifier) {
  const std::string parsed =
      "'Project [*]\n+- 'SubqueryAlias q\n   +- 'Project "
      "[expressionwithunresolvedidentifier(java_method, java.lang.System, getProperty, "
      "user.name, Lambda$3658) AS u#1278]\n      +- OneRowRelation";
  const std::string analyzed =
      "u: string\nProject [u#1278]\n+- SubqueryAlias q\n   +- Project "
      "[java_method(java.lang.System, getProperty, user.name, true) AS u#1278]\n      +- "
      "OneRowRelation";
  Status status = check(explained(parsed, analyzed));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kForbidden);
  EXPECT_NE(status.error().message.find("java_method"), std::string::npos);
}

TEST(ReadOnlyPlan, RefusesTryReflectRewrittenInTheOptimizedPlan) {
  Status status = check(explained(kRangeParsed, kRangeAnalyzed,
                                  "Project [REFLECT(java.lang.Math, abs, -1, false) AS x#1]"));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kForbidden);
}

TEST(ReadOnlyPlan, RefusesConfiguredFunctions) {
  const std::string analyzed = std::string(kRangeAnalyzed) + " AS x#2 current_user()";
  EXPECT_TRUE(check(explained(kRangeParsed, analyzed)).ok());
  Status status = check(explained(kRangeParsed, analyzed), {"Current_User"});
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("Current_User"), std::string::npos);
}

TEST(ReadOnlyPlan, RefusesFileRelations) {
  for (const char* relation : {"[text, /etc/hostname]", "[csv, ]x/../../etc/hostname]",
                               "[parquet, hostname]", "[TEXT, hostname]",
                               "[org.apache.spark.sql.execution.datasources.text.TextFileFormat, "
                               "hostname]"}) {
    const std::string parsed = std::string(
                                   "'Project [*]\n+- 'SubqueryAlias q\n   +- 'Project "
                                   "[*]\n      +- 'UnresolvedRelation ") +
                               relation + ", [], false";
    Status status = check(explained(parsed, kRangeAnalyzed));
    ASSERT_FALSE(status.ok()) << relation;
    EXPECT_NE(status.error().message.find("file"), std::string::npos) << relation;
  }
  // The analyzed plan of a path read has a relation without a table name.
  const std::string analyzed =
      "value: string\nProject [value#1]\n+- SubqueryAlias q\n   +- Project [value#1]\n      +- "
      "Relation [value#1] text";
  EXPECT_FALSE(check(explained(kRangeParsed, analyzed)).ok());
}

TEST(ReadOnlyPlan, RefusesTableValuedFunctionsButRange) {
  const std::string parsed =
      "'Project [*]\n+- 'SubqueryAlias q\n   +- 'Project [*]\n      +- "
      "'UnresolvedTableValuedFunction [sql_keywords], [], false";
  EXPECT_FALSE(check(explained(parsed, kRangeAnalyzed)).ok());
}

TEST(ReadOnlyPlan, RefusesAnythingButOurWrapperAtTheRoot) {
  const std::string parsed =
      "'InsertIntoStatement 'UnresolvedRelation [t], [], false, false, false\n+- 'Project [*]";
  EXPECT_FALSE(check(explained(parsed, kRangeAnalyzed)).ok());
}

TEST(ReadOnlyPlan, RefusesOperatorsOffTheList) {
  const std::string parsed = std::string(kRangeParsed) + "\n         +- 'InsertIntoStatement x";
  Status status = check(explained(parsed, kRangeAnalyzed));
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("InsertIntoStatement"), std::string::npos);
}

TEST(SplitExplainedPlan, RefusesHeadersPrintedTwice) {
  // A literal '\n== Analyzed Logical Plan ==\n' printed inside the parsed plan.
  const std::string parsed =
      std::string(kRangeParsed) + " AS a#1]\n== Analyzed Logical Plan ==\nProject [1 AS a#1]";
  auto plan = split_explained_plan(explained(parsed, kRangeAnalyzed));
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().code, ErrorCode::kForbidden);
}

TEST(SplitExplainedPlan, RefusesMissingOrMisorderedHeaders) {
  EXPECT_FALSE(split_explained_plan("").ok());
  EXPECT_FALSE(split_explained_plan("== Physical Plan ==\nLocalTableScan\n").ok());
  EXPECT_FALSE(
      split_explained_plan("== Analyzed Logical Plan ==\nx\n== Parsed Logical Plan ==\ny").ok());
  EXPECT_FALSE(split_explained_plan("== Parsed Logical Plan ==\nx\n== Analyzed Logical Plan ==\ny\n"
                                    "== Optimized Logical Plan ==\nz\n")
                   .ok());
  // A header not alone on its line is data, not a header.
  auto plan = split_explained_plan(
      explained(std::string(kRangeParsed) + " x == Physical Plan ==", kRangeAnalyzed));
  EXPECT_TRUE(plan.ok());
}

TEST(ReadOnlyPlan, AnalysisErrorsKeepTheirClassWithoutInternals) {
  const std::string text =
      "== Parsed Logical Plan ==\n'Project [*]\n+- 'SubqueryAlias q\n   +- 'Project [*]\n      +- "
      "'UnresolvedRelation [nonexistent_tbl], [], false\n\n== Analyzed Logical Plan ==\n"
      "org.apache.spark.sql.AnalysisException: [TABLE_OR_VIEW_NOT_FOUND] The table or view "
      "`nonexistent_tbl` cannot be found. SQLSTATE: 42P01; line 2 pos 14;\n'Project [*]\n+- "
      "'SubqueryAlias q\n";
  Status status = check(text);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kTableNotFound);
  EXPECT_EQ(status.error().context_value("errorClass"), "TABLE_OR_VIEW_NOT_FOUND");
  EXPECT_EQ(status.error().context_value("sqlState"), "42P01");
  // Once, for the caller: line 2 of the wrapper is the caller's line 1.
  EXPECT_NE(caller_facing_spark_message(status.error().message, 1).find("line 1 pos 14"),
            std::string::npos)
      << status.error().message;
  EXPECT_EQ(status.error().message.find("SubqueryAlias"), std::string::npos);
  EXPECT_EQ(status.error().message.find("AnalysisException"), std::string::npos);
}

TEST(CallerFacingSparkMessage, CutsTheWrapperAndCountsTheCallersLines) {
  const std::string message =
      "[PARSE_SYNTAX_ERROR] Syntax error at or near 'x': missing ')'. SQLSTATE: 42601 (line 2, "
      "pos 12)\n\n== SQL ==\nEXPLAIN EXTENDED SELECT * FROM (\nINSERT INTO x SELECT 1\n"
      "------------^^^\n) AS q\n\nJVM stacktrace:\norg.apache...";
  const std::string out = caller_facing_spark_message(message, 1);
  EXPECT_EQ(out,
            "[PARSE_SYNTAX_ERROR] Syntax error at or near 'x': missing ')'. SQLSTATE: 42601 (line "
            "1, pos 12)");
}

TEST(CallerFacingSparkMessage, APositionPastTheCallersTextIsItsEnd) {
  const std::string message =
      "[PARSE_SYNTAX_ERROR] Syntax error at or near ')'. SQLSTATE: 42601 (line 3, pos 0)\n\n== "
      "SQL ==\nSELECT * FROM (\nSELECT 1 +\n) AS q";
  EXPECT_EQ(
      caller_facing_spark_message(message, caller_lines_of_wrapped(wrap_as_query("SELECT 1 +"))),
      "[PARSE_SYNTAX_ERROR] Syntax error at the end of the statement. SQLSTATE: 42601 (line "
      "1, pos 0)");
}

TEST(ReadOnlyPlan, RefusesListsCutShort) {
  const std::string analyzed = std::string(kRangeAnalyzed) + " [a#1, b#2, ... 6 more fields]";
  Status status = check(explained(kRangeParsed, analyzed));
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("too wide"), std::string::npos);
}

TEST(SplitExplainedPlan, PlanningErrorsAreSparksErrors) {
  auto plan = split_explained_plan(
      "Error occurred during query planning: \n[CAST_INVALID_INPUT] The value 'x' of the type "
      "\"STRING\" cannot be cast to \"INT\". SQLSTATE: 22018\n");
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().code, ErrorCode::kSparkAnalysis);
  EXPECT_EQ(plan.error().context_value("errorClass"), "CAST_INVALID_INPUT");
}

// Random literal text printed into the plan never hides a denied function
// or a write operator that Spark printed on a line of its own.
TEST(ReadOnlyPlan, PrintedLiteralsNeverHideWhatSparkPrinted) {
  const std::vector<std::string> pieces = {"\n",
                                           "== ",
                                           "== Parsed Logical Plan ==",
                                           "+- ",
                                           ":  ",
                                           "'",
                                           "Project",
                                           "[*]",
                                           "== Analyzed Logical Plan ==",
                                           "   ",
                                           "q",
                                           "\n== Physical Plan ==\n",
                                           "SubqueryAlias",
                                           "(",
                                           ")"};
  std::mt19937 random(20261203);
  for (int round = 0; round < 2000; ++round) {
    std::string literal;
    const int count = 1 + static_cast<int>(random() % 8);
    for (int i = 0; i < count; ++i) literal += pieces[random() % pieces.size()];
    const std::string parsed = "'Project [*]\n+- 'SubqueryAlias q\n   +- 'Project [" + literal +
                               " AS a#1]\n      +- 'InsertIntoStatement t";
    EXPECT_FALSE(check(explained(parsed, kRangeAnalyzed)).ok()) << literal;
    const std::string analyzed = std::string("a: string\nProject [a#1]\n+- Project [") + literal +
                                 " AS a#1, reflect(x) AS b#2]\n   +- OneRowRelation";
    EXPECT_FALSE(check(explained(kRangeParsed, analyzed)).ok()) << literal;
  }
}

}  // namespace
}  // namespace lakegate::sql
