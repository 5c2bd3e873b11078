#include "auth/principal.h"

#include <gtest/gtest.h>

namespace lakegate::auth {
namespace {

using Lookups = std::map<std::string, std::string>;

store::UserRecord ann() {
  store::UserRecord user;
  user.id = 7;
  user.email = "ann@example.com";
  user.name = "Ann Example";
  user.first_name = "Ann";
  user.last_name = "Example";
  user.password_hash = "$argon2id$secret";
  user.databricks_token = "dapi-secret";
  user.lookups = {{"region", "EU"}, {"team", "blue"}};
  return user;
}

std::shared_ptr<const store::RoleRecord> analyst() {
  auto role = std::make_shared<store::RoleRecord>();
  role->id = 3;
  role->name = "analyst";
  role->lookups = {{"tier", "gold"}};
  return role;
}

store::AppRecord portal() {
  store::AppRecord app;
  app.id = 11;
  app.name = "portal";
  app.api_key_prefix = "abcd";
  return app;
}

TEST(Principal, NobodyHasNoLookups) {
  EXPECT_TRUE(Principal{}.lookups().empty());
}

TEST(Principal, EveryPartContributesItsKeys) {
  Principal principal;
  principal.user = ann();
  principal.role = analyst();
  principal.app = portal();
  Lookups expected = {
      {"user.id", "7"},
      {"user.email", "ann@example.com"},
      {"user.name", "Ann Example"},
      {"user.first_name", "Ann"},
      {"user.last_name", "Example"},
      {"user.region", "EU"},
      {"user.team", "blue"},
      {"role.id", "3"},
      {"role.name", "analyst"},
      {"role.tier", "gold"},
      {"app.id", "11"},
      {"app.name", "portal"},
  };
  EXPECT_EQ(principal.lookups(), expected);
}

TEST(Principal, KeysAbsentWithoutTheirPart) {
  Principal app_only;
  app_only.app = portal();
  EXPECT_EQ(app_only.lookups(), (Lookups{{"app.id", "11"}, {"app.name", "portal"}}));

  Principal user_only;
  user_only.user = ann();
  auto lookups = user_only.lookups();
  EXPECT_EQ(lookups.count("user.email"), 1u);
  for (const auto& [key, value] : lookups) {
    EXPECT_EQ(key.rfind("user.", 0), 0u) << key;
  }

  Principal role_only;
  role_only.role = analyst();
  EXPECT_EQ(role_only.lookups(),
            (Lookups{{"role.id", "3"}, {"role.name", "analyst"}, {"role.tier", "gold"}}));
}

TEST(Principal, SecretsNeverBecomeLookups) {
  Principal principal;
  principal.user = ann();
  for (const auto& [key, value] : principal.lookups()) {
    EXPECT_EQ(value.find("secret"), std::string::npos) << key;
  }
}

TEST(Principal, BuiltInValuesWinOverCustomOnes) {
  Principal principal;
  principal.user = ann();
  principal.user->lookups["email"] = "mallory@example.com";
  principal.user->lookups["id"] = "1";
  auto role = std::make_shared<store::RoleRecord>(*analyst());
  role->lookups["name"] = "admin";
  principal.role = role;
  auto lookups = principal.lookups();
  EXPECT_EQ(lookups.at("user.email"), "ann@example.com");
  EXPECT_EQ(lookups.at("user.id"), "7");
  EXPECT_EQ(lookups.at("role.name"), "analyst");
}

TEST(Principal, EmptyCustomKeyIsIgnored) {
  Principal principal;
  auto role = std::make_shared<store::RoleRecord>(*analyst());
  role->lookups.emplace(std::string(), std::string("x"));
  principal.role = role;
  EXPECT_EQ(principal.lookups().count("role."), 0u);
}

}  // namespace
}  // namespace lakegate::auth
