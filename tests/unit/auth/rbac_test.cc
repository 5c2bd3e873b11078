#include "auth/rbac.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace lakegate::auth {
namespace {

using store::kApiRequestor;
using store::kDelete;
using store::kGet;
using store::kHead;
using store::kOptions;
using store::kPatch;
using store::kPost;
using store::kPut;
using store::kScriptRequestor;

constexpr int64_t kDb = 1;     // the service most rows name
constexpr int64_t kOther = 2;  // a service only all-services rows cover

store::RoleServiceAccess row(int64_t id, std::optional<int64_t> service, std::string component,
                             int verb_mask, int requestor_mask = kApiRequestor) {
  store::RoleServiceAccess access;
  access.id = id;
  access.service_id = service;
  access.component = std::move(component);
  access.verb_mask = verb_mask;
  access.requestor_mask = requestor_mask;
  return access;
}

// One role exercising every level; row ids name the rows in expectations.
store::RoleRecord matrix_role() {
  store::RoleRecord role;
  role.id = 9;
  role.name = "matrix";
  role.access = {
      row(1, kDb, "_table/orders", kGet),
      row(2, kDb, "_table/*", kGet | kPost),
      row(3, kDb, "_table/retail.*", kPut),
      row(4, kDb, "*", kGet | kPost | kPut | kPatch | kDelete),
      row(5, std::nullopt, "*", kGet),
      row(6, std::nullopt, "_table/*", kDelete),
      row(7, kDb, "_TABLE/Spark_Catalog.Retail.Orders", kPatch),
      row(8, kDb, "_proc/p (the report)", kPost),
      row(9, kDb, "_table/x.y.scripted", kGet, kScriptRequestor),
      row(10, kDb, "", kOptions),
      row(11, kDb, "_table/ord*", kDelete),
      row(12, kDb, "_schema/orders", kGet),
  };
  return role;
}

struct DecideCase {
  const char* what;
  int64_t service;
  const char* component;
  const char* verb;
  int requestor;
  std::vector<int64_t> rows;  // deciding rows granting the verb; empty = denied
};

const DecideCase kDecideCases[] = {
    // 1. exact matches; several exact rows are ORed.
    {"exact", kDb, "_table/spark_catalog.retail.orders", "GET", kApiRequestor, {1}},
    {"exact rows ORed", kDb, "_table/spark_catalog.retail.orders", "PATCH", kApiRequestor, {7}},
    {"HEAD via GET", kDb, "_table/spark_catalog.retail.orders", "HEAD", kApiRequestor, {1}},
    {"exact narrower than _table/*",
     kDb,
     "_table/spark_catalog.retail.orders",
     "POST",
     kApiRequestor,
     {}},
    {"exact narrower than *",
     kDb,
     "_table/spark_catalog.retail.orders",
     "DELETE",
     kApiRequestor,
     {}},
    {"case-insensitive", kDb, "_TABLE/SPARK_CATALOG.retail.ORDERS", "GET", kApiRequestor, {1}},
    {"schema component suffix",
     kDb,
     "_schema/spark_catalog.retail.orders",
     "GET",
     kApiRequestor,
     {12}},
    {"schema component narrows",
     kDb,
     "_schema/spark_catalog.retail.orders",
     "PUT",
     kApiRequestor,
     {}},
    // 2. wildcard prefix matches; _table/* and _table/retail.* are ORed.
    {"wildcard ORed GET", kDb, "_table/spark_catalog.retail.items", "GET", kApiRequestor, {2}},
    {"wildcard ORed PUT", kDb, "_table/spark_catalog.retail.items", "PUT", kApiRequestor, {3}},
    {"wildcard narrower than *",
     kDb,
     "_table/spark_catalog.retail.items",
     "DELETE",
     kApiRequestor,
     {}},
    {"other schema: only _table/*",
     kDb,
     "_table/spark_catalog.sales.items",
     "PUT",
     kApiRequestor,
     {}},
    {"other schema POST", kDb, "_table/spark_catalog.sales.items", "POST", kApiRequestor, {2}},
    {"_table/* covers the table list", kDb, "_table", "GET", kApiRequestor, {2}},
    {"table list narrowed by _table/*", kDb, "_table", "DELETE", kApiRequestor, {}},
    {"no suffix match on orders_archive",
     kDb,
     "_table/spark_catalog.sales.orders_archive",
     "GET",
     kApiRequestor,
     {2}},
    {"orders_archive not PATCHable",
     kDb,
     "_table/spark_catalog.sales.orders_archive",
     "PATCH",
     kApiRequestor,
     {}},
    {"ord* is no glob", kDb, "_table/spark_catalog.sales.ordinals", "DELETE", kApiRequestor, {}},
    // 3. service-wide "*".
    {"* covers other components", kDb, "_query", "DELETE", kApiRequestor, {4}},
    {"* covers _schema", kDb, "_schema/a.b.c", "PATCH", kApiRequestor, {4}},
    {"service root exact", kDb, "", "OPTIONS", kApiRequestor, {10}},
    {"service root narrows *", kDb, "", "GET", kApiRequestor, {}},
    {"service row beats all-services row", kDb, "_catalog", "GET", kApiRequestor, {4}},
    // 4. all-services rows, with their own levels.
    {"all-services wildcard", kOther, "_table/a.b.c", "DELETE", kApiRequestor, {6}},
    {"all-services wildcard narrows *", kOther, "_table/a.b.c", "GET", kApiRequestor, {}},
    {"all-services *", kOther, "_query", "GET", kApiRequestor, {5}},
    {"all-services * HEAD", kOther, "_query", "HEAD", kApiRequestor, {5}},
    {"all-services * mask", kOther, "_query", "POST", kApiRequestor, {}},
    // Parentheses ignored on both sides.
    {"parenthesised pattern", kDb, "_proc/p", "POST", kApiRequestor, {8}},
    {"parenthesised component", kDb, "_proc/P(1, 2)", "POST", kApiRequestor, {8}},
    // Requestor mask: rows that exclude the requestor do not exist for it.
    {"script-only row skipped for API", kDb, "_table/x.y.scripted", "GET", kApiRequestor, {2}},
    {"script-only row skipped; _table/* narrows",
     kDb,
     "_table/x.y.scripted",
     "DELETE",
     kApiRequestor,
     {}},
    {"script requestor", kDb, "_table/x.y.scripted", "GET", kScriptRequestor, {9}},
    {"script requestor has nothing else", kDb, "_query", "GET", kScriptRequestor, {}},
    {"no requestor", kDb, "_query", "GET", 0, {}},
    // Verbs.
    {"lower-case verb", kDb, "_query", "get", kApiRequestor, {4}},
    {"unknown verb", kDb, "_query", "MERGE", kApiRequestor, {}},
    {"OPTIONS not in *", kDb, "_query", "OPTIONS", kApiRequestor, {}},
    {"empty verb", kDb, "_query", "", kApiRequestor, {}},
};

TEST(Rbac, DecisionMatrix) {
  store::RoleRecord role = matrix_role();
  for (const DecideCase& c : kDecideCases) {
    AccessDecision decision = decide(role, c.service, c.component, c.verb, c.requestor);
    std::vector<int64_t> ids;
    for (const auto* granted : decision.rows) ids.push_back(granted->id);
    EXPECT_EQ(ids, c.rows) << c.what;
    EXPECT_EQ(decision.allowed, !c.rows.empty()) << c.what;
  }
}

TEST(Rbac, RowsPointIntoTheRole) {
  store::RoleRecord role = matrix_role();
  AccessDecision decision = decide(role, kDb, "_table/spark_catalog.retail.orders", "GET");
  ASSERT_EQ(decision.rows.size(), 1u);
  EXPECT_EQ(decision.rows[0], &role.access[0]);
}

TEST(Rbac, InactiveRoleIsDenied) {
  store::RoleRecord role = matrix_role();
  role.is_active = false;
  AccessDecision decision = decide(role, kDb, "_query", "GET");
  EXPECT_FALSE(decision.allowed);
  EXPECT_TRUE(decision.rows.empty());
}

TEST(Rbac, EmptyRoleDeniesEverything) {
  store::RoleRecord role;
  EXPECT_FALSE(decide(role, kDb, "", "GET").allowed);
  EXPECT_FALSE(decide(role, kDb, "_table/a.b.c", "GET").allowed);
}

TEST(Rbac, HeadAllowedByItsOwnBit) {
  store::RoleRecord role;
  role.access = {row(1, kDb, "*", kHead)};
  EXPECT_TRUE(decide(role, kDb, "_query", "HEAD").allowed);
  EXPECT_FALSE(decide(role, kDb, "_query", "GET").allowed);
}

TEST(Rbac, OneRowPerVerbAtTheDecidingLevel) {
  store::RoleRecord role;
  role.access = {row(1, kDb, "_table/*", kGet), row(2, kDb, "_table/retail.*", kGet | kPost),
                 row(3, kDb, "_table/*", kPut)};
  AccessDecision decision = decide(role, kDb, "_table/c.retail.t", "GET");
  ASSERT_EQ(decision.rows.size(), 2u);
  EXPECT_EQ(decision.rows[0]->id, 1);
  EXPECT_EQ(decision.rows[1]->id, 2);
}

TEST(Rbac, VerbBits) {
  EXPECT_EQ(verb_bit("GET"), kGet);
  EXPECT_EQ(verb_bit("POST"), kPost);
  EXPECT_EQ(verb_bit("PUT"), kPut);
  EXPECT_EQ(verb_bit("PATCH"), kPatch);
  EXPECT_EQ(verb_bit("DELETE"), kDelete);
  EXPECT_EQ(verb_bit("OPTIONS"), kOptions);
  EXPECT_EQ(verb_bit("HEAD"), kHead);
  EXPECT_EQ(verb_bit("patch"), kPatch);
  EXPECT_EQ(verb_bit("MERGE"), 0);
  EXPECT_EQ(verb_bit(""), 0);
  EXPECT_EQ(verb_bit("GET "), 0);
}

struct MatchCase {
  const char* pattern;
  const char* component;
  bool matches;
};

const MatchCase kMatchCases[] = {
    {"*", "", true},
    {"*", "_table/spark_catalog.retail.orders", true},
    {"", "", true},
    {"", "_table", false},
    {"_table/*", "_table", true},
    {"_table/*", "_table/", true},
    {"_table/*", "_table/spark_catalog.retail.orders", true},
    {"_table/*", "_schema/spark_catalog.retail.orders", false},
    {"_table/*", "_tables", false},
    {"_table", "_table", true},
    {"_table", "_table/a.b.c", false},
    // Suffix matching of table names, whole parts only.
    {"_table/orders", "_table/spark_catalog.retail.orders", true},
    {"_table/retail.orders", "_table/spark_catalog.retail.orders", true},
    {"_table/spark_catalog.retail.orders", "_table/spark_catalog.retail.orders", true},
    {"_table/orders", "_table/spark_catalog.retail.orders_archive", false},
    {"_table/orders", "_table/spark_catalog.orders.items", false},
    {"_table/retail.orders", "_table/x.otherretail.orders", false},
    {"_table/retail.orders", "_table/x.retail.myorders", false},
    {"_table/other.retail.orders", "_table/x.retail.orders", false},
    {"_table/a.spark_catalog.retail.orders", "_table/spark_catalog.retail.orders", false},
    {"_table/retail.orders", "_table/orders", false},
    {"_table/Retail.ORDERS", "_table/SPARK_CATALOG.retail.orders", true},
    // Whole-part wildcards.
    {"_table/retail.*", "_table/spark_catalog.retail.orders", true},
    {"_table/retail.*", "_table/spark_catalog.sales.orders", false},
    {"_table/retail.*", "_table/spark_catalog.x.retail", false},
    {"_table/spark_catalog.*.*", "_table/spark_catalog.a.b", true},
    {"_table/spark_catalog.*.*", "_table/hive.a.b", false},
    {"_table/*.orders", "_table/spark_catalog.retail.orders", true},
    // No partial globs: "ord*" is literal text.
    {"_table/ord*", "_table/spark_catalog.retail.orders", false},
    {"_table/ord*", "_table/ord", false},
    {"_table/*_archive", "_table/c.s.orders_archive", false},
    // Deeper segments.
    {"_table/orders", "_table/c.s.orders/5", false},
    {"_table/orders/*", "_table/c.s.orders/5", true},
    {"_table/orders/*", "_table/c.s.orders", true},
    {"_table/orders/*", "_table/c.s.orders_archive/5", false},
    {"_table/orders/", "_table/c.s.orders", true},
    {"/_table/orders", "_table/c.s.orders", true},
    {"_schema/orders", "_schema/c.s.orders", true},
    {"_schema/*", "_schema", true},
    {"_catalog/*", "_catalog/c/s", true},
    {"_catalog/c", "_catalog/c/s", false},
    {"_catalog/c/*", "_catalog/C/s", true},
    {"_catalog/c.s", "_catalog/x.c.s", false},  // suffix matching is for table names only
    {"_query", "_query", true},
    {"_query", "_querything", false},
    {"_query", "_QUERY", true},
    // Parentheses ignored.
    {"_proc/p(comment)", "_proc/p", true},
    {"_proc/p", "_proc/p(1, 2)", true},
    {"_proc/p (x (y))", "_proc/p", true},
    {"_proc/q", "_proc/p(q)", false},
};

TEST(Rbac, ComponentMatches) {
  for (const MatchCase& c : kMatchCases) {
    EXPECT_EQ(component_matches(c.pattern, c.component), c.matches)
        << "'" << c.pattern << "' vs '" << c.component << "'";
  }
}

TEST(Rbac, DeniedMessage) {
  EXPECT_EQ(denied_message("GET", "_table/orders", "db"),
            "GET access to component '_table/orders' of service 'db' is not allowed by this "
            "user's role.");
  EXPECT_EQ(denied_message("DELETE", "", "db"),
            "DELETE access to service 'db' is not allowed by this user's role.");
  EXPECT_EQ(denied_message("get", "_query", "db"),
            "Get access to component '_query' of service 'db' is not allowed by this user's role.");
}

}  // namespace
}  // namespace lakegate::auth
