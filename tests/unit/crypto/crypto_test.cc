#include "crypto/crypto.h"

#include <gtest/gtest.h>

#include <set>

namespace lakegate::crypto {
namespace {

std::string from_hex(std::string_view text) {
  std::string out;
  EXPECT_TRUE(hex_decode(text, out)) << text;
  return out;
}

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256("abc").size(), 32u);
  EXPECT_EQ(hex_encode(sha256("abc")), sha256_hex("abc"));
}

TEST(HmacSha256, Rfc4231Vectors) {
  // Test case 1.
  EXPECT_EQ(hex_encode(hmac_sha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  // Test case 2: a key shorter than the block.
  EXPECT_EQ(hex_encode(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 6: a key longer than the block (hashed first).
  EXPECT_EQ(hex_encode(hmac_sha256(std::string(131, '\xaa'),
                                   "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HmacSha256, EmptyKeyAndData) {
  EXPECT_EQ(hex_encode(hmac_sha256("", "")),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(Base64Url, Rfc4648Vectors) {
  EXPECT_EQ(base64url_encode(""), "");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foo"), "Zm9v");
  EXPECT_EQ(base64url_encode("foob"), "Zm9vYg");
  EXPECT_EQ(base64url_encode("fooba"), "Zm9vYmE");
  EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
  // The URL alphabet: '-' and '_' where standard base64 has '+' and '/'.
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
  std::string out;
  ASSERT_TRUE(base64url_decode("Zm9vYmE", out));
  EXPECT_EQ(out, "fooba");
  ASSERT_TRUE(base64url_decode("-_8", out));
  EXPECT_EQ(out, "\xfb\xff");
}

TEST(Base64Url, RoundTripsAllLengths) {
  std::string bytes;
  for (int length = 0; length < 80; ++length) {
    const std::string encoded = base64url_encode(bytes);
    EXPECT_EQ(encoded.find_first_of("+/="), std::string::npos);
    std::string decoded;
    ASSERT_TRUE(base64url_decode(encoded, decoded)) << encoded;
    EXPECT_EQ(decoded, bytes);
    bytes.push_back(static_cast<char>(length * 53 + 7));
  }
}

TEST(Base64Url, RejectsMalformedInput) {
  std::string out;
  EXPECT_FALSE(base64url_decode("Zm9v=", out));   // padding is not base64url here
  EXPECT_FALSE(base64url_decode("Zm+v", out));    // standard alphabet
  EXPECT_FALSE(base64url_decode("Zm9/", out));    // standard alphabet
  EXPECT_FALSE(base64url_decode("Z", out));       // impossible length
  EXPECT_FALSE(base64url_decode("Zm9vY", out));   // impossible length
  EXPECT_FALSE(base64url_decode("Zh", out));      // non-zero trailing bits
  EXPECT_FALSE(base64url_decode("Zm9 v", out));   // whitespace
  EXPECT_FALSE(base64url_decode("Zm9v\n", out));  // newline
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(base64url_decode("", out));
  EXPECT_TRUE(out.empty());
}

TEST(Hex, EncodesLowerCaseAndDecodesBothCases) {
  EXPECT_EQ(hex_encode(std::string("\x00\x01\xab\xff", 4)), "0001abff");
  std::string out;
  ASSERT_TRUE(hex_decode("0001ABff", out));
  EXPECT_EQ(out, std::string("\x00\x01\xab\xff", 4));
  EXPECT_FALSE(hex_decode("abc", out));  // odd length
  EXPECT_FALSE(hex_decode("zz", out));
  EXPECT_FALSE(hex_decode("0x", out));
  EXPECT_EQ(from_hex(""), "");
}

TEST(RandomBytes, HasTheRequestedSizeAndVaries) {
  EXPECT_EQ(random_bytes(0).size(), 0u);
  EXPECT_EQ(random_bytes(1).size(), 1u);
  EXPECT_EQ(random_bytes(64).size(), 64u);
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(random_bytes(16));
  EXPECT_EQ(seen.size(), 100u);
}

TEST(ConstantTimeEqual, ComparesContentAndLength) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("secret", "secret"));
  EXPECT_FALSE(constant_time_equal("secret", "secreT"));
  EXPECT_FALSE(constant_time_equal("Secret", "secret"));
  EXPECT_FALSE(constant_time_equal("secret", "secret!"));
  EXPECT_FALSE(constant_time_equal("", "x"));
  EXPECT_TRUE(constant_time_equal(std::string("a\0b", 3), std::string("a\0b", 3)));
  EXPECT_FALSE(constant_time_equal(std::string("a\0b", 3), std::string("a\0c", 3)));
}

}  // namespace
}  // namespace lakegate::crypto
