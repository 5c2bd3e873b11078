// plan_read, the first stage of a _table read: every decision it makes from
// the request alone (shape, format, ids, limit, stable order, cursor and
// version pinning, refusals), checked without Spark.
#include "api/table/read_plan.h"

#include <gtest/gtest.h>

#include "api/table/table_paging.h"
#include "orders_table.h"

namespace lakegate::api {
namespace {

struct Fixture {
  explicit Fixture(bool is_delta = true, bool with_id = true)
      : target(testing::orders_table(is_delta, with_id, "ID")) {
    service.max_records = 100;
  }

  Result<ReadPlan> plan(std::vector<std::pair<std::string, std::string>> query,
                        const std::string* id = nullptr) {
    request.method = "GET";
    request.query = std::move(query);
    auto options = parse_table_options(request);
    if (!options) return options.error();
    return plan_read(request, service, target, *options, id);
  }

  http::Request request;
  config::ServiceConfig service;
  TableTarget target;
};

TEST(ReadPlan, APageIsOrderedByTheIdFieldAndLimitedByTheService) {
  Fixture f;
  auto plan = f.plan({{"limit", "500"}});
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_EQ(plan->shape, ReadShape::kPage);
  EXPECT_EQ(plan->limit, 100);  // max_records wins over the asked 500
  EXPECT_EQ(plan->read.limit, 100);
  ASSERT_EQ(plan->read.order.size(), 1u);
  EXPECT_EQ(plan->read.order[0].column, "ID");  // the column's own case
  EXPECT_TRUE(plan->pin_current_version);       // a Delta read without cursor or version
  EXPECT_EQ(plan->format, format::OutputFormat::kJson);
}

TEST(ReadPlan, AnExplicitOrderOrGroupingIsKept) {
  Fixture f;
  auto ordered = f.plan({{"order", "amount desc"}});
  ASSERT_TRUE(ordered.ok());
  ASSERT_EQ(ordered->read.order.size(), 1u);
  EXPECT_EQ(ordered->read.order[0].column, "amount");
  auto grouped = f.plan({{"group", "amount"}, {"fields", "amount"}});
  ASSERT_TRUE(grouped.ok()) << grouped.error().message;
  EXPECT_TRUE(grouped->read.order.empty());
}

TEST(ReadPlan, ARecordByIdReadsOneRowOfThatIdWithoutDefaultOrder) {
  Fixture f;
  const std::string id = "42";
  auto plan = f.plan({}, &id);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->shape, ReadShape::kRecord);
  EXPECT_EQ(plan->limit, 1);
  EXPECT_EQ(plan->record_id, "42");
  EXPECT_EQ(plan->read.ids, std::vector<std::string>{"42"});
  EXPECT_TRUE(plan->read.order.empty());
}

TEST(ReadPlan, CountOnlyWinsOverTheRecordShapeButKeepsItsId) {
  Fixture f;
  const std::string id = "7";
  auto plan = f.plan({{"count_only", "true"}}, &id);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->shape, ReadShape::kCountOnly);
  EXPECT_EQ(plan->read.ids, std::vector<std::string>{"7"});
}

TEST(ReadPlan, AnIdListNeedsAnIdField) {
  Fixture with_id;
  auto plan = with_id.plan({{"as_list", "true"}});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->shape, ReadShape::kIdList);
  EXPECT_TRUE(plan->ids_only);
  Fixture without_id(/*is_delta=*/true, /*with_id=*/false);
  auto refused = without_id.plan({{"as_list", "true"}});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kBadRequest);
  EXPECT_NE(refused.error().message.find("no id field"), std::string::npos);
  auto named = without_id.plan({{"as_list", "true"}, {"id_field", "amount"}});
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(named->read.id_fields, std::vector<std::string>{"amount"});
}

TEST(ReadPlan, ARecordNeedsExactlyOneIdField) {
  Fixture f;
  const std::string id = "1";
  auto plan = f.plan({{"id_field", "ID,amount"}}, &id);
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.error().message.find("exactly one id_field"), std::string::npos);
}

TEST(ReadPlan, ACursorPinsItsVersionAndOffsetAndNeedsNoLookup) {
  Fixture f;
  auto first = f.plan({{"limit", "10"}});
  ASSERT_TRUE(first.ok());
  const std::string cursor = encode_cursor({17, 10, first->paging_hash});
  auto next = f.plan({{"limit", "10"}, {"cursor", cursor}});
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_EQ(next->read.time_travel.version, std::optional<int64_t>(17));
  EXPECT_EQ(next->read.offset, 10);
  EXPECT_FALSE(next->pin_current_version);
  // The same cursor on another query is refused.
  auto other = f.plan({{"limit", "20"}, {"cursor", cursor}});
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, ErrorCode::kBadRequest);
}

TEST(ReadPlan, AnExplicitVersionIsNotLookedUpAndTimeTravelNeedsDelta) {
  Fixture delta;
  auto pinned = delta.plan({{"as_of_version", "3"}});
  ASSERT_TRUE(pinned.ok()) << pinned.error().message;
  EXPECT_FALSE(pinned->pin_current_version);
  Fixture plain(/*is_delta=*/false);
  auto current = plain.plan({});
  ASSERT_TRUE(current.ok());
  EXPECT_FALSE(current->pin_current_version);  // nothing to pin
  auto refused = plain.plan({{"as_of_version", "3"}});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("not a Delta table"), std::string::npos);
}

TEST(ReadPlan, ADownloadNamesItsFormatAndFileName) {
  Fixture f;
  auto plan = f.plan({{"file", "orders.csv"}});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->format, format::OutputFormat::kCsv);
  ASSERT_EQ(plan->headers.size(), 1u);
  EXPECT_EQ(plan->headers[0].first, "Content-Disposition");
  EXPECT_EQ(plan->headers[0].second, "attachment; filename=\"orders.csv\"");
  for (const char* bad : {"../etc.csv", "a\"b.csv", ".hidden.csv", "orders.exe"}) {
    auto refused = f.plan({{"file", bad}});
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.error().code, ErrorCode::kBadRequest) << bad;
  }
}

TEST(ReadPlan, DifferentFormatsAreDifferentQueriesForCursors) {
  Fixture f;
  auto json = f.plan({});
  auto csv = f.plan({{"file", "x.csv"}});
  ASSERT_TRUE(json.ok() && csv.ok());
  EXPECT_NE(json->paging_hash, csv->paging_hash);
}

TEST(ReadPlan, TheHistoryIsRefusedUnderColumnRulesAndOnPlainTables) {
  Fixture f;
  auto plan = f.plan({{"history", "true"}});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->shape, ReadShape::kHistory);
  EXPECT_EQ(plan->limit, 100);
  EXPECT_FALSE(plan->pin_current_version);
  f.target.policy.hidden_columns = {"amount"};
  auto hidden = f.plan({{"history", "true"}});
  ASSERT_FALSE(hidden.ok());
  EXPECT_EQ(hidden.error().code, ErrorCode::kForbidden);
  Fixture plain(/*is_delta=*/false);
  auto refused = plain.plan({{"history", "true"}});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kBadRequest);
}

TEST(ReadPlan, EffectiveLimitStaysWithinOneAndMaxRecords) {
  config::ServiceConfig service;
  service.max_records = 50;
  EXPECT_EQ(effective_limit(0, service), 50);
  EXPECT_EQ(effective_limit(-3, service), 50);
  EXPECT_EQ(effective_limit(10, service), 10);
  EXPECT_EQ(effective_limit(51, service), 50);
  service.max_records = 0;
  EXPECT_EQ(effective_limit(5000, service), 1000);
}

}  // namespace
}  // namespace lakegate::api
