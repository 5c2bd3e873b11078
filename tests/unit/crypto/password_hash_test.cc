#include "crypto/password_hash.h"

#include <gtest/gtest.h>

#include <vector>

namespace lakegate::crypto {
namespace {

// Cheap parameters keep the suite fast; the defaults get one test of their own.
const PasswordHashOptions kFast{.memory_kib = 1024, .iterations = 1, .parallelism = 1};

TEST(PasswordHash, DefaultOptionsProduceStandardEncoding) {
  auto encoded = hash_password("correct horse battery staple");
  ASSERT_TRUE(encoded) << encoded.error().message;
  EXPECT_EQ(encoded->rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << *encoded;
  EXPECT_TRUE(verify_password("correct horse battery staple", *encoded));
  EXPECT_FALSE(verify_password("correct horse battery stapler", *encoded));
}

TEST(PasswordHash, VerifiesRightAndRejectsWrong) {
  auto encoded = hash_password("s3cret!", kFast);
  ASSERT_TRUE(encoded) << encoded.error().message;
  EXPECT_EQ(encoded->rfind("$argon2id$", 0), 0u);
  EXPECT_EQ(encoded->find('\0'), std::string::npos);
  EXPECT_EQ(encoded->find("s3cret"), std::string::npos);
  EXPECT_TRUE(verify_password("s3cret!", *encoded));
  EXPECT_FALSE(verify_password("s3cret", *encoded));
  EXPECT_FALSE(verify_password("", *encoded));
  EXPECT_FALSE(verify_password("S3cret!", *encoded));
}

TEST(PasswordHash, SaltMakesEachHashDifferent) {
  auto first = hash_password("same", kFast);
  auto second = hash_password("same", kFast);
  ASSERT_TRUE(first && second);
  EXPECT_NE(*first, *second);
  EXPECT_TRUE(verify_password("same", *first));
  EXPECT_TRUE(verify_password("same", *second));
}

TEST(PasswordHash, EmptyAndUnicodePasswords) {
  auto empty = hash_password("", kFast);
  ASSERT_TRUE(empty) << empty.error().message;
  EXPECT_TRUE(verify_password("", *empty));
  EXPECT_FALSE(verify_password(" ", *empty));

  auto unicode = hash_password("pässwörd ☃", kFast);
  ASSERT_TRUE(unicode);
  EXPECT_TRUE(verify_password("pässwörd ☃", *unicode));
  EXPECT_FALSE(verify_password("passwörd ☃", *unicode));
}

TEST(PasswordHash, MalformedHashesNeverVerify) {
  auto encoded = hash_password("pw", kFast);
  ASSERT_TRUE(encoded);
  std::string truncated = encoded->substr(0, encoded->size() - 5);
  std::string argon2i = *encoded;
  argon2i.replace(0, 9, "$argon2i");
  for (const std::string& bad : std::vector<std::string>{
           std::string(""), std::string("pw"), std::string("$argon2id$"), truncated, argon2i,
           std::string("$argon2id$v=19$m=1024,t=1,p=1$$"),
           std::string("$2y$10$abcdefghijklmnopqrstuuMi0hoR3pqHkVtm0nSrAc8JlR2NVZG2y")}) {
    EXPECT_FALSE(verify_password("pw", bad)) << bad;
  }
}

TEST(PasswordHash, InvalidOptionsAreAnError) {
  auto encoded = hash_password("pw", {.memory_kib = 1, .iterations = 1, .parallelism = 1});
  ASSERT_FALSE(encoded);
  EXPECT_EQ(encoded.error().code, ErrorCode::kInternal);
}

}  // namespace
}  // namespace lakegate::crypto
