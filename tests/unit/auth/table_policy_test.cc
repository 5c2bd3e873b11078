#include "auth/table_policy.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "../sql/test_schema.h"  // value_repr, unsafe_sql_text (the injection invariant)
#include "auth/principal.h"
#include "sql/filter_parser.h"
#include "sql/table_statements.h"

namespace lakegate::auth {
namespace {

using sql::testing::unsafe_sql_text;
using sql::testing::value_repr;

catalog::TableSchema orders_table() {
  catalog::TableSchema table;
  table.name = {"spark_catalog", "retail", "orders"};
  table.is_delta = true;
  table.provider = "delta";
  auto add = [&](std::string name, std::string type) {
    table.columns.push_back({std::move(name), std::move(type), true, "", false});
  };
  add("id", "bigint");
  add("region", "string");
  add("Owner", "string");
  add("amount", "decimal(10,2)");
  add("qty", "int");
  add("note", "string");
  add("deleted_at", "timestamp");
  add("not", "string");
  return table;
}

Principal ann() {
  Principal principal;
  principal.user = store::UserRecord{};
  principal.user->id = 7;
  principal.user->email = "ann@example.com";
  principal.user->last_name = "O'Brien";
  auto role = std::make_shared<store::RoleRecord>();
  role->id = 3;
  role->name = "analyst";
  role->lookups = {{"region", "EU"}};
  principal.role = role;
  return principal;
}

store::RoleServiceAccess access(std::vector<store::RoleFilter> filters,
                                std::string filter_op = "AND") {
  store::RoleServiceAccess row;
  row.service_id = 1;
  row.component = "_table/retail.*";
  row.verb_mask = store::kGet;
  row.filters = std::move(filters);
  row.filter_op = std::move(filter_op);
  return row;
}

Result<TablePolicy> policy_of(const std::vector<store::RoleServiceAccess>& rows,
                              const Principal& principal = ann()) {
  std::vector<const store::RoleServiceAccess*> pointers;
  for (const auto& row : rows) pointers.push_back(&row);
  return build_table_policy(pointers, principal.lookups());
}

// The policy's row filter bound to orders_table(): "SQL | param | param…".
std::string bound(const TablePolicy& policy) {
  if (!policy.restricts_rows()) return "no row filter";
  auto fragment = sql::bind_filter(*policy.row_filter.expression, orders_table(), {},
                                   &policy.row_filter.lookups);
  if (!fragment) return "error: " + fragment.error().message;
  std::string unsafe = unsafe_sql_text(fragment->text(), orders_table(), fragment->params().size());
  if (!unsafe.empty()) return "unsafe SQL piece: " + unsafe;
  std::string out = fragment->text();
  for (const auto& value : fragment->params()) out += " | " + value_repr(value);
  return out;
}

struct OperatorCase {
  store::RoleFilter filter;
  const char* text;   // role_filter_text
  const char* bound;  // SQL | params after binding
};

const OperatorCase kOperatorCases[] = {
    {{"region", "=", "EU"}, "(region = 'EU')", "(`region` = ?) | str:\"EU\""},
    {{"region", "!=", "EU"}, "(region != 'EU')", "(`region` <> ?) | str:\"EU\""},
    {{"qty", ">", "5"}, "(qty > '5')", "(`qty` > ?) | str:\"5\""},
    {{"qty", ">=", "5"}, "(qty >= '5')", "(`qty` >= ?) | str:\"5\""},
    {{"amount", "<", "9.50"}, "(amount < '9.50')", "(`amount` < ?) | str:\"9.50\""},
    {{"amount", "<=", "9.50"}, "(amount <= '9.50')", "(`amount` <= ?) | str:\"9.50\""},
    {{"region", "IN", "EU,US"},
     "(region IN ('EU', 'US'))",
     "(`region` IN (?, ?)) | str:\"EU\" | str:\"US\""},
    {{"region", "NOT IN", "EU, US ,APAC"},
     "(region NOT IN ('EU', 'US', 'APAC'))",
     "(`region` NOT IN (?, ?, ?)) | str:\"EU\" | str:\"US\" | str:\"APAC\""},
    {{"region", "in", "(EU)"}, "(region IN ('EU'))", "(`region` IN (?)) | str:\"EU\""},
    {{"note", "STARTS WITH", "50%_off"},
     "(note STARTS WITH '50%_off')",
     "(`note` LIKE ? ESCAPE '!') | str:\"50!%!_off%\""},
    {{"note", "ENDS WITH", "!x"},
     "(note ENDS WITH '!x')",
     "(`note` LIKE ? ESCAPE '!') | str:\"%!!x\""},
    {{"note", "CONTAINS", "sale"},
     "(note CONTAINS 'sale')",
     "(`note` LIKE ? ESCAPE '!') | str:\"%sale%\""},
    {{"deleted_at", "IS NULL", ""}, "(deleted_at IS NULL)", "(`deleted_at` IS NULL)"},
    {{"deleted_at", "IS NOT NULL", "ignored"},
     "(deleted_at IS NOT NULL)",
     "(`deleted_at` IS NOT NULL)"},
    {{"note", "LIKE", "a_%"}, "(note LIKE 'a_%')", "(`note` LIKE ?) | str:\"a_%\""},
    // Aliases and spelling.
    {{"region", " not   in ", "EU"},
     "(region NOT IN ('EU'))",
     "(`region` NOT IN (?)) | str:\"EU\""},
    {{"region", "<>", "EU"}, "(region != 'EU')", "(`region` <> ?) | str:\"EU\""},
    {{"qty", "gte", "1"}, "(qty >= '1')", "(`qty` >= ?) | str:\"1\""},
    {{"  owner ", "starts with", "a"},
     "(owner STARTS WITH 'a')",
     "(`Owner` LIKE ? ESCAPE '!') | str:\"a%\""},
    // Lookups: bound after parsing, never spliced.
    {{"owner", "=", "{user.email}"},
     "(owner = {user.email})",
     "(`Owner` = ?) | str:\"ann@example.com\""},
    {{"id", "=", "{user.id}"}, "(id = {user.id})", "(`id` = ?) | str:\"7\""},
    {{"region", "IN", "{role.region}, US"},
     "(region IN ({role.region}, 'US'))",
     "(`region` IN (?, ?)) | str:\"EU\" | str:\"US\""},
    {{"owner", "=", "{user.last_name}"},
     "(owner = {user.last_name})",
     "(`Owner` = ?) | str:\"O'Brien\""},
    {{"owner", "CONTAINS", "{user.email}"},
     "(owner CONTAINS {user.email})",
     "(`Owner` LIKE ? ESCAPE '!') | str:\"%ann@example.com%\""},
    // Not exactly one lookup token: a plain literal.
    {{"owner", "=", "{user.email}x"},
     "(owner = '{user.email}x')",
     "(`Owner` = ?) | str:\"{user.email}x\""},
    {{"owner", "=", " {user.email}"},
     "(owner = ' {user.email}')",
     "(`Owner` = ?) | str:\" {user.email}\""},
    {{"owner", "=", "{user-email}"},
     "(owner = '{user-email}')",
     "(`Owner` = ?) | str:\"{user-email}\""},
    // Quotes and injection attempts stay inside one value.
    {{"owner", "=", "O'Brien"}, "(owner = 'O''Brien')", "(`Owner` = ?) | str:\"O'Brien\""},
    {{"owner", "=", "x') OR (1 = 1"},
     "(owner = 'x'') OR (1 = 1')",
     "(`Owner` = ?) | str:\"x') OR (1 = 1\""},
    {{"region", "IN", "a'b,c"},
     "(region IN ('a''b', 'c'))",
     "(`region` IN (?, ?)) | str:\"a'b\" | str:\"c\""},
    {{"owner", "=", "\"; DROP TABLE x; --"},
     "(owner = '\"; DROP TABLE x; --')",
     "(`Owner` = ?) | str:\"\\\"; DROP TABLE x; --\""},
    // A column named like a keyword is back-quoted for the parser.
    {{"not", "=", "x"}, "(`not` = 'x')", "(`not` = ?) | str:\"x\""},
};

TEST(TablePolicy, EveryOperatorBindsValuesAsParameters) {
  for (const OperatorCase& c : kOperatorCases) {
    std::string what = c.filter.name + " " + c.filter.op + " " + c.filter.value;
    auto row = access({c.filter});
    EXPECT_EQ(role_filter_text(row), c.text) << what;
    auto policy = policy_of({row});
    ASSERT_TRUE(policy.ok()) << what << ": " << policy.error().message;
    EXPECT_EQ(bound(*policy), c.bound) << what;
  }
}

TEST(TablePolicy, FilterOpJoinsTheRowsFilters) {
  auto both = access({{"region", "=", "EU"}, {"owner", "=", "{user.email}"}});
  EXPECT_EQ(role_filter_text(both), "(region = 'EU') AND (owner = {user.email})");
  EXPECT_EQ(bound(*policy_of({both})),
            "((`region` = ?) AND (`Owner` = ?)) | str:\"EU\" | str:\"ann@example.com\"");

  auto either = access({{"region", "=", "EU"}, {"owner", "=", "{user.email}"}}, "or");
  EXPECT_EQ(role_filter_text(either), "(region = 'EU') OR (owner = {user.email})");
  EXPECT_EQ(bound(*policy_of({either})),
            "((`region` = ?) OR (`Owner` = ?)) | str:\"EU\" | str:\"ann@example.com\"");

  auto defaulted = access({{"region", "=", "EU"}, {"qty", "<", "3"}}, "");
  EXPECT_EQ(role_filter_text(defaulted), "(region = 'EU') AND (qty < '3')");
}

TEST(TablePolicy, SeveralRowsAreOred) {
  auto europe = access({{"region", "=", "EU"}, {"qty", ">", "1"}});
  auto own = access({{"owner", "=", "{user.email}"}, {"note", "CONTAINS", "vip"}}, "OR");
  auto policy = policy_of({europe, own});
  ASSERT_TRUE(policy.ok());
  EXPECT_EQ(bound(*policy),
            "(((`region` = ?) AND (`qty` > ?)) OR ((`Owner` = ?) OR (`note` LIKE ? ESCAPE '!')))"
            " | str:\"EU\" | str:\"1\" | str:\"ann@example.com\" | str:\"%vip%\"");
}

TEST(TablePolicy, UnfilteredRowWins) {
  auto filtered = access({{"region", "=", "EU"}});
  auto open = access({});
  for (const auto& rows : {std::vector{filtered, open}, std::vector{open, filtered}}) {
    auto policy = policy_of(rows);
    ASSERT_TRUE(policy.ok());
    EXPECT_FALSE(policy->restricts_rows());
    EXPECT_FALSE(policy->restricts_anything());
    // Lookups are still there for `{name}` tokens in the client's filter.
    EXPECT_EQ(policy->row_filter.lookups.count("user.email"), 1u);
  }
}

TEST(TablePolicy, LookupsComeFromThePrincipal) {
  auto policy = policy_of({access({})});
  ASSERT_TRUE(policy.ok());
  const auto& lookups = policy->row_filter.lookups;
  EXPECT_EQ(lookups.size(), ann().lookups().size());
  EXPECT_EQ(value_repr(lookups.at("user.id")), "str:\"7\"");
  EXPECT_EQ(value_repr(lookups.at("role.region")), "str:\"EU\"");
}

TEST(TablePolicy, HiddenAndReadOnlyColumnsIntersect) {
  auto first = access({});
  first.hidden_fields = {"SSN", "salary"};
  first.read_only_fields = {"Region", "owner"};
  auto second = access({});
  second.hidden_fields = {"ssn"};
  second.read_only_fields = {"salary", "OWNER", " qty "};
  auto policy = policy_of({first, second});
  ASSERT_TRUE(policy.ok());
  EXPECT_EQ(policy->hidden_columns, (std::set<std::string>{"ssn"}));
  // salary: hidden by one row, read-only in the other → readable, not writable.
  EXPECT_EQ(policy->read_only_columns, (std::set<std::string>{"owner", "salary"}));
  EXPECT_TRUE(policy->restricts_anything());

  auto alone = policy_of({first});
  ASSERT_TRUE(alone.ok());
  EXPECT_EQ(alone->hidden_columns, (std::set<std::string>{"salary", "ssn"}));
  EXPECT_EQ(alone->read_only_columns, (std::set<std::string>{"owner", "region"}));

  auto bare = access({});
  auto opened = policy_of({first, bare});
  ASSERT_TRUE(opened.ok());
  EXPECT_TRUE(opened->hidden_columns.empty());
  EXPECT_TRUE(opened->read_only_columns.empty());
  EXPECT_FALSE(opened->restricts_anything());
}

void expect_invalid(const store::RoleServiceAccess& row, const std::string& detail) {
  auto policy = policy_of({row});
  ASSERT_FALSE(policy.ok()) << detail;
  EXPECT_EQ(policy.error().code, ErrorCode::kBadRequest);
  EXPECT_EQ(policy.error().message.rfind(
                "role filter on component '_table/retail.*' is invalid: " + detail, 0),
            0u)
      << policy.error().message;
  // role_filter_text of a rejected row never parses, so nobody can use it
  // as a (silently weaker) filter.
  EXPECT_FALSE(sql::filter::parse(role_filter_text(row)).ok()) << role_filter_text(row);
}

TEST(TablePolicy, RejectsBadStoredFilters) {
  expect_invalid(access({{"region = 'EU' OR owner", "=", "x"}}), "field name");
  expect_invalid(access({{"`region`", "=", "x"}}), "field name");
  expect_invalid(access({{"1region", "=", "x"}}), "field name");
  expect_invalid(access({{"", "=", "x"}}), "field name");
  expect_invalid(access({{"Größe", "=", "x"}}), "field name");
  expect_invalid(access({{"qty", "BETWEEN", "1,2"}}), "unknown operator 'BETWEEN'");
  expect_invalid(access({{"qty", "= 1 OR qty =", "1"}}), "unknown operator");
  expect_invalid(access({{"qty", "", "1"}}), "unknown operator");
  expect_invalid(access({{"region", "IN", " ( ) "}}), "IN needs");
  expect_invalid(access({{"region", "=", "EU"}}, "XOR"), "filter_op must be AND or OR");
  // A value the filter parser refuses (invalid UTF-8) is named too.
  expect_invalid(access({{"region", "=", "\xff"}}), "");
}

TEST(TablePolicy, ABadFilterIsReportedEvenBesideAnUnfilteredRow) {
  auto policy = policy_of({access({}), access({{"bad name", "=", "x"}})});
  ASSERT_FALSE(policy.ok());
  EXPECT_EQ(policy.error().code, ErrorCode::kBadRequest);
}

TEST(TablePolicy, NoRowsIsForbidden) {
  auto policy = build_table_policy({}, ann().lookups());
  ASSERT_FALSE(policy.ok());
  EXPECT_EQ(policy.error().code, ErrorCode::kForbidden);
}

TEST(TablePolicy, UnknownColumnFailsAtBinding) {
  auto policy = policy_of({access({{"nope", "=", "x"}})});
  ASSERT_TRUE(policy.ok());
  EXPECT_EQ(bound(*policy), "error: Invalid or unparsable field in filter request: 'nope'");
}

// A filter on {user.email} for a caller without a user (an app key alone)
// must fail closed: binding refuses the missing lookup, so no statement that
// ignores the filter (or matches everything) can be built.
TEST(TablePolicy, MissingLookupFailsClosed) {
  Principal app_only;
  app_only.app = store::AppRecord{};
  app_only.app->id = 11;
  app_only.app->name = "portal";
  auto row = access({{"owner", "=", "{user.email}"}});
  auto policy = policy_of({row}, app_only);
  ASSERT_TRUE(policy.ok());
  ASSERT_TRUE(policy->restricts_rows());
  EXPECT_EQ(bound(*policy), "error: filter: unknown lookup '{user.email}' at position 10");

  sql::ReadRequest read;
  auto select = sql::build_select(orders_table(), read, false, policy->row_filter);
  ASSERT_FALSE(select.ok());
  EXPECT_EQ(select.error().code, ErrorCode::kBadRequest);

  sql::DeleteRequest remove;
  remove.filter = "qty > 0";
  auto deletion = sql::build_delete(orders_table(), remove, policy->row_filter);
  ASSERT_FALSE(deletion.ok());
  EXPECT_EQ(deletion.error().code, ErrorCode::kBadRequest);

  // The same row for a caller who has the lookup binds it as a parameter.
  auto owned = policy_of({row});
  ASSERT_TRUE(owned.ok());
  auto statement = sql::build_select(orders_table(), read, false, owned->row_filter);
  ASSERT_TRUE(statement.ok()) << statement.error().message;
  EXPECT_EQ(statement->sql.find("ann@example.com"), std::string::npos);
  ASSERT_FALSE(statement->positional.empty());
  EXPECT_EQ(value_repr(statement->positional.back()), "str:\"ann@example.com\"");
}

TEST(TablePolicy, PolicyIsAndedWithTheClientFilter) {
  auto policy = policy_of({access({{"region", "=", "{role.region}"}})});
  ASSERT_TRUE(policy.ok());
  sql::ReadRequest read;
  read.filter = "owner = {user.email} or qty > 1";
  auto statement = sql::build_select(orders_table(), read, false, policy->row_filter);
  ASSERT_TRUE(statement.ok()) << statement.error().message;
  EXPECT_NE(statement->sql.find("WHERE ((`Owner` = ?) OR (`qty` > ?)) AND (`region` = ?)"),
            std::string::npos)
      << statement->sql;
  ASSERT_EQ(statement->positional.size(), 3u);
  EXPECT_EQ(value_repr(statement->positional[2]), "str:\"EU\"");
}

}  // namespace
}  // namespace lakegate::auth
