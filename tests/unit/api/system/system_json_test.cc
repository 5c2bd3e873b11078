#include "api/system/system_json.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <functional>
#include <limits>

namespace lakegate::api {
namespace {

namespace dom = simdjson::dom;

constexpr std::string_view kAccessToken = "dapiSECRET-ACCESS-TOKEN-0001";
constexpr std::string_view kDatabricksToken = "dapiSECRET-USER-TOKEN-0002";
constexpr std::string_view kPasswordHash = "$argon2id$SECRET-PASSWORD-HASH-0003";
constexpr std::string_view kApiKeyHash = "SECRET-API-KEY-HASH-0004";

// Parses `json` (which must be valid) and returns one member as its minified JSON text.
std::string member(const std::string& json, std::string_view pointer) {
  dom::parser parser;
  dom::element root;
  EXPECT_EQ(parser.parse(json).get(root), simdjson::SUCCESS) << json;
  dom::element value;
  if (root.at_pointer(pointer).get(value) != simdjson::SUCCESS) return "<absent>";
  return simdjson::minify(value);
}

bool is_valid_json(const std::string& json) {
  dom::parser parser;
  dom::element root;
  return parser.parse(json).get(root) == simdjson::SUCCESS;
}

void expect_no_secrets(const std::string& json) {
  EXPECT_TRUE(is_valid_json(json)) << json;
  for (std::string_view secret : {kAccessToken, kDatabricksToken, kPasswordHash, kApiKeyHash}) {
    EXPECT_EQ(json.find(secret), std::string::npos) << secret << " leaked in " << json;
  }
  EXPECT_EQ(json.find("password"), std::string::npos) << json;
  EXPECT_EQ(json.find("api_key_hash"), std::string::npos) << json;
}

store::ServiceRecord sample_service() {
  store::ServiceRecord record;
  record.id = 7;
  record.config.name = "lake";
  record.config.label = "Lake";
  record.config.type = "databricks";
  record.config.workspace_url = "https://example.cloud.databricks.com";
  record.config.http_path = "/sql/1.0/warehouses/abc";
  record.config.access_token = std::string(kAccessToken);
  record.config.catalog = "main";
  record.config.schema = "sales";
  record.config.timeout_seconds = 30;
  record.config.use_unity_catalog = true;
  record.config.pool_size = 2;
  record.config.max_records = 500;
  record.config.max_concurrent_requests = 3;
  record.config.max_queued_requests = 7;
  record.config.version_ttl_ms = 250;
  record.config.cache_enabled = true;
  record.config.cache_ttl = 42;
  record.description = "the lake";
  record.source = "config";
  record.created_date = "2025-01-01T00:00:00Z";
  return record;
}

store::RoleRecord sample_role() {
  store::RoleRecord role;
  role.id = 3;
  role.name = "analyst";
  role.description = "reads \"sales\"\n";
  role.is_active = false;
  store::RoleServiceAccess all;
  all.id = 10;
  all.component = "_table/*";
  all.verb_mask = store::kGet | store::kPost;
  all.requestor_mask = store::kApiRequestor | store::kScriptRequestor;
  all.filters = {{"region", "=", "{user.region}"}, {"deleted_at", "IS NULL", ""}};
  all.filter_op = "OR";
  all.hidden_fields = {"ssn"};
  all.read_only_fields = {"id", "created"};
  store::RoleServiceAccess one;
  one.id = 11;
  one.service_id = 7;
  one.component = "_query";
  one.verb_mask = 127;
  role.access = {all, one};
  role.lookups = {{"region", "emea"}, {"tier", "gold"}};
  role.created_date = "2025-01-01T00:00:00Z";
  role.last_modified_date = "2025-01-02T00:00:00Z";
  return role;
}

store::UserRecord sample_user() {
  store::UserRecord user;
  user.id = 42;
  user.email = "ada@example.com";
  user.name = "Ada L";
  user.first_name = "Ada";
  user.last_name = "Lovelace";
  user.password_hash = std::string(kPasswordHash);
  user.is_sys_admin = true;
  user.lookups = {{"region", "emea"}};
  user.databricks_token = std::string(kDatabricksToken);
  user.default_role_id = 3;
  user.last_login_date = "2025-02-01T00:00:00Z";
  return user;
}

store::AppRecord sample_app() {
  store::AppRecord app;
  app.id = 5;
  app.name = "dashboard";
  app.description = "BI";
  app.role_id = 3;
  app.api_key_hash = std::string(kApiKeyHash);
  app.api_key_prefix = "lg_ab12";
  return app;
}

store::LimitRecord sample_limit() {
  store::LimitRecord limit;
  limit.id = 9;
  limit.type = "instance.user.service.endpoint";
  limit.name = "ada-orders";
  limit.description = "cap";
  limit.rate = 100;
  limit.period = 3;
  limit.user_id = 42;
  limit.service_id = 7;
  limit.endpoint = "_table/orders*";
  limit.verb = "GET";
  return limit;
}

void expect_same_access(const std::vector<store::RoleServiceAccess>& actual,
                        const std::vector<store::RoleServiceAccess>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    EXPECT_EQ(actual[i].service_id, expected[i].service_id);
    EXPECT_EQ(actual[i].component, expected[i].component);
    EXPECT_EQ(actual[i].verb_mask, expected[i].verb_mask);
    EXPECT_EQ(actual[i].requestor_mask, expected[i].requestor_mask);
    ASSERT_EQ(actual[i].filters.size(), expected[i].filters.size());
    for (size_t f = 0; f < actual[i].filters.size(); ++f) {
      EXPECT_EQ(actual[i].filters[f].name, expected[i].filters[f].name);
      EXPECT_EQ(actual[i].filters[f].op, expected[i].filters[f].op);
      EXPECT_EQ(actual[i].filters[f].value, expected[i].filters[f].value);
    }
    EXPECT_EQ(actual[i].filter_op, expected[i].filter_op);
    EXPECT_EQ(actual[i].hidden_fields, expected[i].hidden_fields);
    EXPECT_EQ(actual[i].read_only_fields, expected[i].read_only_fields);
  }
}

// ---- rendering -------------------------------------------------------------

TEST(SystemJsonRender, NoRendererLeaksSecrets) {
  std::string out;
  append_service_json(out, sample_service());
  expect_no_secrets(out);
  out.clear();
  append_role_json(out, sample_role());
  expect_no_secrets(out);
  out.clear();
  append_app_json(out, sample_app());
  expect_no_secrets(out);
  out.clear();
  append_user_json(out, sample_user(), {{42, 5, 3}, {42, 6, 4}});
  expect_no_secrets(out);
  out.clear();
  append_limit_json(out, sample_limit());
  expect_no_secrets(out);
  out.clear();
  store::AuditRecord audit;
  audit.verb = "GET";
  append_audit_json(out, audit);
  expect_no_secrets(out);
}

TEST(SystemJsonRender, ServiceShapeWithMaskedToken) {
  std::string out;
  append_service_json(out, sample_service());
  EXPECT_EQ(member(out, "/id"), "7");
  EXPECT_EQ(member(out, "/name"), "\"lake\"");
  EXPECT_EQ(member(out, "/label"), "\"Lake\"");
  EXPECT_EQ(member(out, "/type"), "\"databricks\"");
  EXPECT_EQ(member(out, "/description"), "\"the lake\"");
  EXPECT_EQ(member(out, "/is_active"), "true");
  EXPECT_EQ(member(out, "/source"), "\"config\"");
  EXPECT_EQ(member(out, "/created_date"), "\"2025-01-01T00:00:00Z\"");
  EXPECT_EQ(member(out, "/last_modified_date"), "null");
  EXPECT_EQ(member(out, "/config/access_token"), "\"********\"");
  EXPECT_EQ(member(out, "/config/workspace_url"), "\"https://example.cloud.databricks.com\"");
  EXPECT_EQ(member(out, "/config/http_path"), "\"/sql/1.0/warehouses/abc\"");
  EXPECT_EQ(member(out, "/config/cluster_id"), "\"\"");
  EXPECT_EQ(member(out, "/config/catalog"), "\"main\"");
  EXPECT_EQ(member(out, "/config/schema"), "\"sales\"");
  EXPECT_EQ(member(out, "/config/timeout"), "30");
  EXPECT_EQ(member(out, "/config/use_unity_catalog"), "true");
  EXPECT_EQ(member(out, "/config/protocol"), "\"\"");
  EXPECT_EQ(member(out, "/config/ca_file"), "\"\"");
  EXPECT_EQ(member(out, "/config/user_id"), "\"\"");
  EXPECT_EQ(member(out, "/config/pool_size"), "2");
  EXPECT_EQ(member(out, "/config/max_records"), "500");
  EXPECT_EQ(member(out, "/config/max_concurrent_requests"), "3");
  EXPECT_EQ(member(out, "/config/max_queued_requests"), "7");
  EXPECT_EQ(member(out, "/config/version_ttl_ms"), "250");
  EXPECT_EQ(member(out, "/config/cache_enabled"), "true");
  EXPECT_EQ(member(out, "/config/cache_ttl"), "42");
  EXPECT_EQ(member(out, "/config/cache_max_mb"), "64");

  store::ServiceRecord no_token = sample_service();
  no_token.config.access_token.clear();
  out.clear();
  append_service_json(out, no_token);
  EXPECT_EQ(member(out, "/config/access_token"), "\"\"");
}

TEST(SystemJsonRender, UserTokenMaskedOrEmpty) {
  std::string out;
  append_user_json(out, sample_user(), {{42, 5, 3}});
  EXPECT_EQ(member(out, "/databricks_token"), "\"********\"");
  EXPECT_EQ(member(out, "/user_to_app_to_role_by_user_id"), R"([{"app_id":5,"role_id":3}])");
  EXPECT_EQ(member(out, "/lookup_by_user_id"), R"([{"name":"region","value":"emea"}])");
  EXPECT_EQ(member(out, "/default_role_id"), "3");
  EXPECT_EQ(member(out, "/created_date"), "null");
  EXPECT_EQ(member(out, "/password_hash"), "<absent>");

  store::UserRecord no_token = sample_user();
  no_token.databricks_token.clear();
  no_token.default_role_id.reset();
  out.clear();
  append_user_json(out, no_token, {});
  EXPECT_EQ(member(out, "/databricks_token"), "\"\"");
  EXPECT_EQ(member(out, "/default_role_id"), "null");
  EXPECT_EQ(member(out, "/user_to_app_to_role_by_user_id"), "[]");
}

TEST(SystemJsonRender, RoleShape) {
  std::string out;
  append_role_json(out, sample_role());
  EXPECT_EQ(
      member(out, "/role_service_access_by_role_id/0"),
      R"({"id":10,"role_id":3,"service_id":null,"component":"_table/*","verb_mask":3,)"
      R"("requestor_mask":3,"filters":[{"name":"region","operator":"=","value":"{user.region}"},)"
      R"({"name":"deleted_at","operator":"IS NULL","value":""}],"filter_op":"OR",)"
      R"("hidden_fields":["ssn"],"read_only_fields":["id","created"]})");
  EXPECT_EQ(member(out, "/role_service_access_by_role_id/1/service_id"), "7");
  EXPECT_EQ(member(out, "/lookup_by_role_id/1"), R"({"name":"tier","value":"gold"})");
  EXPECT_EQ(member(out, "/description"), R"("reads \"sales\"\n")");
}

TEST(SystemJsonRender, AppNeverShowsKey) {
  std::string out;
  append_app_json(out, sample_app());
  EXPECT_EQ(member(out, "/api_key_prefix"), "\"lg_ab12\"");
  EXPECT_EQ(member(out, "/api_key"), "<absent>");
  EXPECT_EQ(member(out, "/role_id"), "3");
}

TEST(SystemJsonRender, LimitPeriodByName) {
  std::string out;
  append_limit_json(out, sample_limit());
  EXPECT_EQ(member(out, "/period"), "\"7-day\"");
  EXPECT_EQ(member(out, "/role_id"), "null");
  EXPECT_EQ(member(out, "/verb"), "\"GET\"");

  store::LimitRecord any_verb;
  any_verb.rate = 1;
  out.clear();
  append_limit_json(out, any_verb);
  EXPECT_EQ(member(out, "/period"), "\"minute\"");
  EXPECT_EQ(member(out, "/verb"), "null");
  EXPECT_EQ(member(out, "/endpoint"), "null");
}

TEST(SystemJsonRender, AuditRecord) {
  store::AuditRecord audit;
  audit.id = 1;
  audit.time = "2025-01-01T00:00:00.000Z";
  audit.status = 200;
  audit.duration_ms = 12.3456;
  audit.params_json = R"({"filter": "a = 1"})";
  std::string out;
  append_audit_json(out, audit);
  EXPECT_EQ(member(out, "/rows"), "null");
  EXPECT_EQ(member(out, "/duration_ms"), "12.346");
  EXPECT_EQ(member(out, "/params"), R"({"filter":"a = 1"})");

  audit.rows = 3;
  audit.params_json = "{not json";
  audit.duration_ms = std::numeric_limits<double>::infinity();
  out.clear();
  append_audit_json(out, audit);
  EXPECT_EQ(member(out, "/rows"), "3");
  EXPECT_EQ(member(out, "/params"), R"("{not json")");
  EXPECT_EQ(member(out, "/duration_ms"), "null");
}

TEST(SystemJsonRender, HostileTextStaysValidJson) {
  store::RoleRecord role = sample_role();
  role.name = std::string("a\"b\\c\x01\xff\xfe", 8);
  role.lookups = {{"\n\"", "\x7f"}};
  role.access[0].filters[0].value = "\"},{\"x";
  std::string out;
  append_role_json(out, role);
  EXPECT_TRUE(is_valid_json(out)) << out;
}

// ---- round trips -------------------------------------------------------------

TEST(SystemJsonRoundTrip, Role) {
  const store::RoleRecord original = sample_role();
  std::string out;
  append_role_json(out, original);
  // As an update of the same record: every field survives.
  auto updated = parse_role_json(out, original);
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  EXPECT_EQ(updated->id, 3);
  EXPECT_EQ(updated->name, original.name);
  EXPECT_EQ(updated->description, original.description);
  EXPECT_EQ(updated->is_active, original.is_active);
  EXPECT_EQ(updated->lookups, original.lookups);
  expect_same_access(updated->access, original.access);
  // As a create (ids in the body ignored).
  auto created = parse_role_json(out, store::RoleRecord{});
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->id, 0);
  EXPECT_EQ(created->name, original.name);
  expect_same_access(created->access, original.access);
  EXPECT_EQ(created->access[0].id, 0);
}

TEST(SystemJsonRoundTrip, User) {
  const store::UserRecord original = sample_user();
  const std::vector<store::UserAppRole> roles = {{42, 5, 3}, {42, 6, 4}};
  std::string out;
  append_user_json(out, original, roles);
  auto parsed = parse_user_json(out, original);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const store::UserRecord& user = parsed->user;
  EXPECT_EQ(user.email, original.email);
  EXPECT_EQ(user.name, original.name);
  EXPECT_EQ(user.first_name, original.first_name);
  EXPECT_EQ(user.last_name, original.last_name);
  EXPECT_EQ(user.is_active, original.is_active);
  EXPECT_EQ(user.is_sys_admin, original.is_sys_admin);
  EXPECT_EQ(user.default_role_id, original.default_role_id);
  EXPECT_EQ(user.lookups, original.lookups);
  EXPECT_EQ(user.databricks_token, kDatabricksToken);  // the mask keeps the stored token
  EXPECT_EQ(user.password_hash, kPasswordHash);
  EXPECT_TRUE(parsed->new_password.empty());
  ASSERT_TRUE(parsed->app_roles_given);
  ASSERT_EQ(parsed->app_roles.size(), 2u);
  EXPECT_EQ(parsed->app_roles[1].user_id, 42);
  EXPECT_EQ(parsed->app_roles[1].app_id, 6);
  EXPECT_EQ(parsed->app_roles[1].role_id, 4);
}

TEST(SystemJsonRoundTrip, Limit) {
  const store::LimitRecord original = sample_limit();
  std::string out;
  append_limit_json(out, original);
  auto parsed = parse_limit_json(out, store::LimitRecord{});
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->id, 0);
  EXPECT_EQ(parsed->type, original.type);
  EXPECT_EQ(parsed->name, original.name);
  EXPECT_EQ(parsed->description, original.description);
  EXPECT_EQ(parsed->rate, original.rate);
  EXPECT_EQ(parsed->period, original.period);
  EXPECT_EQ(parsed->user_id, original.user_id);
  EXPECT_EQ(parsed->role_id, original.role_id);
  EXPECT_EQ(parsed->service_id, original.service_id);
  EXPECT_EQ(parsed->endpoint, original.endpoint);
  EXPECT_EQ(parsed->verb, original.verb);
  EXPECT_EQ(parsed->is_active, original.is_active);
}

TEST(SystemJsonRoundTrip, App) {
  const store::AppRecord original = sample_app();
  std::string out;
  append_app_json(out, original);
  auto parsed = parse_app_json(out, original);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->name, original.name);
  EXPECT_EQ(parsed->description, original.description);
  EXPECT_EQ(parsed->is_active, original.is_active);
  EXPECT_EQ(parsed->role_id, original.role_id);
  EXPECT_EQ(parsed->api_key_hash, kApiKeyHash);
  EXPECT_EQ(parsed->api_key_prefix, "lg_ab12");
}

// ---- PATCH semantics -----------------------------------------------------------

TEST(SystemJsonPatch, AbsentFieldsKeepBase) {
  auto role = parse_role_json(R"({"description": "new"})", sample_role());
  ASSERT_TRUE(role.ok()) << role.error().message;
  EXPECT_EQ(role->name, "analyst");
  EXPECT_EQ(role->description, "new");
  EXPECT_FALSE(role->is_active);
  expect_same_access(role->access, sample_role().access);
  EXPECT_EQ(role->lookups, sample_role().lookups);

  auto user = parse_user_json(R"({"first_name": "A"})", sample_user());
  ASSERT_TRUE(user.ok()) << user.error().message;
  EXPECT_EQ(user->user.email, "ada@example.com");
  EXPECT_EQ(user->user.first_name, "A");
  EXPECT_EQ(user->user.databricks_token, kDatabricksToken);
  EXPECT_EQ(user->user.default_role_id, 3);
  EXPECT_FALSE(user->app_roles_given);
  EXPECT_TRUE(user->new_password.empty());

  auto app = parse_app_json(R"({"is_active": false})", sample_app());
  ASSERT_TRUE(app.ok()) << app.error().message;
  EXPECT_EQ(app->name, "dashboard");
  EXPECT_EQ(app->role_id, 3);
  EXPECT_FALSE(app->is_active);

  auto limit = parse_limit_json(R"({"rate": 5})", sample_limit());
  ASSERT_TRUE(limit.ok()) << limit.error().message;
  EXPECT_EQ(limit->rate, 5);
  EXPECT_EQ(limit->name, "ada-orders");
  EXPECT_EQ(limit->user_id, 42);
  EXPECT_EQ(limit->period, 3);
}

TEST(SystemJsonPatch, AccessRowsReplacedWholesaleWithDefaults) {
  auto role = parse_role_json(
      R"({"role_service_access_by_role_id": [{"service_id": 7, "verb_mask": 1}]})", sample_role());
  ASSERT_TRUE(role.ok()) << role.error().message;
  ASSERT_EQ(role->access.size(), 1u);
  EXPECT_EQ(role->access[0].service_id, 7);
  EXPECT_EQ(role->access[0].component, "*");
  EXPECT_EQ(role->access[0].requestor_mask, store::kApiRequestor);
  EXPECT_EQ(role->access[0].filter_op, "AND");
  EXPECT_TRUE(role->access[0].filters.empty());

  auto cleared = parse_role_json(R"({"role_service_access_by_role_id": []})", sample_role());
  ASSERT_TRUE(cleared.ok()) << cleared.error().message;
  EXPECT_TRUE(cleared->access.empty());
}

TEST(SystemJsonPatch, NullsClearOptionalValues) {
  auto user = parse_user_json(
      R"({"default_role_id": null, "databricks_token": null, "lookup_by_user_id": null})",
      sample_user());
  ASSERT_TRUE(user.ok()) << user.error().message;
  EXPECT_FALSE(user->user.default_role_id.has_value());
  EXPECT_TRUE(user->user.databricks_token.empty());
  EXPECT_TRUE(user->user.lookups.empty());

  auto token = parse_user_json(R"({"databricks_token": "dapi-new", "password": "correct horse"})",
                               sample_user());
  ASSERT_TRUE(token.ok()) << token.error().message;
  EXPECT_EQ(token->user.databricks_token, "dapi-new");
  EXPECT_EQ(token->new_password, "correct horse");
  EXPECT_EQ(token->user.password_hash, kPasswordHash);  // the caller hashes the new one

  auto app = parse_app_json(R"({"role_id": null})", sample_app());
  ASSERT_TRUE(app.ok()) << app.error().message;
  EXPECT_FALSE(app->role_id.has_value());
}

TEST(SystemJsonPatch, UpdateIdMustMatchCreateIdIgnored) {
  EXPECT_TRUE(parse_role_json(R"({"id": 3})", sample_role()).ok());
  auto mismatch = parse_role_json(R"({"id": 4})", sample_role());
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(mismatch.error().code, ErrorCode::kBadRequest);
  EXPECT_EQ(mismatch.error().message, "role.id: does not match the record's id 3");
  auto created = parse_role_json(R"({"id": 99, "name": "n"})", store::RoleRecord{});
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->id, 0);
  EXPECT_FALSE(parse_user_json(R"({"id": 1})", sample_user()).ok());
  EXPECT_FALSE(parse_app_json(R"({"id": 1})", sample_app()).ok());
  EXPECT_FALSE(parse_limit_json(R"({"id": 1})", sample_limit()).ok());
}

// ---- accepted spellings ---------------------------------------------------------

TEST(SystemJsonParse, FilterValuesOperatorsAndOps) {
  auto role = parse_role_json(R"({"name": "r", "role_service_access_by_role_id": [{
      "service_id": null, "component": "_table/t", "verb_mask": 31, "requestor_mask": 2,
      "filter_op": "or",
      "filters": [{"name": "a", "operator": "not in", "value": "1,2"},
                  {"name": "b", "operator": "=", "value": 42},
                  {"name": "c", "operator": ">=", "value": 1.5},
                  {"name": "d", "operator": "=", "value": true},
                  {"name": "e", "operator": "is null", "value": null},
                  {"name": "f", "operator": "Starts With"},
                  {"name": "g", "operator": "like", "value": "x%"}],
      "hidden_fields": ["h"], "read_only_fields": null}]})",
                              store::RoleRecord{});
  ASSERT_TRUE(role.ok()) << role.error().message;
  const store::RoleServiceAccess& row = role->access.at(0);
  EXPECT_FALSE(row.service_id.has_value());
  EXPECT_EQ(row.requestor_mask, 2);
  EXPECT_EQ(row.filter_op, "OR");
  ASSERT_EQ(row.filters.size(), 7u);
  EXPECT_EQ(row.filters[0].op, "NOT IN");
  EXPECT_EQ(row.filters[0].value, "1,2");
  EXPECT_EQ(row.filters[1].value, "42");
  EXPECT_EQ(row.filters[2].value, "1.5");
  EXPECT_EQ(row.filters[3].value, "true");
  EXPECT_EQ(row.filters[4].op, "IS NULL");
  EXPECT_EQ(row.filters[4].value, "");
  EXPECT_EQ(row.filters[5].op, "STARTS WITH");
  EXPECT_EQ(row.filters[5].value, "");
  EXPECT_EQ(row.filters[6].op, "LIKE");
  EXPECT_EQ(row.hidden_fields, std::vector<std::string>{"h"});
  EXPECT_TRUE(row.read_only_fields.empty());
}

TEST(SystemJsonParse, LimitPeriodsAndVerbs) {
  const std::pair<const char*, int> periods[] = {
      {"0", 0},       {"4", 4},         {"\"minute\"", 0}, {"\"HOUR\"", 1},
      {"\"day\"", 2}, {"\"7-day\"", 3}, {"\"30-day\"", 4}};
  for (const auto& [period, index] : periods) {
    auto limit = parse_limit_json(
        std::string(R"({"name": "n", "rate": 1, "verb": "patch", "period": )") + period + "}",
        store::LimitRecord{});
    ASSERT_TRUE(limit.ok()) << period << ": " << limit.error().message;
    EXPECT_EQ(limit->period, index) << period;
    EXPECT_EQ(limit->verb, "PATCH");
  }
  auto all_verbs = parse_limit_json(R"({"name": "n", "rate": 1, "verb": null})", sample_limit());
  ASSERT_TRUE(all_verbs.ok()) << all_verbs.error().message;
  EXPECT_EQ(all_verbs->verb, "");
  auto empty_verb = parse_limit_json(R"({"verb": ""})", sample_limit());
  ASSERT_TRUE(empty_verb.ok()) << empty_verb.error().message;
  EXPECT_EQ(empty_verb->verb, "");
}

TEST(SystemJsonParse, LimitTypesAndTheirColumns) {
  const char* valid[] = {
      R"({"type": "instance"})",
      R"({"type": "instance.user", "user_id": 1})",
      R"({"type": "instance.each_user"})",
      R"({"type": "instance.role", "role_id": 1})",
      R"({"type": "instance.service", "service_id": 1})",
      R"({"type": "instance.user.service", "user_id": 1, "service_id": 1})",
      R"({"type": "instance.each_user.service", "service_id": 1})",
      R"({"type": "instance.service.endpoint", "service_id": 1, "endpoint": "_table/t"})",
      R"({"type": "instance.user.service.endpoint", "user_id": 1, "service_id": 1, "endpoint": "e"})",
      R"({"type": "instance.each_user.service.endpoint", "service_id": 1, "endpoint": "_table/*"})",
  };
  for (const char* body : valid) {
    std::string json(body);
    json.insert(1, R"("name": "n", "rate": 10, )");
    auto limit = parse_limit_json(json, store::LimitRecord{});
    EXPECT_TRUE(limit.ok()) << json << ": " << limit.error().message;
  }
}

TEST(SystemJsonParse, SplitResourceBodyShapes) {
  auto wrapped = split_resource_body(R"({"resource": [{"name": "a"}, {"name": "b", "x": [1]}]})");
  ASSERT_TRUE(wrapped.ok()) << wrapped.error().message;
  ASSERT_EQ(wrapped->size(), 2u);
  EXPECT_EQ((*wrapped)[0], R"({"name":"a"})");
  EXPECT_EQ((*wrapped)[1], R"({"name":"b","x":[1]})");

  auto bare = split_resource_body(R"( [ {"name": "a"} ] )");
  ASSERT_TRUE(bare.ok()) << bare.error().message;
  ASSERT_EQ(bare->size(), 1u);
  EXPECT_EQ((*bare)[0], R"({"name":"a"})");

  auto single = split_resource_body(R"({"name": "solo", "is_active": true})");
  ASSERT_TRUE(single.ok()) << single.error().message;
  ASSERT_EQ(single->size(), 1u);
  EXPECT_EQ((*single)[0], R"({"name":"solo","is_active":true})");
  // Each piece parses on its own.
  EXPECT_TRUE(parse_app_json((*single)[0], store::AppRecord{}).ok());
}

TEST(SystemJsonParse, SplitResourceBodyErrors) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "request body: invalid JSON"},
      {"{", "request body: invalid JSON"},
      {R"({"resource": [{"a": 1}]} trailing)", "request body: invalid JSON"},
      {"42", "request body: expected a JSON object or array"},
      {R"("text")", "request body: expected a JSON object or array"},
      {"[]", "resource: no records"},
      {R"({"resource": []})", "resource: no records"},
      {R"({"resource": {"name": "a"}})", "resource: expected an array"},
      {R"([{"a": 1}, 2])", "resource[1]: expected a JSON object"},
      {R"({"resource": [[]]})", "resource[0]: expected a JSON object"},
      {R"({"resource": [{"a": 1}], "fields": "*"})", "unexpected member \"fields\""},
  };
  for (const auto& [body, message] : cases) {
    auto split = split_resource_body(body);
    ASSERT_FALSE(split.ok()) << body;
    EXPECT_EQ(split.error().code, ErrorCode::kBadRequest) << body;
    EXPECT_NE(split.error().message.find(message), std::string::npos)
        << body << " → " << split.error().message;
  }
}

// ---- validation errors: each names its field ---------------------------------------

struct ErrorCase {
  std::string body;
  std::string message_prefix;  // the field path and, where it matters, the reason
};

using Parser = std::function<Status(const std::string&)>;

void expect_errors(const Parser& parse, const std::vector<ErrorCase>& cases) {
  for (const ErrorCase& error_case : cases) {
    Status status = parse(error_case.body);
    ASSERT_FALSE(status.ok()) << error_case.body;
    EXPECT_EQ(status.error().code, ErrorCode::kBadRequest) << error_case.body;
    EXPECT_EQ(status.error().message.rfind(error_case.message_prefix, 0), 0u)
        << error_case.body << " → " << status.error().message;
  }
}

template <typename T>
Status status_of(const Result<T>& result) {
  return result.ok() ? ok_status() : Status(result.error());
}

TEST(SystemJsonErrors, Role) {
  const Parser create = [](const std::string& body) {
    return status_of(parse_role_json(body, store::RoleRecord{}));
  };
  const std::string rows = R"({"name": "r", "role_service_access_by_role_id": )";
  expect_errors(
      create,
      {
          {"", "role: invalid JSON"},
          {"{\"name\": ", "role: invalid JSON"},
          {"[]", "role: expected a JSON object"},
          {"{}", "role.name: required"},
          {R"({"name": ""})", "role.name: expected a non-empty string"},
          {R"({"name": 5})", "role.name: expected a non-empty string"},
          {R"({"name": "r", "description": 1})", "role.description: expected a string"},
          {R"({"name": "r", "is_active": "yes"})", "role.is_active: expected a boolean"},
          {R"({"name": "r", "nmae": "x"})", "role.nmae: unknown field"},
          {R"({"name": "r", "name": "s"})", "role.name: duplicate field"},
          {R"({"name": "r", "id": "3"})", "role.id: expected an integer"},
          {R"({"name": "r", "created_date": 5})", "role.created_date: expected a string"},
          {rows + "{}}", "role.role_service_access_by_role_id: expected an array"},
          {rows + "[5]}", "role.role_service_access_by_role_id[0]: expected an object"},
          {rows + R"([{"verb_mask": "1"}]})",
           "role.role_service_access_by_role_id[0].verb_mask: expected an integer"},
          {rows + R"([{}, {"verb_mask": 128}]})",
           "role.role_service_access_by_role_id[1].verb_mask: expected an integer from 0 to 127"},
          {rows + R"([{"verb_mask": 1.0}]})",
           "role.role_service_access_by_role_id[0].verb_mask: expected an integer"},
          {rows + R"([{"requestor_mask": 4}]})",
           "role.role_service_access_by_role_id[0].requestor_mask: expected an integer"},
          {rows + R"([{"service_id": "7"}]})",
           "role.role_service_access_by_role_id[0].service_id: expected a positive integer"},
          {rows + R"([{"service_id": 0}]})",
           "role.role_service_access_by_role_id[0].service_id: expected a positive integer"},
          {rows + R"([{"component": null}]})",
           "role.role_service_access_by_role_id[0].component: expected a string"},
          {rows + R"([{"filter_op": "XOR"}]})",
           "role.role_service_access_by_role_id[0].filter_op: expected AND or OR"},
          {rows + R"([{"filters": {}}]})",
           "role.role_service_access_by_role_id[0].filters: expected an array"},
          {rows + R"([{"filters": ["a = 1"]}]})",
           "role.role_service_access_by_role_id[0].filters[0]: expected an object"},
          {rows + R"([{"filters": [{"name": "a", "operator": "=~", "value": 1}]}]})",
           "role.role_service_access_by_role_id[0].filters[0].operator: expected one of"},
          {rows + R"([{"filters": [{"name": "a", "operator": "; DROP", "value": 1}]}]})",
           "role.role_service_access_by_role_id[0].filters[0].operator: expected one of"},
          {rows + R"([{"filters": [{"name": "a", "operator": "="}, {"operator": "="}]}]})",
           "role.role_service_access_by_role_id[0].filters[1].name: required"},
          {rows + R"([{"filters": [{"name": "a"}]}]})",
           "role.role_service_access_by_role_id[0].filters[0].operator: required"},
          {rows + R"([{"filters": [{"name": "a", "operator": "=", "value": [1]}]}]})",
           "role.role_service_access_by_role_id[0].filters[0].value: expected a string, number"},
          {rows + R"([{"filters": [{"name": "a", "operator": "=", "valeu": 1}]}]})",
           "role.role_service_access_by_role_id[0].filters[0].valeu: unknown field"},
          {rows + R"([{"hidden_fields": "ssn"}]})",
           "role.role_service_access_by_role_id[0].hidden_fields: expected an array"},
          {rows + R"([{"read_only_fields": ["a", ""]}]})",
           "role.role_service_access_by_role_id[0].read_only_fields[1]: expected a non-empty"},
          {rows + R"([{"verb": 1}]})", "role.role_service_access_by_role_id[0].verb: unknown"},
          {R"({"name": "r", "lookup_by_role_id": [{"name": "a"}, {"name": "a"}]})",
           "role.lookup_by_role_id[1].name: duplicate lookup"},
          {R"({"name": "r", "lookup_by_role_id": [{"value": "a"}]})",
           "role.lookup_by_role_id[0].name: required"},
          {R"({"name": "r", "lookup_by_role_id": [{"name": "a", "private": true}]})",
           "role.lookup_by_role_id[0].private: unknown field"},
          {R"({"name": "r", "lookup_by_role_id": {"a": "b"}})",
           "role.lookup_by_role_id: expected an array"},
      });
}

TEST(SystemJsonErrors, App) {
  const Parser create = [](const std::string& body) {
    return status_of(parse_app_json(body, store::AppRecord{}));
  };
  expect_errors(create,
                {
                    {"nope", "app: invalid JSON"},
                    {R"({"description": "d"})", "app.name: required"},
                    {R"({"name": "a", "api_key": "k"})", "app.api_key: cannot be set"},
                    {R"({"name": "a", "api_key": null})", "app.api_key: cannot be set"},
                    {R"({"name": "a", "role_id": -1})", "app.role_id: expected a positive"},
                    {R"({"name": "a", "role_id": "1"})", "app.role_id: expected a positive"},
                    {R"({"name": "a", "is_active": 1})", "app.is_active: expected a boolean"},
                    {R"({"name": "a", "type": 0})", "app.type: unknown field"},
                    {R"({"name": "a", "api_key_hash": "h"})", "app.api_key_hash: unknown field"},
                });
}

TEST(SystemJsonErrors, User) {
  const Parser create = [](const std::string& body) {
    return status_of(parse_user_json(body, store::UserRecord{}));
  };
  const std::string rows = R"({"email": "a@b.c", "user_to_app_to_role_by_user_id": )";
  expect_errors(
      create,
      {
          {"{", "user: invalid JSON"},
          {R"({"name": "n"})", "user.email: required"},
          {R"({"email": "nobody"})", "user.email: expected an email address"},
          {R"({"email": "@b.c"})", "user.email: expected an email address"},
          {R"({"email": "a b@c.d"})", "user.email: expected an email address"},
          {R"({"email": null})", "user.email: expected an email address"},
          {R"({"email": "a@b.c", "password": "short"})", "user.password: must be at least 8"},
          {R"({"email": "a@b.c", "password": ""})", "user.password: must be at least 8"},
          {R"({"email": "a@b.c", "password": 12345678})", "user.password: expected a string"},
          {R"({"email": "a@b.c", "password": ")" + std::string(1025, 'x') + "\"}",
           "user.password: must be at most"},
          {R"({"email": "a@b.c", "password_hash": "x"})", "user.password_hash: unknown field"},
          {R"({"email": "a@b.c", "is_sys_admin": "true"})",
           "user.is_sys_admin: expected a boolean"},
          {R"({"email": "a@b.c", "default_role_id": 1.5})", "user.default_role_id: expected a"},
          {R"({"email": "a@b.c", "databricks_token": 5})", "user.databricks_token: expected a"},
          {R"({"email": "a@b.c", "first_name": []})", "user.first_name: expected a string"},
          {R"({"email": "a@b.c", "lookup_by_user_id": [{"name": "k", "value": {}}]})",
           "user.lookup_by_user_id[0].value: expected a string, number"},
          {rows + "5}", "user.user_to_app_to_role_by_user_id: expected an array"},
          {rows + R"([{"role_id": 1}]})",
           "user.user_to_app_to_role_by_user_id[0].app_id: required"},
          {rows + R"([{"app_id": 1}]})",
           "user.user_to_app_to_role_by_user_id[0].role_id: required"},
          {rows + R"([{"app_id": 1, "role_id": "x"}]})",
           "user.user_to_app_to_role_by_user_id[0].role_id: expected a positive integer"},
          {rows + R"([{"app_id": 1, "role_id": 2}, {"app_id": 1, "role_id": 3}]})",
           "user.user_to_app_to_role_by_user_id[1].app_id: duplicate app 1"},
          {rows + R"([{"app_id": 1, "role_id": 2, "extra": 1}]})",
           "user.user_to_app_to_role_by_user_id[0].extra: unknown field"},
      });
  // On an update the rows' user_id, when given, must be this user's.
  auto other_user = parse_user_json(
      R"({"user_to_app_to_role_by_user_id": [{"user_id": 1, "app_id": 1, "role_id": 2}]})",
      sample_user());
  ASSERT_FALSE(other_user.ok());
  EXPECT_EQ(other_user.error().message.rfind(
                "user.user_to_app_to_role_by_user_id[0].user_id: does not match", 0),
            0u)
      << other_user.error().message;
}

TEST(SystemJsonErrors, Limit) {
  const Parser create = [](const std::string& body) {
    return status_of(parse_limit_json(body, store::LimitRecord{}));
  };
  const std::string head = R"({"name": "n", "rate": 1, )";
  expect_errors(
      create,
      {
          {"[1]", "limit: expected a JSON object"},
          {R"({"rate": 1})", "limit.name: required"},
          {R"({"name": "n"})", "limit.rate: required"},
          {head + R"("type": "instance.users"})", "limit.type: expected one of instance"},
          {head + R"("type": 1})", "limit.type: expected one of"},
          {R"({"name": "n", "rate": 0})", "limit.rate: expected an integer greater than 0"},
          {R"({"name": "n", "rate": -5})", "limit.rate: expected an integer greater than 0"},
          {R"({"name": "n", "rate": "10"})", "limit.rate: expected an integer greater than 0"},
          {head + R"("period": 5})", "limit.period: expected 0-4 or one of"},
          {head + R"("period": -1})", "limit.period: expected 0-4"},
          {head + R"("period": "week"})", "limit.period: expected 0-4"},
          {head + R"("period": 1.0})", "limit.period: expected 0-4"},
          {head + R"("verb": "OPTIONS"})", "limit.verb: expected GET, POST"},
          {head + R"("verb": 1})", "limit.verb: expected GET, POST"},
          {head + R"("endpoint": 1})", "limit.endpoint: expected a string"},
          {head + R"("user_id": "1"})", "limit.user_id: expected a positive integer"},
          {head + R"("key_text": "x"})", "limit.key_text: unknown field"},
          {head + R"("type": "instance.user"})",
           "limit.user_id: required for type \"instance.user\""},
          {head + R"("type": "instance.role"})", "limit.role_id: required"},
          {head + R"("type": "instance.service"})", "limit.service_id: required"},
          {head + R"("type": "instance.each_user.service"})", "limit.service_id: required"},
          {head + R"("type": "instance.service.endpoint", "service_id": 1})",
           "limit.endpoint: required"},
          {head + R"("type": "instance.user.service.endpoint", "service_id": 1, "endpoint": "e"})",
           "limit.user_id: required"},
          {head + R"("type": "instance", "user_id": 1})",
           "limit.user_id: not used by type \"instance\""},
          {head + R"("type": "instance.each_user", "user_id": 1})", "limit.user_id: not used"},
          {head + R"("type": "instance.user", "user_id": 1, "role_id": 2})",
           "limit.role_id: not used"},
          {head + R"("type": "instance.service", "service_id": 1, "endpoint": "e"})",
           "limit.endpoint: not used"},
      });
  // Changing the type on an update re-checks the stored columns.
  auto retyped = parse_limit_json(R"({"type": "instance.role", "role_id": 2})", sample_limit());
  ASSERT_FALSE(retyped.ok());
  EXPECT_EQ(retyped.error().message.rfind("limit.user_id: not used", 0), 0u)
      << retyped.error().message;
  auto fixed = parse_limit_json(
      R"({"type": "instance.role", "role_id": 2, "user_id": null, "service_id": null, "endpoint": null})",
      sample_limit());
  EXPECT_TRUE(fixed.ok()) << fixed.error().message;
}

}  // namespace
}  // namespace lakegate::api
