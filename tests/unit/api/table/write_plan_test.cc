// plan_write, the first stage of a _table write: the kind of write, its id
// fields and single statement, and every refusal made before Spark is
// asked, checked without Spark.
#include "api/table/write_plan.h"

#include <gtest/gtest.h>

#include "orders_table.h"

namespace lakegate::api {
namespace {

struct Fixture {
  explicit Fixture(bool is_delta = true, bool with_id = true)
      : target(testing::orders_table(is_delta, with_id)) {}

  Result<WritePlan> plan(const std::string& method, std::string body,
                         std::vector<std::pair<std::string, std::string>> query = {},
                         const std::string* id = nullptr) {
    http::Request request;
    request.method = method;
    request.body = std::move(body);
    request.query = std::move(query);
    auto options = parse_table_options(request);
    if (!options) return options.error();
    return plan_write(method, target, *options, id);
  }

  TableTarget target;
};

void expect_refused(const Result<WritePlan>& plan, const std::string& words) {
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().code, ErrorCode::kBadRequest);
  EXPECT_NE(plan.error().message.find(words), std::string::npos) << plan.error().message;
}

bool starts_with(const std::optional<backend::Statement>& statement, std::string_view keyword) {
  return statement && statement->sql.rfind(keyword, 0) == 0;
}

TEST(WritePlan, OnlyDeltaTablesAreWritten) {
  Fixture plain(/*is_delta=*/false);
  expect_refused(plain.plan("POST", R"({"resource":[{"id":1}]})"),
                 "is not a Delta table (provider: parquet)");
}

TEST(WritePlan, PostInsertsItsRecordsAsOneBatch) {
  Fixture f;
  auto plan = f.plan("POST", R"({"resource":[{"id":1,"name":"a"},{"id":2,"name":"b"}]})");
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_EQ(plan->kind, WriteKind::kInsert);
  EXPECT_FALSE(plan->statement);  // built from the records as the batch runs
  EXPECT_EQ(plan->id_fields, std::vector<std::string>{"id"});
  expect_refused(f.plan("POST", R"({"resource":[]})"), "No record(s) detected");
  expect_refused(f.plan("POST", R"({"id":1})"), "No record(s) detected");  // a bare object
}

TEST(WritePlan, DeleteBySelectionOrByTheRecordsIds) {
  Fixture f;
  auto by_ids = f.plan("DELETE", "", {{"ids", "3,4"}});
  ASSERT_TRUE(by_ids.ok()) << by_ids.error().message;
  EXPECT_EQ(by_ids->kind, WriteKind::kDeleteSelected);
  EXPECT_TRUE(starts_with(by_ids->statement, "DELETE FROM"));
  EXPECT_EQ(by_ids->ids, (std::vector<std::string>{"3", "4"}));
  auto by_records = f.plan("DELETE", R"({"resource":[{"ID":5},{"id":"6"}]})");
  ASSERT_TRUE(by_records.ok()) << by_records.error().message;
  EXPECT_EQ(by_records->ids, (std::vector<std::string>{"5", "6"}));
  expect_refused(f.plan("DELETE", R"({"resource":[{"id":5},{"name":"x"}]})"),
                 "Record 1 has no id.");
  expect_refused(f.plan("DELETE", ""), "No filter or records given for delete request.");
  auto by_filter = f.plan("DELETE", "", {{"filter", "amount > 10"}});
  ASSERT_TRUE(by_filter.ok()) << by_filter.error().message;
  EXPECT_TRUE(by_filter->ids.empty());
}

TEST(WritePlan, UpdateBySelectionSetsTheFirstRecordsFieldsButItsId) {
  Fixture f;
  auto plan =
      f.plan("PATCH", R"({"resource":[{"id":9,"name":"renamed"}]})", {{"filter", "amount > 10"}});
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_EQ(plan->kind, WriteKind::kUpdateSelected);
  EXPECT_TRUE(starts_with(plan->statement, "UPDATE"));
  EXPECT_EQ(plan->statement->sql.find("`id` ="), std::string::npos);  // the id is not set
  expect_refused(f.plan("PUT", R"({"resource":[{"id":9}]})", {{"ids", "1"}}),
                 "No fields to update in request.");
  expect_refused(f.plan("PATCH", "", {{"ids", "1"}}), "No record detected in request.");
}

TEST(WritePlan, RecordsWithoutSelectionNeedAnIdField) {
  Fixture without_id(/*is_delta=*/true, /*with_id=*/false);
  expect_refused(without_id.plan("PUT", R"({"resource":[{"name":"a"}]})"),
                 "Updating records needs an id field");
  expect_refused(without_id.plan("DELETE", "", {{"ids", "1"}}), "ids= needs an id field");
  Fixture f;
  expect_refused(f.plan("PATCH", ""), "No filter or records given for update request.");
  expect_refused(f.plan("PUT", ""), "No filter or records given for replace request.");
}

TEST(WritePlan, PutRecordsMergeAndPatchRecordsUpdateOneByOne) {
  Fixture f;
  auto merge = f.plan("PUT", R"({"resource":[{"id":1,"name":"a"}]})");
  ASSERT_TRUE(merge.ok());
  EXPECT_EQ(merge->kind, WriteKind::kMerge);
  auto patch = f.plan("PATCH", R"({"resource":[{"id":1,"name":"a"}]})");
  ASSERT_TRUE(patch.ok());
  EXPECT_EQ(patch->kind, WriteKind::kPatchRecords);
  // Delta has no multi-statement transaction to roll several UPDATEs back.
  expect_refused(f.plan("PATCH", R"({"resource":[{"id":1,"name":"a"}]})", {{"rollback", "true"}}),
                 "rollback=true is not available");
  auto atomic_put = f.plan("PUT", R"({"resource":[{"id":1,"name":"a"}]})", {{"rollback", "true"}});
  EXPECT_TRUE(atomic_put.ok());
}

TEST(WritePlan, ByIdOneStatementOnTheNamedRow) {
  Fixture f;
  const std::string id = "42";
  auto removed = f.plan("DELETE", "", {}, &id);
  ASSERT_TRUE(removed.ok()) << removed.error().message;
  EXPECT_EQ(removed->kind, WriteKind::kDeleteById);
  EXPECT_TRUE(starts_with(removed->statement, "DELETE FROM"));
  EXPECT_EQ(removed->ids, std::vector<std::string>{"42"});
  auto patched = f.plan("PATCH", R"({"name":"x"})", {}, &id);
  ASSERT_TRUE(patched.ok()) << patched.error().message;
  EXPECT_EQ(patched->kind, WriteKind::kUpdateById);
  EXPECT_TRUE(starts_with(patched->statement, "UPDATE"));
  auto put = f.plan("PUT", R"({"name":"x"})", {}, &id);
  ASSERT_TRUE(put.ok()) << put.error().message;
  EXPECT_EQ(put->kind, WriteKind::kMergeById);
  EXPECT_TRUE(starts_with(put->statement, "MERGE INTO"));
  expect_refused(f.plan("PATCH", R"({"id":42})", {}, &id), "No fields to update in request.");
  expect_refused(f.plan("PATCH", R"({"resource":[{"name":"x"},{"name":"y"}]})", {}, &id),
                 "send one JSON object");
  expect_refused(f.plan("DELETE", "", {{"id_field", "id,name"}}, &id), "exactly one id_field");
}

TEST(WritePlan, RecordIdTextReadsScalarIdsInAnyCase) {
  sql::Record record;
  record.emplace_back("ID", sql::ClientValue{backend::Value::int64(7), {}});
  record.emplace_back("code", sql::ClientValue{backend::Value::string("A-1"), {}});
  record.emplace_back("gone", sql::ClientValue{backend::Value::null(), {}});
  EXPECT_EQ(record_id_text(record, "id"), std::optional<std::string>("7"));
  EXPECT_EQ(record_id_text(record, "CODE"), std::optional<std::string>("A-1"));
  EXPECT_EQ(record_id_text(record, "gone"), std::nullopt);
  EXPECT_EQ(record_id_text(record, "absent"), std::nullopt);
}

}  // namespace
}  // namespace lakegate::api
