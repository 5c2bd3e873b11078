#include "crypto/api_key.h"

#include <gtest/gtest.h>

#include <set>

#include "crypto/crypto.h"

namespace lakegate::crypto {
namespace {

TEST(ApiKey, HasTheDocumentedFormat) {
  const std::string key = generate_api_key();
  ASSERT_EQ(key.size(), 3u + 43u);
  EXPECT_EQ(key.substr(0, 3), "lg_");
  std::string bytes;
  ASSERT_TRUE(base64url_decode(key.substr(3), bytes));
  EXPECT_EQ(bytes.size(), 32u);
}

TEST(ApiKey, KeysAreUnique) {
  std::set<std::string> keys;
  for (int i = 0; i < 1000; ++i) keys.insert(generate_api_key());
  EXPECT_EQ(keys.size(), 1000u);
}

TEST(ApiKey, HashIsLowerHexSha256) {
  const std::string key = generate_api_key();
  const std::string hash = api_key_hash(key);
  EXPECT_EQ(hash, sha256_hex(key));
  ASSERT_EQ(hash.size(), 64u);
  EXPECT_EQ(hash.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(api_key_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_NE(api_key_hash(key), api_key_hash(generate_api_key()));
}

TEST(ApiKey, PrefixIsTheFirstEightCharactersAfterLg) {
  EXPECT_EQ(api_key_prefix("lg_ab12cd34efgh5678"), "ab12cd34");
  const std::string key = generate_api_key();
  EXPECT_EQ(api_key_prefix(key), key.substr(3, 8));
  EXPECT_EQ(api_key_prefix("lg_abc"), "abc");
  EXPECT_EQ(api_key_prefix(""), "");
}

}  // namespace
}  // namespace lakegate::crypto
