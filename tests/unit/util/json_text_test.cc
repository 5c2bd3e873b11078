#include "util/json_text.h"

#include <gtest/gtest.h>

namespace lakegate::util {
namespace {

std::string quoted(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

TEST(JsonString, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(quoted("plain"), "\"plain\"");
  EXPECT_EQ(quoted("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(quoted("\n\r\t\b\f"), "\"\\n\\r\\t\\b\\f\"");
  EXPECT_EQ(quoted(std::string_view("\x00\x1f", 2)), "\"\\u0000\\u001f\"");
  EXPECT_EQ(quoted(""), "\"\"");
}

TEST(JsonString, PassesValidUtf8AndReplacesInvalid) {
  EXPECT_EQ(quoted("héllo ☃ 😀 中文"), "\"héllo ☃ 😀 中文\"");
  EXPECT_EQ(quoted("a\xff"
                   "b"),
            "\"a\xEF\xBF\xBD"
            "b\"");
  EXPECT_EQ(quoted("\xc3"), "\"\xEF\xBF\xBD\"");  // truncated sequence
  EXPECT_EQ(quoted("\xed\xa0\x80"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");  // surrogate
  EXPECT_EQ(quoted("\xc0\xaf"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");                  // overlong
}

TEST(Base64, RoundTripsAllLengths) {
  std::string bytes;
  for (int length = 0; length < 70; ++length) {
    std::string encoded;
    append_base64(encoded, bytes);
    EXPECT_EQ(encoded.size() % 4, 0u);
    std::string decoded;
    ASSERT_TRUE(decode_base64(encoded, decoded)) << encoded;
    EXPECT_EQ(decoded, bytes);
    bytes.push_back(static_cast<char>(length * 37 + 255));
  }
}

TEST(Base64, KnownVectors) {
  std::string out;
  append_base64(out, "foobar");
  EXPECT_EQ(out, "Zm9vYmFy");
  out.clear();
  append_base64(out, std::string_view("\xff\x00\xfe", 3));
  EXPECT_EQ(out, "/wD+");
  std::string decoded;
  EXPECT_FALSE(decode_base64("Zm9", decoded));
  EXPECT_FALSE(decode_base64("Zm9v!A==", decoded));
  EXPECT_FALSE(decode_base64("Z===", decoded));
}

}  // namespace
}  // namespace lakegate::util
