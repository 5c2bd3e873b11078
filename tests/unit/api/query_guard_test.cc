// check_read_only_plan over parsed logical plans exactly as Spark 4.0.1
// prints them for EXPLAIN EXTENDED (captured from the test bed).
#include "api/query_guard.h"

#include <gtest/gtest.h>

namespace lakegate::api {
namespace {

std::string explain(const std::string& parsed) {
  return "== Parsed Logical Plan ==\n" + parsed +
         "\n\n== Analyzed Logical Plan ==\nProject [1]\n+- InsertIntoStatement\n";
}

struct PlanCase {
  const char* name;
  const char* parsed;
};

class ReadOnlyPlans : public ::testing::TestWithParam<PlanCase> {};
class WritingPlans : public ::testing::TestWithParam<PlanCase> {};

TEST_P(ReadOnlyPlans, AreAllowed) {
  Status status = check_read_only_plan(explain(GetParam().parsed));
  EXPECT_TRUE(status.ok()) << GetParam().name << ": " << status.error().message;
}

TEST_P(WritingPlans, AreRefused) {
  Status status = check_read_only_plan(explain(GetParam().parsed));
  ASSERT_FALSE(status.ok()) << GetParam().name;
  EXPECT_EQ(status.error().code, ErrorCode::kForbidden);
}

INSTANTIATE_TEST_SUITE_P(
    Spark4, ReadOnlyPlans,
    ::testing::Values(
        PlanCase{"parameterized select",
                 "'PosParameterizedQuery [1]\n+- 'Project [*]\n   +- 'Filter ('id = "
                 "posparameter(59))\n      +- 'UnresolvedRelation [retail, customers], [], false"},
        PlanCase{"cte", "CTE [t]\n:  +- SubqueryAlias t\n:     +- Project [1 AS a#107644]\n:        "
                        "+- OneRowRelation\n+- 'Project [*]\n   +- 'UnresolvedRelation [t], [], false"},
        PlanCase{"show tables",
                 "'ShowTables [namespace#1, tableName#2, isTemporary#3]\n+- 'UnresolvedNamespace "
                 "[retail], false"},
        PlanCase{"describe", "'DescribeRelation false, [col_name#1, data_type#2, comment#3]\n+- "
                             "'UnresolvedTableOrView [retail, customers], DESCRIBE TABLE, true"},
        PlanCase{"values", "LocalRelation [col1#107704, col2#107705]"},
        PlanCase{"range", "'Project [*]\n+- 'UnresolvedTableValuedFunction [range], [3], false"},
        PlanCase{"having", "'Sort [1 ASC NULLS FIRST], true\n+- 'UnresolvedHaving ('count(1) > "
                           "1)\n   +- 'Aggregate ['country], [unresolvedalias('count(1)), "
                           "'country]\n      +- 'UnresolvedRelation [retail, customers], [], false"},
        PlanCase{"time travel", "'Project [*]\n+- 'RelationTimeTravel 'UnresolvedRelation "
                                "[retail, customers], [], false, 0"},
        PlanCase{"join", "'GlobalLimit 3\n+- 'LocalLimit 3\n   +- 'Project [*]\n      +- 'Join "
                         "Inner, ('c.id = 'o.customer_id)\n         :- 'SubqueryAlias c\n         "
                         ":  +- 'UnresolvedRelation [retail, customers], [], false\n         +- "
                         "'SubqueryAlias o\n            +- 'UnresolvedRelation [retail, orders], "
                         "[], false"},
        PlanCase{"union", "'Distinct\n+- 'Union false, false\n   :- 'Project [*]\n   :  +- "
                          "'SubqueryAlias __auto_generated_subquery_name\n   :     +- 'Project "
                          "[unresolvedalias(1)]\n   :        +- OneRowRelation\n   +- 'Project "
                          "[unresolvedalias(2)]\n      +- OneRowRelation"}));

INSTANTIATE_TEST_SUITE_P(
    Spark4, WritingPlans,
    ::testing::Values(
        PlanCase{"insert under a cte",
                 "CTE [t]\n:  +- SubqueryAlias t\n:     +- Project [1 AS a#1]\n:        +- "
                 "OneRowRelation\n+- 'InsertIntoStatement 'UnresolvedRelation [default, x], "
                 "[__required_write_privileges__=INSERT], false, false, false, false\n   +- "
                 "'Project [*]\n      +- 'UnresolvedRelation [t], [], false"},
        PlanCase{"reflect", "'Project [unresolvedalias('reflect(java.lang.System, exit, 0))]\n+- "
                            "OneRowRelation"},
        PlanCase{"java_method", "'Project [unresolvedalias('JAVA_METHOD(java.lang.System, exit, "
                                "0))]\n+- OneRowRelation"},
        PlanCase{"set", "SetCommand (spark.sql.x,Some(1))"},
        PlanCase{"cache", "'CacheTable [retail, customers], false, false\n+- 'UnresolvedRelation "
                          "[retail, customers], [], false"},
        PlanCase{"read_files",
                 "'Project [*]\n+- 'UnresolvedTableValuedFunction [read_files], [/tmp], false"},
        PlanCase{"path relation", "'Project [*]\n+- 'UnresolvedRelation [json, /etc], [], false"},
        PlanCase{"describe query command", "DropTable false, false\n+- 'UnresolvedIdentifier [x]"},
        PlanCase{"explain of a write", "ExplainCommand 'InsertIntoStatement, SimpleMode"}));

TEST(ReadOnlyPlan, MissingParsedSectionIsRefused) {
  EXPECT_FALSE(check_read_only_plan("== Physical Plan ==\nLocalTableScan\n").ok());
  EXPECT_FALSE(check_read_only_plan("").ok());
  EXPECT_FALSE(check_read_only_plan("== Parsed Logical Plan ==\n\n== Analyzed").ok());
}

}  // namespace
}  // namespace lakegate::api
