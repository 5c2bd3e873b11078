// The system store on each backend: migrations, CRUD of every record kind,
// conflicts and not-found, cascades, sealed secrets, the change counter,
// sessions, the audit trail and concurrent writers.
#include "store/store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <thread>

#include "scratch_database.h"
#include "store/migrations.h"

// Records here are built with designated initializers that leave the other
// members at their defaults on purpose; GCC's -Wextra would flag each one.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace lakegate::store {
namespace {

using testing::ScratchDatabase;

const std::string kMasterKey(32, 'k');

ServiceRecord make_service(const std::string& name) {
  ServiceRecord record;
  record.config.name = name;
  record.config.label = "Label of " + name;
  record.config.type = "databricks";
  record.config.workspace_url = "https://example.cloud.databricks.com";
  record.config.http_path = "/sql/1.0/warehouses/abc";
  record.config.access_token = "dapi-secret-token-" + name;
  record.config.catalog = "main";
  record.config.schema = "default";
  record.config.timeout_seconds = 30;
  record.config.use_unity_catalog = true;
  record.config.protocol = "sql_warehouse";
  record.config.ca_file = "/etc/ssl/ca.pem";
  record.config.user_id = "gateway";
  record.config.pool_size = 2;
  record.config.max_records = 500;
  record.config.max_concurrent_requests = 3;
  record.config.max_queued_requests = 7;
  record.config.version_ttl_ms = 250;
  record.config.cache_enabled = true;
  record.config.cache_ttl = 42;
  record.config.cache_max_mb = 9;
  record.description = "a \"quoted\" description";
  return record;
}

UserRecord make_user(const std::string& email) {
  UserRecord record;
  record.email = email;
  record.name = "Ada Lovelace";
  record.first_name = "Ada";
  record.last_name = "Lovelace";
  record.password_hash = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA";
  record.lookups = {{"region", "eu"}, {"team", "analytics"}};
  return record;
}

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto opened = Store::open(scratch_.url(), crypto::SecretBox(kMasterKey));
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
  }

  // A second, raw connection to the same database.
  std::unique_ptr<Database> raw() {
    auto db = open_database(scratch_.url());
    EXPECT_TRUE(db) << db.error().message;
    return db ? std::move(*db) : nullptr;
  }

  std::string raw_text(const std::string& sql, const std::vector<DbValue>& params = {}) {
    auto rows = raw()->query(sql, params);
    EXPECT_TRUE(rows) << rows.error().message;
    if (!rows || rows->size() != 1 || !rows->front()[0]) return "<no value>";
    return *rows->front()[0];
  }

  int64_t counter() {
    auto value = store_->change_counter();
    EXPECT_TRUE(value) << value.error().message;
    return value ? *value : -1;
  }

  ScratchDatabase scratch_{GetParam()};
  std::unique_ptr<Store> store_;
};

#define ASSERT_OK(expression)                                               \
  do {                                                                      \
    auto status_ = (expression);                                            \
    ASSERT_TRUE(status_) << #expression << ": " << status_.error().message; \
  } while (false)

#define EXPECT_ERROR(expression, expected_code)                                \
  do {                                                                         \
    auto status_ = (expression);                                               \
    ASSERT_FALSE(status_) << #expression << " unexpectedly succeeded";         \
    EXPECT_EQ(status_.error().code, expected_code) << status_.error().message; \
  } while (false)

// ---- migrations -----------------------------------------------------------

TEST_P(StoreTest, MigrationsApplyOnceAndReopenIsStable) {
  const int latest = migrations().back().version;
  auto version = store_->schema_version();
  ASSERT_TRUE(version) << version.error().message;
  EXPECT_EQ(*version, latest);
  EXPECT_EQ(raw_text("SELECT COUNT(*) FROM schema_migrations"), std::to_string(latest));

  store_.reset();
  auto reopened = Store::open(scratch_.url(), crypto::SecretBox(kMasterKey));
  ASSERT_TRUE(reopened) << reopened.error().message;
  auto again = (*reopened)->schema_version();
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, latest);
  auto db = raw();
  ASSERT_OK(migrate(*db));
  EXPECT_EQ(raw_text("SELECT COUNT(*) FROM schema_migrations"), std::to_string(latest));
  EXPECT_EQ(raw_text("SELECT COUNT(*) FROM change_counter"), "1");
}

TEST_P(StoreTest, MigrationVersionsAreConsecutive) {
  int expected = 1;
  for (const Migration& step : migrations()) {
    EXPECT_EQ(step.version, expected++);
    EXPECT_FALSE(step.sqlite_sql.empty());
    EXPECT_FALSE(step.postgresql_sql.empty());
    // Every dialect token was rendered, and each dialect got its own types.
    const std::regex token("\\{[a-z_0-9]+\\}");  // '{}' defaults are data, not tokens
    EXPECT_FALSE(std::regex_search(step.sqlite_sql, token)) << step.summary;
    EXPECT_FALSE(std::regex_search(step.postgresql_sql, token)) << step.summary;
    EXPECT_EQ(step.sqlite_sql.find("BIGSERIAL"), std::string::npos) << step.summary;
    EXPECT_EQ(step.postgresql_sql.find("AUTOINCREMENT"), std::string::npos) << step.summary;
  }
}

TEST_P(StoreTest, NewerSchemaThanThisBinaryIsRefused) {
  ASSERT_TRUE(raw()->query("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                           {"999", "2030-01-01T00:00:00Z"}));
  EXPECT_ERROR(Store::open(scratch_.url(), crypto::SecretBox(kMasterKey)), ErrorCode::kStore);
}

// ---- services -------------------------------------------------------------

TEST_P(StoreTest, ServiceCrud) {
  auto created = store_->create_service(make_service("sales"));
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_GT(created->id, 0);
  EXPECT_EQ(created->source, "api");
  EXPECT_EQ(created->created_date.size(), 20u);
  EXPECT_EQ(created->created_date[10], 'T');
  EXPECT_EQ(created->created_date.back(), 'Z');
  EXPECT_EQ(created->last_modified_date, created->created_date);

  auto fetched = store_->get_service(created->id);
  ASSERT_TRUE(fetched) << fetched.error().message;
  const ServiceRecord expected = make_service("sales");
  EXPECT_EQ(fetched->config, expected.config);
  EXPECT_EQ(fetched->description, expected.description);
  EXPECT_TRUE(fetched->is_active);

  ServiceRecord changed = *fetched;
  changed.config.type = "spark";
  changed.config.workspace_url = "sc://spark:15002";
  changed.config.access_token.clear();
  changed.config.use_unity_catalog = false;
  changed.is_active = false;
  auto updated = store_->update_service(changed);
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(updated->config, changed.config);
  EXPECT_FALSE(updated->is_active);
  EXPECT_EQ(updated->created_date, created->created_date);

  ASSERT_OK(store_->create_service(make_service("other")));
  auto listed = store_->list_services();
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].config.name, "sales");
  EXPECT_EQ((*listed)[1].config.name, "other");

  ASSERT_OK(store_->delete_service(created->id));
  EXPECT_ERROR(store_->get_service(created->id), ErrorCode::kNotFound);
  EXPECT_ERROR(store_->delete_service(created->id), ErrorCode::kNotFound);
  EXPECT_ERROR(store_->update_service(changed), ErrorCode::kNotFound);
}

TEST_P(StoreTest, ServiceNamesAreUnique) {
  auto first = store_->create_service(make_service("sales"));
  ASSERT_TRUE(first);
  EXPECT_ERROR(store_->create_service(make_service("sales")), ErrorCode::kConflict);
  auto second = store_->create_service(make_service("hr"));
  ASSERT_TRUE(second);
  ServiceRecord renamed = *second;
  renamed.config.name = "sales";
  EXPECT_ERROR(store_->update_service(renamed), ErrorCode::kConflict);
}

TEST_P(StoreTest, UpsertConfigServiceInsertsThenReplacesByName) {
  ServiceRecord record = make_service("warehouse");
  auto inserted = store_->upsert_config_service(record);
  ASSERT_TRUE(inserted) << inserted.error().message;
  EXPECT_EQ(inserted->source, "config");

  const int64_t before = counter();
  auto unchanged = store_->upsert_config_service(record);
  ASSERT_TRUE(unchanged);
  EXPECT_EQ(unchanged->id, inserted->id);
  EXPECT_EQ(counter(), before) << "an unchanged upsert writes nothing";

  record.config.catalog = "finance";
  record.config.access_token = "rotated-token";
  auto replaced = store_->upsert_config_service(record);
  ASSERT_TRUE(replaced) << replaced.error().message;
  EXPECT_EQ(replaced->id, inserted->id);
  EXPECT_EQ(replaced->config.catalog, "finance");
  EXPECT_EQ(replaced->config.access_token, "rotated-token");
  EXPECT_EQ(replaced->created_date, inserted->created_date);
  EXPECT_GT(counter(), before);

  // An API-created service of that name becomes a config service, keeping its id.
  auto api = store_->create_service(make_service("adopted"));
  ASSERT_TRUE(api);
  auto adopted = store_->upsert_config_service(make_service("adopted"));
  ASSERT_TRUE(adopted);
  EXPECT_EQ(adopted->id, api->id);
  EXPECT_EQ(adopted->source, "config");
}

// ---- secrets --------------------------------------------------------------

TEST_P(StoreTest, SecretsAreSealedAtRest) {
  auto service = store_->create_service(make_service("sales"));
  ASSERT_TRUE(service);
  const std::string sealed_service = raw_text(
      "SELECT access_token_sealed FROM service WHERE id = ?", {std::to_string(service->id)});
  EXPECT_TRUE(sealed_service.starts_with("v1:")) << sealed_service;
  EXPECT_EQ(sealed_service.find("dapi-secret-token"), std::string::npos);
  EXPECT_EQ(raw_text("SELECT config_json FROM service").find("dapi-secret-token"),
            std::string::npos);

  UserRecord user = make_user("ada@example.com");
  user.databricks_token = "dapi-user-token-123";
  auto created = store_->create_user(user);
  ASSERT_TRUE(created);
  EXPECT_EQ(created->databricks_token, "dapi-user-token-123");
  const std::string sealed_user = raw_text("SELECT databricks_token_sealed FROM users WHERE id = ?",
                                           {std::to_string(created->id)});
  EXPECT_TRUE(sealed_user.starts_with("v1:")) << sealed_user;
  EXPECT_EQ(sealed_user.find("dapi-user-token-123"), std::string::npos);

  ServiceRecord tokenless = make_service("tokenless");
  tokenless.config.access_token.clear();
  auto without = store_->create_service(tokenless);
  ASSERT_TRUE(without);
  EXPECT_EQ(without->config.access_token, "");
  EXPECT_EQ(raw_text("SELECT access_token_sealed FROM service WHERE id = ?",
                     {std::to_string(without->id)}),
            "");
}

TEST_P(StoreTest, WrongMasterKeyFailsOnRead) {
  auto service = store_->create_service(make_service("sales"));
  ASSERT_TRUE(service);
  UserRecord user = make_user("ada@example.com");
  user.databricks_token = "dapi-user-token";
  auto created = store_->create_user(user);
  ASSERT_TRUE(created);
  ASSERT_OK(store_->create_role(RoleRecord{.name = "reader"}));

  auto foreign = Store::open(scratch_.url(), crypto::SecretBox(std::string(32, 'w')));
  ASSERT_TRUE(foreign) << foreign.error().message;
  EXPECT_ERROR((*foreign)->get_service(service->id), ErrorCode::kStore);
  EXPECT_ERROR((*foreign)->list_services(), ErrorCode::kStore);
  EXPECT_ERROR((*foreign)->get_user(created->id), ErrorCode::kStore);
  auto roles = (*foreign)->list_roles();  // nothing sealed there
  ASSERT_TRUE(roles);
  EXPECT_EQ(roles->size(), 1u);
}

// ---- roles ----------------------------------------------------------------

TEST_P(StoreTest, RoleCrudReplacesAccessRowsOnUpdate) {
  auto service = store_->create_service(make_service("sales"));
  ASSERT_TRUE(service);
  RoleRecord role;
  role.name = "analyst";
  role.description = "reads sales";
  role.lookups = {{"region", "eu"}};
  RoleServiceAccess scoped;
  scoped.service_id = service->id;
  scoped.component = "_table/sales.orders";
  scoped.verb_mask = kGet | kPost;
  scoped.requestor_mask = kApiRequestor | kScriptRequestor;
  scoped.filters = {{"region", "=", "{user.region}"}, {"amount", ">", "10"}};
  scoped.filter_op = "OR";
  scoped.hidden_fields = {"ssn"};
  scoped.read_only_fields = {"id", "created_at"};
  RoleServiceAccess everything;
  everything.verb_mask = kGet;
  role.access = {scoped, everything};

  auto created = store_->create_role(role);
  ASSERT_TRUE(created) << created.error().message;
  ASSERT_EQ(created->access.size(), 2u);
  const RoleServiceAccess& first = created->access[0];
  EXPECT_EQ(first.service_id, service->id);
  EXPECT_EQ(first.component, "_table/sales.orders");
  EXPECT_EQ(first.verb_mask, kGet | kPost);
  EXPECT_EQ(first.requestor_mask, kApiRequestor | kScriptRequestor);
  ASSERT_EQ(first.filters.size(), 2u);
  EXPECT_EQ(first.filters[0].name, "region");
  EXPECT_EQ(first.filters[0].op, "=");
  EXPECT_EQ(first.filters[0].value, "{user.region}");
  EXPECT_EQ(first.filter_op, "OR");
  EXPECT_EQ(first.hidden_fields, std::vector<std::string>{"ssn"});
  EXPECT_EQ(first.read_only_fields, (std::vector<std::string>{"id", "created_at"}));
  EXPECT_EQ(created->access[1].service_id, std::nullopt);
  EXPECT_EQ(created->access[1].component, "*");
  EXPECT_EQ(created->lookups, role.lookups);

  RoleRecord changed = *created;
  RoleServiceAccess replacement;
  replacement.service_id = service->id;
  replacement.component = "_query";
  replacement.verb_mask = kPost;
  changed.access = {replacement};
  changed.description = "queries only";
  changed.is_active = false;
  auto updated = store_->update_role(changed);
  ASSERT_TRUE(updated) << updated.error().message;
  ASSERT_EQ(updated->access.size(), 1u);
  EXPECT_EQ(updated->access[0].component, "_query");
  EXPECT_FALSE(updated->is_active);
  EXPECT_EQ(raw_text("SELECT COUNT(*) FROM role_service_access"), "1");

  ASSERT_OK(store_->create_role(RoleRecord{.name = "admin"}));
  auto listed = store_->list_roles();
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].access.size(), 1u);
  EXPECT_TRUE((*listed)[1].access.empty());

  ASSERT_OK(store_->delete_role(created->id));
  EXPECT_ERROR(store_->get_role(created->id), ErrorCode::kNotFound);
  EXPECT_ERROR(store_->update_role(changed), ErrorCode::kNotFound);
  EXPECT_ERROR(store_->delete_role(created->id), ErrorCode::kNotFound);
  EXPECT_EQ(raw_text("SELECT COUNT(*) FROM role_service_access"), "0");
}

TEST_P(StoreTest, RoleNamesAreUniqueAndAFailedWriteKeepsNothing) {
  ASSERT_OK(store_->create_role(RoleRecord{.name = "analyst"}));
  RoleRecord duplicate{.name = "analyst"};
  duplicate.access.push_back(RoleServiceAccess{});
  EXPECT_ERROR(store_->create_role(duplicate), ErrorCode::kConflict);
  EXPECT_EQ(raw_text("SELECT COUNT(*) FROM role_service_access"), "0");

  // An access row naming a missing service fails the whole role.
  RoleRecord broken{.name = "broken"};
  broken.access.push_back(RoleServiceAccess{.service_id = 424242});
  EXPECT_FALSE(store_->create_role(broken));
  auto roles = store_->list_roles();
  ASSERT_TRUE(roles);
  EXPECT_EQ(roles->size(), 1u);
}

// ---- apps -----------------------------------------------------------------

TEST_P(StoreTest, AppCrudAndUniqueKeyHash) {
  auto role = store_->create_role(RoleRecord{.name = "reader"});
  ASSERT_TRUE(role);
  AppRecord app{.name = "dashboard",
                .description = "BI",
                .role_id = role->id,
                .api_key_hash = std::string(64, 'a'),
                .api_key_prefix = "lg_abcd"};
  auto created = store_->create_app(app);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->role_id, role->id);
  EXPECT_EQ(created->api_key_hash, std::string(64, 'a'));
  EXPECT_EQ(created->api_key_prefix, "lg_abcd");

  AppRecord same_key{.name = "copy", .api_key_hash = std::string(64, 'a')};
  EXPECT_ERROR(store_->create_app(same_key), ErrorCode::kConflict);
  // Apps without a key do not collide with each other.
  ASSERT_OK(store_->create_app(AppRecord{.name = "keyless-1"}));
  ASSERT_OK(store_->create_app(AppRecord{.name = "keyless-2"}));

  AppRecord changed = *created;
  changed.role_id.reset();
  changed.is_active = false;
  changed.api_key_hash = std::string(64, 'b');
  auto updated = store_->update_app(changed);
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(updated->role_id, std::nullopt);
  EXPECT_FALSE(updated->is_active);
  EXPECT_EQ(updated->api_key_hash, std::string(64, 'b'));

  auto listed = store_->list_apps();
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->size(), 3u);
  ASSERT_OK(store_->delete_app(created->id));
  EXPECT_ERROR(store_->get_app(created->id), ErrorCode::kNotFound);
  EXPECT_ERROR(store_->update_app(changed), ErrorCode::kNotFound);
  EXPECT_ERROR(store_->delete_app(created->id), ErrorCode::kNotFound);
}

// ---- users ----------------------------------------------------------------

TEST_P(StoreTest, UserCrudWithCaseInsensitiveEmail) {
  auto role = store_->create_role(RoleRecord{.name = "reader"});
  ASSERT_TRUE(role);
  UserRecord user = make_user("Ada.Lovelace@Example.COM");
  user.is_sys_admin = true;
  user.default_role_id = role->id;
  auto created = store_->create_user(user);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->email, "ada.lovelace@example.com");
  EXPECT_TRUE(created->is_sys_admin);
  EXPECT_EQ(created->default_role_id, role->id);
  EXPECT_EQ(created->lookups, user.lookups);
  EXPECT_EQ(created->password_hash, user.password_hash);
  EXPECT_EQ(created->last_login_date, "");

  auto found = store_->find_user_by_email("ADA.LOVELACE@example.com");
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->id, created->id);
  EXPECT_ERROR(store_->find_user_by_email("nobody@example.com"), ErrorCode::kNotFound);
  EXPECT_ERROR(store_->create_user(make_user("ada.lovelace@EXAMPLE.com")), ErrorCode::kConflict);

  UserRecord changed = *created;
  changed.first_name = "Augusta";
  changed.lookups = {{"region", "us"}};
  changed.default_role_id.reset();
  changed.is_active = false;
  auto updated = store_->update_user(changed);
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(updated->first_name, "Augusta");
  EXPECT_EQ(updated->lookups, changed.lookups);
  EXPECT_EQ(updated->default_role_id, std::nullopt);
  EXPECT_FALSE(updated->is_active);

  ASSERT_OK(store_->set_last_login(created->id, "2024-05-06T07:08:09Z"));
  auto logged_in = store_->get_user(created->id);
  ASSERT_TRUE(logged_in);
  EXPECT_EQ(logged_in->last_login_date, "2024-05-06T07:08:09Z");
  EXPECT_ERROR(store_->set_last_login(987654, "2024-05-06T07:08:09Z"), ErrorCode::kNotFound);

  ASSERT_OK(store_->create_user(make_user("grace@example.com")));
  auto listed = store_->list_users();
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->size(), 2u);

  ASSERT_OK(store_->delete_user(created->id));
  EXPECT_ERROR(store_->get_user(created->id), ErrorCode::kNotFound);
  EXPECT_ERROR(store_->update_user(changed), ErrorCode::kNotFound);
  EXPECT_ERROR(store_->delete_user(created->id), ErrorCode::kNotFound);
}

TEST_P(StoreTest, UserAppRolesAreReplacedAsAWhole) {
  auto user = store_->create_user(make_user("ada@example.com"));
  auto other = store_->create_user(make_user("grace@example.com"));
  auto app_a = store_->create_app(AppRecord{.name = "a"});
  auto app_b = store_->create_app(AppRecord{.name = "b"});
  auto reader = store_->create_role(RoleRecord{.name = "reader"});
  auto writer = store_->create_role(RoleRecord{.name = "writer"});
  ASSERT_TRUE(user && other && app_a && app_b && reader && writer);

  ASSERT_OK(store_->set_user_app_roles(
      user->id, {{user->id, app_a->id, reader->id}, {0, app_b->id, writer->id}}));
  ASSERT_OK(store_->set_user_app_roles(other->id, {{other->id, app_a->id, writer->id}}));
  auto rows = store_->list_user_app_roles();
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[1].user_id, user->id);
  EXPECT_EQ((*rows)[1].app_id, app_b->id);
  EXPECT_EQ((*rows)[1].role_id, writer->id);

  ASSERT_OK(store_->set_user_app_roles(user->id, {{user->id, app_a->id, writer->id}}));
  rows = store_->list_user_app_roles();
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].role_id, writer->id);

  EXPECT_ERROR(store_->set_user_app_roles(987654, {}), ErrorCode::kNotFound);
  EXPECT_ERROR(store_->set_user_app_roles(user->id, {{other->id, app_a->id, reader->id}}),
               ErrorCode::kBadRequest);
  EXPECT_ERROR(store_->set_user_app_roles(user->id,
                                          {{0, app_a->id, reader->id}, {0, app_a->id, writer->id}}),
               ErrorCode::kConflict);
  rows = store_->list_user_app_roles();
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->size(), 2u) << "a failed replacement keeps the old rows";
}

// ---- cascades -------------------------------------------------------------

TEST_P(StoreTest, DeletesRemoveDependentRows) {
  auto sales = store_->create_service(make_service("sales"));
  auto hr = store_->create_service(make_service("hr"));
  ASSERT_TRUE(sales && hr);
  RoleRecord role{.name = "analyst"};
  role.access = {RoleServiceAccess{.service_id = sales->id, .verb_mask = kGet},
                 RoleServiceAccess{.service_id = hr->id, .verb_mask = kGet}};
  auto analyst = store_->create_role(role);
  ASSERT_TRUE(analyst);
  auto app = store_->create_app(AppRecord{.name = "bi", .role_id = analyst->id});
  UserRecord user_record = make_user("ada@example.com");
  user_record.default_role_id = analyst->id;
  auto user = store_->create_user(user_record);
  ASSERT_TRUE(app && user);
  ASSERT_OK(store_->set_user_app_roles(user->id, {{user->id, app->id, analyst->id}}));
  ASSERT_OK(
      store_->create_limit(LimitRecord{.name = "per-service", .rate = 5, .service_id = sales->id}));
  ASSERT_OK(store_->create_limit(LimitRecord{.name = "per-user", .rate = 5, .user_id = user->id}));
  ASSERT_OK(store_->create_session(
      SessionRecord{.id = "jti-1", .user_id = user->id, .expires_at = 4102444800}));

  // A service takes its access rows and limits with it; the role keeps the others.
  ASSERT_OK(store_->delete_service(sales->id));
  auto remaining = store_->get_role(analyst->id);
  ASSERT_TRUE(remaining);
  ASSERT_EQ(remaining->access.size(), 1u);
  EXPECT_EQ(remaining->access[0].service_id, hr->id);
  auto limits = store_->list_limits();
  ASSERT_TRUE(limits);
  ASSERT_EQ(limits->size(), 1u);
  EXPECT_EQ((*limits)[0].name, "per-user");

  // A role takes its user_to_app_to_role rows; apps and users keep no default role.
  ASSERT_OK(store_->delete_role(analyst->id));
  auto rows = store_->list_user_app_roles();
  ASSERT_TRUE(rows);
  EXPECT_TRUE(rows->empty());
  auto app_after = store_->get_app(app->id);
  auto user_after = store_->get_user(user->id);
  ASSERT_TRUE(app_after && user_after);
  EXPECT_EQ(app_after->role_id, std::nullopt);
  EXPECT_EQ(user_after->default_role_id, std::nullopt);
  EXPECT_EQ(raw_text("SELECT COUNT(*) FROM role_service_access"), "0");

  // An app takes its user_to_app_to_role rows.
  auto writer = store_->create_role(RoleRecord{.name = "writer"});
  ASSERT_TRUE(writer);
  ASSERT_OK(store_->set_user_app_roles(user->id, {{user->id, app->id, writer->id}}));
  ASSERT_OK(store_->delete_app(app->id));
  rows = store_->list_user_app_roles();
  ASSERT_TRUE(rows);
  EXPECT_TRUE(rows->empty());

  // A user takes its sessions, limits and user_to_app_to_role rows.
  auto app2 = store_->create_app(AppRecord{.name = "bi2"});
  ASSERT_TRUE(app2);
  ASSERT_OK(store_->set_user_app_roles(user->id, {{user->id, app2->id, writer->id}}));
  ASSERT_OK(store_->delete_user(user->id));
  EXPECT_EQ(raw_text("SELECT COUNT(*) FROM session"), "0");
  EXPECT_EQ(raw_text("SELECT COUNT(*) FROM limits"), "0");
  EXPECT_EQ(raw_text("SELECT COUNT(*) FROM user_to_app_to_role"), "0");
}

// ---- limits ---------------------------------------------------------------

TEST_P(StoreTest, LimitCrud) {
  auto role = store_->create_role(RoleRecord{.name = "reader"});
  ASSERT_TRUE(role);
  LimitRecord limit{.type = "instance.each_user",
                    .name = "burst",
                    .description = "10 per minute",
                    .rate = 10,
                    .period = 0,
                    .role_id = role->id,
                    .endpoint = "_table/*",
                    .verb = "GET"};
  auto created = store_->create_limit(limit);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->type, "instance.each_user");
  EXPECT_EQ(created->rate, 10);
  EXPECT_EQ(created->role_id, role->id);
  EXPECT_EQ(created->user_id, std::nullopt);
  EXPECT_EQ(created->endpoint, "_table/*");
  EXPECT_EQ(created->verb, "GET");
  EXPECT_ERROR(store_->create_limit(LimitRecord{.name = "burst"}), ErrorCode::kConflict);

  LimitRecord changed = *created;
  changed.rate = 10000000000;  // beyond 32 bits
  changed.period = 4;
  changed.is_active = false;
  auto updated = store_->update_limit(changed);
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(updated->rate, 10000000000);
  EXPECT_EQ(updated->period, 4);
  EXPECT_FALSE(updated->is_active);

  auto listed = store_->list_limits();
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->size(), 1u);
  ASSERT_OK(store_->delete_limit(created->id));
  EXPECT_ERROR(store_->get_limit(created->id), ErrorCode::kNotFound);
  EXPECT_ERROR(store_->update_limit(changed), ErrorCode::kNotFound);
  EXPECT_ERROR(store_->delete_limit(created->id), ErrorCode::kNotFound);
}

// ---- sessions -------------------------------------------------------------

TEST_P(StoreTest, TheTableWriteJournalKeepsOrderAndItsNewestRows) {
  auto empty = store_->last_table_write();
  ASSERT_TRUE(empty);
  EXPECT_EQ(*empty, 0);
  auto counter = store_->change_counter();
  ASSERT_TRUE(counter);
  ASSERT_OK(store_->append_table_writes({{.service = "spark", .table_name = "c.s.a", .node = "n1"},
                                         {.service = "spark", .table_name = "*", .is_ddl = true,
                                          .node = "n2"}}));
  ASSERT_OK(store_->append_table_writes({}));  // nothing to send is fine
  auto all = store_->table_writes_after(0);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].table_name, "c.s.a");
  EXPECT_FALSE((*all)[0].is_ddl);
  EXPECT_EQ((*all)[0].node, "n1");
  EXPECT_EQ((*all)[1].table_name, "*");
  EXPECT_TRUE((*all)[1].is_ddl);
  EXPECT_LT((*all)[0].seq, (*all)[1].seq);
  auto after_first = store_->table_writes_after((*all)[0].seq);
  ASSERT_TRUE(after_first);
  ASSERT_EQ(after_first->size(), 1u);
  EXPECT_EQ(after_first->front().node, "n2");
  // Table writes are not security changes: other nodes must not reload for them.
  auto counter_after = store_->change_counter();
  ASSERT_TRUE(counter_after);
  EXPECT_EQ(*counter_after, *counter);
  // Pruned to the newest `keep` rows.
  std::vector<TableWriteRecord> many;
  for (int i = 0; i < 5; ++i) many.push_back({.service = "s", .table_name = "t" + std::to_string(i)});
  ASSERT_OK(store_->append_table_writes(many, /*keep=*/3));
  auto kept = store_->table_writes_after(0);
  ASSERT_TRUE(kept);
  ASSERT_EQ(kept->size(), 3u);
  EXPECT_EQ(kept->back().table_name, "t4");
  auto last = store_->last_table_write();
  ASSERT_TRUE(last);
  EXPECT_EQ(*last, kept->back().seq);
}

TEST_P(StoreTest, SessionsRevokeAndList) {
  auto ada = store_->create_user(make_user("ada@example.com"));
  auto grace = store_->create_user(make_user("grace@example.com"));
  ASSERT_TRUE(ada && grace);
  ASSERT_OK(store_->create_session({.id = "a1", .user_id = ada->id, .expires_at = 2000}));
  ASSERT_OK(store_->create_session({.id = "a2", .user_id = ada->id, .expires_at = 3000}));
  ASSERT_OK(store_->create_session({.id = "a3", .user_id = ada->id, .expires_at = 500}));
  ASSERT_OK(store_->create_session({.id = "g1", .user_id = grace->id, .expires_at = 2000}));
  EXPECT_ERROR(store_->create_session({.id = "a1", .user_id = ada->id, .expires_at = 1}),
               ErrorCode::kConflict);

  auto none = store_->revoked_unexpired_sessions(1000);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());

  ASSERT_OK(store_->revoke_session("g1"));
  EXPECT_ERROR(store_->revoke_session("missing"), ErrorCode::kNotFound);
  auto one = store_->revoked_unexpired_sessions(1000);
  ASSERT_TRUE(one);
  EXPECT_EQ(*one, std::vector<std::string>{"g1"});

  ASSERT_OK(store_->revoke_user_sessions(ada->id));
  auto all = store_->revoked_unexpired_sessions(1000);
  ASSERT_TRUE(all);
  EXPECT_EQ(*all, (std::vector<std::string>{"a1", "a2", "g1"})) << "a3 expired at 500";
  auto later = store_->revoked_unexpired_sessions(2500);
  ASSERT_TRUE(later);
  EXPECT_EQ(*later, std::vector<std::string>{"a2"});
}

// ---- change counter -------------------------------------------------------

TEST_P(StoreTest, ChangeCounterIncreasesOnEveryWrite) {
  int64_t last = counter();
  const auto expect_bumped = [&](const char* what) {
    const int64_t now = counter();
    EXPECT_GT(now, last) << what;
    last = now;
  };
  auto service = store_->create_service(make_service("sales"));
  ASSERT_TRUE(service);
  expect_bumped("create_service");
  ASSERT_OK(store_->update_service(*service));
  expect_bumped("update_service");
  auto role = store_->create_role(RoleRecord{.name = "r"});
  ASSERT_TRUE(role);
  expect_bumped("create_role");
  ASSERT_OK(store_->update_role(*role));
  expect_bumped("update_role");
  auto app = store_->create_app(AppRecord{.name = "a"});
  ASSERT_TRUE(app);
  expect_bumped("create_app");
  auto user = store_->create_user(make_user("ada@example.com"));
  ASSERT_TRUE(user);
  expect_bumped("create_user");
  ASSERT_OK(store_->set_user_app_roles(user->id, {{user->id, app->id, role->id}}));
  expect_bumped("set_user_app_roles");
  ASSERT_OK(store_->set_last_login(user->id, "2024-01-01T00:00:00Z"));
  expect_bumped("set_last_login");
  auto limit = store_->create_limit(LimitRecord{.name = "l", .rate = 1});
  ASSERT_TRUE(limit);
  expect_bumped("create_limit");
  ASSERT_OK(store_->create_session({.id = "s", .user_id = user->id, .expires_at = 10}));
  expect_bumped("create_session");
  ASSERT_OK(store_->revoke_session("s"));
  expect_bumped("revoke_session");
  ASSERT_OK(store_->delete_limit(limit->id));
  expect_bumped("delete_limit");
  ASSERT_OK(store_->delete_user(user->id));
  expect_bumped("delete_user");
  ASSERT_OK(store_->delete_app(app->id));
  expect_bumped("delete_app");
  ASSERT_OK(store_->delete_role(role->id));
  expect_bumped("delete_role");
  ASSERT_OK(store_->delete_service(service->id));
  expect_bumped("delete_service");

  // A failed write rolls its bump back; the audit trail is not cached state.
  EXPECT_FALSE(store_->delete_service(service->id));
  EXPECT_FALSE(store_->create_service(make_service("x")) &&
               store_->create_service(make_service("x")));
  last = counter();
  EXPECT_FALSE(store_->create_service(make_service("x")));
  EXPECT_EQ(counter(), last);
  ASSERT_OK(store_->append_audit({AuditRecord{.resource = "x"}}));
  EXPECT_EQ(counter(), last);
}

// ---- audit ----------------------------------------------------------------

std::vector<AuditRecord> sample_audit() {
  const auto record = [](std::string time, std::string user, std::string app, std::string service,
                         std::string verb, std::string resource, int status) {
    AuditRecord entry;
    entry.time = std::move(time);
    entry.request_id = "req-" + entry.time;
    entry.user = std::move(user);
    entry.app = std::move(app);
    entry.role = "analyst";
    entry.service = std::move(service);
    entry.verb = std::move(verb);
    entry.resource = std::move(resource);
    entry.status = status;
    return entry;
  };
  std::vector<AuditRecord> records = {
      record("2024-03-01T10:00:00.000Z", "ada", "bi", "sales", "GET", "_table/sales.orders", 200),
      record("2024-03-01T10:00:01.500Z", "ada", "bi", "sales", "POST", "_table/sales.items", 201),
      record("2024-03-01T11:00:00.000Z", "grace", "cli", "sales", "GET", "_query", 400),
      record("2024-03-02T09:30:00.250Z", "grace", "bi", "hr", "DELETE", "_table/hr.people", 403),
      record("2024-03-03T00:00:00.000Z", "ada", "cli", "hr", "GET", "_table/hr.people", 200),
  };
  records[0].rows = 42;
  records[0].bytes = 12345;
  records[0].duration_ms = 12.5;
  records[0].operation_id = "op-1";
  records[0].sql_hash = std::string(64, 'f');
  records[0].remote_address = "10.0.0.1";
  records[0].params_json = "{\"limit\":\"10\"}";
  return records;
}

std::vector<std::string> request_ids(const Result<std::vector<AuditRecord>>& records) {
  std::vector<std::string> ids;
  EXPECT_TRUE(records) << records.error().message;
  if (!records) return ids;
  for (const AuditRecord& record : *records) ids.push_back(record.request_id.substr(14, 9));
  return ids;  // "T10:00:00" style tails
}

TEST_P(StoreTest, AuditAppendAndQueryEachFilter) {
  ASSERT_OK(store_->append_audit(sample_audit()));
  const auto query = [&](AuditQuery filter) { return request_ids(store_->query_audit(filter)); };
  using Ids = std::vector<std::string>;

  auto all = store_->query_audit({});
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 5u);
  EXPECT_EQ((*all)[0].time, "2024-03-03T00:00:00.000Z") << "newest first";
  const AuditRecord& oldest = (*all)[4];
  EXPECT_GT(oldest.id, 0);
  EXPECT_EQ(oldest.rows, 42);
  EXPECT_EQ(oldest.bytes, 12345);
  EXPECT_DOUBLE_EQ(oldest.duration_ms, 12.5);
  EXPECT_EQ(oldest.operation_id, "op-1");
  EXPECT_EQ(oldest.sql_hash, std::string(64, 'f'));
  EXPECT_EQ(oldest.remote_address, "10.0.0.1");
  EXPECT_EQ(oldest.params_json, "{\"limit\":\"10\"}");
  EXPECT_EQ(oldest.role, "analyst");
  EXPECT_EQ((*all)[3].rows, -1) << "default: not row-returning";

  EXPECT_EQ(query({.user = "grace"}), (Ids{"T09:30:00", "T11:00:00"}));
  EXPECT_EQ(query({.app = "cli"}), (Ids{"T00:00:00", "T11:00:00"}));
  EXPECT_EQ(query({.service = "hr"}), (Ids{"T00:00:00", "T09:30:00"}));
  EXPECT_EQ(query({.verb = "POST"}), (Ids{"T10:00:01"}));
  EXPECT_EQ(query({.resource_prefix = "_table/sales."}), (Ids{"T10:00:01", "T10:00:00"}));
  EXPECT_EQ(query({.resource_prefix = "_TABLE/"}), Ids{}) << "prefix is case-sensitive";
  EXPECT_EQ(query({.status = 200}), (Ids{"T00:00:00", "T10:00:00"}));
  EXPECT_EQ(query({.since = "2024-03-02T09:30:00.250Z"}), (Ids{"T00:00:00", "T09:30:00"}))
      << "since is inclusive";
  EXPECT_EQ(query({.until = "2024-03-01T11:00:00.000Z"}), (Ids{"T10:00:01", "T10:00:00"}))
      << "until is exclusive";
  EXPECT_EQ(query({.since = "2024-03-01T10:00:00Z", .until = "2024-03-01T10:00:01Z"}),
            (Ids{"T10:00:00"}))
      << "bounds without milliseconds";
  EXPECT_EQ(query({.user = "ada", .service = "sales", .verb = "GET"}), (Ids{"T10:00:00"}));
  EXPECT_EQ(query({.limit = 2}), (Ids{"T00:00:00", "T09:30:00"}));
  EXPECT_EQ(query({.limit = 2, .offset = 2}), (Ids{"T11:00:00", "T10:00:01"}));
  EXPECT_EQ(query({.limit = 10, .offset = 4}), (Ids{"T10:00:00"}));
  EXPECT_EQ(query({.user = "x' OR '1'='1"}), Ids{}) << "filters are bound, never spliced";
}

TEST_P(StoreTest, AuditTimeDefaultsToNow) {
  ASSERT_OK(store_->append_audit({AuditRecord{.request_id = "r"}}));
  auto records = store_->query_audit({});
  ASSERT_TRUE(records);
  ASSERT_EQ(records->size(), 1u);
  const std::string& time = (*records)[0].time;
  ASSERT_EQ(time.size(), 24u) << time;
  EXPECT_EQ(time[10], 'T');
  EXPECT_EQ(time[19], '.');
  EXPECT_EQ(time.back(), 'Z');
}

// ---- concurrency ----------------------------------------------------------

TEST_P(StoreTest, FourThreadsWriteThroughOneStore) {
  const int64_t before = counter();
  constexpr int kThreads = 4, kWritesPerThread = 15;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int thread = 0; thread < kThreads; ++thread) {
    threads.emplace_back([&, thread] {
      for (int index = 0; index < kWritesPerThread; ++index) {
        const std::string name = "thread" + std::to_string(thread * 1000 + index);
        if (!store_->create_service(make_service(name))) ++failures;
        if (!store_->create_user(make_user(name + "@example.com"))) ++failures;
        if (!store_->append_audit({AuditRecord{.resource = name}})) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  auto services = store_->list_services();
  auto users = store_->list_users();
  auto audit = store_->query_audit({.limit = 1000});
  ASSERT_TRUE(services && users && audit);
  EXPECT_EQ(services->size(), size_t{kThreads * kWritesPerThread});
  EXPECT_EQ(users->size(), size_t{kThreads * kWritesPerThread});
  EXPECT_EQ(audit->size(), size_t{kThreads * kWritesPerThread});
  EXPECT_EQ(counter(), before + 2 * kThreads * kWritesPerThread);
}

TEST_P(StoreTest, TwoStoresOnOneDatabaseWriteConcurrently) {
  auto second = Store::open(scratch_.url(), crypto::SecretBox(kMasterKey));
  ASSERT_TRUE(second) << second.error().message;
  const int64_t before = counter();
  constexpr int kWrites = 25;
  std::atomic<int> failures{0};
  const auto writer = [&](Store& store, const std::string& prefix) {
    for (int index = 0; index < kWrites; ++index) {
      const std::string name = prefix + std::to_string(index);
      RoleRecord role{.name = name};
      role.access.push_back(RoleServiceAccess{.verb_mask = kGet});
      if (!store.create_role(role)) ++failures;
      if (!store.create_user(make_user(name + "@example.com"))) ++failures;
    }
  };
  std::thread first_thread(writer, std::ref(*store_), "one-");
  std::thread second_thread(writer, std::ref(**second), "two-");
  first_thread.join();
  second_thread.join();
  EXPECT_EQ(failures.load(), 0);
  auto roles_seen_by_first = store_->list_roles();
  auto users_seen_by_second = (*second)->list_users();
  ASSERT_TRUE(roles_seen_by_first && users_seen_by_second);
  EXPECT_EQ(roles_seen_by_first->size(), size_t{2 * kWrites});
  EXPECT_EQ(users_seen_by_second->size(), size_t{2 * kWrites});
  EXPECT_EQ(counter(), before + 4 * kWrites);
  auto counter_seen_by_second = (*second)->change_counter();
  ASSERT_TRUE(counter_seen_by_second);
  EXPECT_EQ(*counter_seen_by_second, before + 4 * kWrites);
}

TEST_P(StoreTest, StoresOpeningAFreshDatabaseAtOnceMigrateOnce) {
  ScratchDatabase fresh(GetParam());
  constexpr int kOpeners = 4;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int index = 0; index < kOpeners; ++index) {
    threads.emplace_back([&] {
      auto store = Store::open(fresh.url(), crypto::SecretBox(kMasterKey));
      if (!store) {
        ++failures;
        ADD_FAILURE() << store.error().message;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  auto db = open_database(fresh.url());
  ASSERT_TRUE(db);
  auto rows = (*db)->query("SELECT COUNT(*), MAX(version) FROM schema_migrations");
  ASSERT_TRUE(rows);
  EXPECT_EQ((*rows)[0][0], DbValue(std::to_string(migrations().size())));
  EXPECT_EQ((*rows)[0][1], DbValue(std::to_string(migrations().back().version)));
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::ValuesIn(testing::test_backends()),
                         testing::backend_name);

}  // namespace
}  // namespace lakegate::store
