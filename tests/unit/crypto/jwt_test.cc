#include "crypto/jwt.h"

#include <gtest/gtest.h>

#include <vector>

#include "crypto/crypto.h"

namespace lakegate::crypto {
namespace {

const std::string kKey(32, 's');
constexpr int64_t kNow = 1'700'000'000;

JwtClaims sample_claims() {
  JwtClaims claims;
  claims.subject = "jane@example.com";
  claims.user_id = 42;
  claims.session_id = "b4c1e2d3-session";
  claims.issued_at = kNow - 10;
  claims.expires_at = kNow + 3600;
  return claims;
}

// A token with arbitrary header and payload JSON, signed HS256 under `key`.
std::string make_token(std::string_view header, std::string_view payload,
                       std::string_view key = kKey) {
  const std::string input = base64url_encode(header) + "." + base64url_encode(payload);
  return input + "." + base64url_encode(hmac_sha256(key, input));
}

constexpr std::string_view kHs256Header = R"({"alg":"HS256","typ":"JWT"})";

void expect_invalid(const Result<JwtClaims>& result, std::string_view why) {
  ASSERT_FALSE(result) << why;
  EXPECT_EQ(result.error().code, ErrorCode::kAuthRequired) << why;
  EXPECT_EQ(result.error().message, "Invalid token.") << why;
}

std::string decode_part(const std::string& token, int index) {
  size_t start = 0;
  for (int i = 0; i < index; ++i) start = token.find('.', start) + 1;
  const size_t end = token.find('.', start);
  std::string out;
  EXPECT_TRUE(base64url_decode(token.substr(start, end - start), out));
  return out;
}

TEST(Jwt, RoundTrips) {
  const std::string token = sign_jwt(sample_claims(), kKey);
  auto claims = verify_jwt(token, kKey, kNow);
  ASSERT_TRUE(claims) << claims.error().message;
  EXPECT_EQ(claims->subject, "jane@example.com");
  EXPECT_EQ(claims->user_id, 42);
  EXPECT_EQ(claims->session_id, "b4c1e2d3-session");
  EXPECT_EQ(claims->issued_at, kNow - 10);
  EXPECT_EQ(claims->expires_at, kNow + 3600);
}

TEST(Jwt, HeaderAndPayloadAreTheDocumentedJson) {
  const std::string token = sign_jwt(sample_claims(), kKey);
  EXPECT_EQ(decode_part(token, 0), R"({"alg":"HS256","typ":"JWT"})");
  EXPECT_EQ(decode_part(token, 1),
            R"({"iat":1699999990,"exp":1700003600,"sub":"jane@example.com","user_id":42,)"
            R"("jti":"b4c1e2d3-session"})");
  EXPECT_EQ(token.find('='), std::string::npos);
}

TEST(Jwt, EscapesStringsInClaims) {
  JwtClaims claims = sample_claims();
  claims.subject = "we\"ird\\name\n@example.com";
  auto verified = verify_jwt(sign_jwt(claims, kKey), kKey, kNow);
  ASSERT_TRUE(verified) << verified.error().message;
  EXPECT_EQ(verified->subject, claims.subject);
}

TEST(Jwt, ExpiredTokens) {
  const std::string token = sign_jwt(sample_claims(), kKey);
  for (const int64_t now : {kNow + 3600, kNow + 3601, kNow + 100000}) {
    auto claims = verify_jwt(token, kKey, now);
    ASSERT_FALSE(claims);
    EXPECT_EQ(claims.error().code, ErrorCode::kAuthRequired);
    EXPECT_EQ(claims.error().message, "Token has expired.");
  }
  EXPECT_TRUE(verify_jwt(token, kKey, kNow + 3599));
}

TEST(Jwt, TamperedPayloadFails) {
  const std::string token = sign_jwt(sample_claims(), kKey);
  const size_t first_dot = token.find('.');
  const size_t second_dot = token.find('.', first_dot + 1);
  JwtClaims admin = sample_claims();
  admin.user_id = 1;
  const std::string forged_payload = decode_part(sign_jwt(admin, "other key"), 1);
  const std::string forged =
      token.substr(0, first_dot + 1) + base64url_encode(forged_payload) + token.substr(second_dot);
  expect_invalid(verify_jwt(forged, kKey, kNow), "swapped payload");

  std::string flipped = token;
  flipped[first_dot + 5] = flipped[first_dot + 5] == 'A' ? 'B' : 'A';
  expect_invalid(verify_jwt(flipped, kKey, kNow), "flipped payload character");
}

TEST(Jwt, TamperedSignatureFails) {
  const std::string token = sign_jwt(sample_claims(), kKey);
  std::string flipped = token;
  flipped[token.size() - 3] = flipped[token.size() - 3] == 'A' ? 'B' : 'A';
  expect_invalid(verify_jwt(flipped, kKey, kNow), "flipped signature character");
  expect_invalid(verify_jwt(token.substr(0, token.rfind('.') + 1), kKey, kNow), "no signature");
  expect_invalid(verify_jwt(token.substr(0, token.size() - 2), kKey, kNow), "short signature");
  expect_invalid(verify_jwt(token + "AA", kKey, kNow), "long signature");
}

TEST(Jwt, WrongKeyFails) {
  const std::string token = sign_jwt(sample_claims(), kKey);
  expect_invalid(verify_jwt(token, std::string(32, 't'), kNow), "wrong key");
  expect_invalid(verify_jwt(token, "", kNow), "empty key");
}

TEST(Jwt, AlgNoneIsRejected) {
  const std::string payload =
      R"({"iat":1699999990,"exp":1700003600,"sub":"a@b.c","user_id":1,"jti":"x"})";
  const std::string unsigned_token =
      base64url_encode(R"({"alg":"none","typ":"JWT"})") + "." + base64url_encode(payload) + ".";
  expect_invalid(verify_jwt(unsigned_token, kKey, kNow), "alg none, empty signature");
  // Even correctly "signed" with our key, a header that is not HS256 is refused.
  expect_invalid(verify_jwt(make_token(R"({"alg":"none","typ":"JWT"})", payload), kKey, kNow),
                 "alg none, HS256 signature");
  expect_invalid(verify_jwt(make_token(R"({"alg":"None"})", payload), kKey, kNow), "alg None");
}

TEST(Jwt, OtherAlgorithmsAreRejected) {
  const std::string payload = R"({"exp":1700003600,"user_id":1})";
  for (const std::string& header : std::vector<std::string>{
           R"({"alg":"HS512","typ":"JWT"})", R"({"alg":"RS256","typ":"JWT"})",
           R"({"alg":"hs256","typ":"JWT"})", R"({"typ":"JWT"})", R"({"alg":256})",
           R"({"alg":"HS256","alg":"none"})", R"({"alg":"none","alg":"HS256"})", R"(["HS256"])",
           R"("HS256")", R"({"alg":"HS256")", ""}) {
    expect_invalid(verify_jwt(make_token(header, payload), kKey, kNow), header);
  }
  // A real HS512 signature (64 bytes) is refused as well.
  const std::string input =
      base64url_encode(R"({"alg":"HS512","typ":"JWT"})") + "." + base64url_encode(payload);
  expect_invalid(verify_jwt(input + "." + base64url_encode(std::string(64, 'x')), kKey, kNow),
                 "64-byte signature");
  // The minimal header without "typ" is fine.
  EXPECT_TRUE(verify_jwt(make_token(R"({"alg":"HS256"})", payload), kKey, kNow));
}

TEST(Jwt, ExpClaimIsRequiredAndNumeric) {
  expect_invalid(verify_jwt(make_token(kHs256Header, R"({"user_id":1})"), kKey, kNow), "no exp");
  expect_invalid(verify_jwt(make_token(kHs256Header, R"({"exp":"1700003600"})"), kKey, kNow),
                 "string exp");
  expect_invalid(verify_jwt(make_token(kHs256Header, R"({"exp":null})"), kKey, kNow), "null exp");
  expect_invalid(verify_jwt(make_token(kHs256Header, R"({"exp":true})"), kKey, kNow), "bool exp");
  expect_invalid(
      verify_jwt(make_token(kHs256Header, R"({"exp":18446744073709551615})"), kKey, kNow),
      "exp beyond int64");
  expect_invalid(verify_jwt(make_token(kHs256Header, R"({"exp":1e300})"), kKey, kNow),
                 "huge double exp");
  auto fractional = verify_jwt(make_token(kHs256Header, R"({"exp":1700003600.5})"), kKey, kNow);
  ASSERT_TRUE(fractional) << fractional.error().message;
  EXPECT_EQ(fractional->expires_at, 1700003600);
}

TEST(Jwt, WrongClaimTypesAreInvalid) {
  for (const std::string& payload : std::vector<std::string>{
           R"({"exp":1700003600,"sub":5})", R"({"exp":1700003600,"user_id":"42"})",
           R"({"exp":1700003600,"jti":["a"]})", R"({"exp":1700003600,"iat":"now"})",
           R"([1700003600])", R"({"exp":1700003600)", "null", ""}) {
    expect_invalid(verify_jwt(make_token(kHs256Header, payload), kKey, kNow), payload);
  }
  // Unknown claims are ignored.
  EXPECT_TRUE(verify_jwt(
      make_token(kHs256Header, R"({"exp":1700003600,"iss":"x","extra":{"a":[1,2]}})"), kKey, kNow));
}

TEST(Jwt, GarbageIsInvalid) {
  const std::string token = sign_jwt(sample_claims(), kKey);
  for (const std::string& garbage : std::vector<std::string>{
           std::string(""), std::string("."), std::string(".."), std::string("..."),
           std::string("abc"), std::string("a.b"), std::string("a.b.c"), std::string("a.b.c.d"),
           std::string("Bearer ") + token, token + ".", "." + token, token + " ",
           std::string("!!!.???.***"), std::string(20000, 'A'),
           std::string("eyJhbGciOiJIUzI1NiJ9\0.x.y", 26)}) {
    expect_invalid(verify_jwt(garbage, kKey, kNow), garbage.substr(0, 40));
  }
}

TEST(Jwt, PaddedOrStandardBase64IsRejected) {
  const std::string token = sign_jwt(sample_claims(), kKey);
  const size_t last_dot = token.rfind('.');
  expect_invalid(verify_jwt(token + "=", kKey, kNow), "padding");
  std::string standard = token;
  for (size_t i = last_dot + 1; i < standard.size(); ++i) {
    if (standard[i] == '-') standard[i] = '+';
    if (standard[i] == '_') standard[i] = '/';
  }
  if (standard != token) expect_invalid(verify_jwt(standard, kKey, kNow), "standard alphabet");
}

}  // namespace
}  // namespace lakegate::crypto
