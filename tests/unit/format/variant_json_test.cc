// The Variant binary encoding rendered as JSON. The base64 fixtures are the
// value/metadata pairs Spark 4 wrote for parse_json(...) of the test bed's
// default.variants rows (captured from a Spark Connect Arrow stream); the
// rest are built byte by byte from the encoding spec.
#include "format/variant_json.h"

#include <gtest/gtest.h>

#include <string>

#include "format/temporal_text.h"

namespace lakegate::format {
namespace {

std::string from_base64(const std::string& text) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int bits = 0, buffer = 0;
  for (char c : text) {
    if (c == '=') break;
    buffer = (buffer << 6) | static_cast<int>(kAlphabet.find(c));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

std::string render(const std::string& value, const std::string& metadata, bool* valid = nullptr) {
  TextBuffer out;
  const bool ok = append_variant_json(out, value, metadata);
  if (valid) *valid = ok;
  return std::string(out.view());
}

std::string spark(const char* value64, const char* metadata64) {
  bool valid = false;
  std::string text = render(from_base64(value64), from_base64(metadata64), &valid);
  EXPECT_TRUE(valid) << text;
  return text;
}

const std::string kEmptyMetadata("\x01\x00\x00", 3);  // version 1, no keys

std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out.push_back(static_cast<char>(v));
  return out;
}

TEST(VariantJson, WhatSparkWroteForTheTestBedRows) {
  EXPECT_EQ(spark("AgMAAQIAAgwXDAEDAwABAgQEAAV4AgEDAAYgAQ8AAAA=", "AQQAAQIDBGFiY2Q="),
            R"({"a":1,"b":[true,null,"x"],"c":{"d":1.5}})");
  EXPECT_EQ(spark("AwMAAgQGDAEMAgwD", "AQAA"), "[1,2,3]");
  EXPECT_EQ(spark("SWp1c3QgYSBzdHJpbmcg8J+YgA==", "AQAA"), "\"just a string \xF0\x9F\x98\x80\"");
  // Beyond int64: a decimal with scale 0, every digit kept.
  EXPECT_EQ(spark("KADSCh/rjKlUqwAAAAAAAAAA", "AQAA"), "12345678901234567890");
  EXPECT_EQ(spark("AA==", "AQAA"), "null");
  // parse_json stored -0.0 as the decimal 0.0 (scale 1, kept); 1e308 as a double.
  EXPECT_EQ(spark("AgEAACYCAQEAIQIBAgAcAwMABw0WGeaXpeacrCABAAAAABygyOuF88zhfw==",
                  "AQMABAoRZGVlcGRlZXBlcmRlZXBlc3Q="),
            "{\"deep\":{\"deeper\":{\"deepest\":[\"\xE6\x97\xA5\xE6\x9C\xAC\",0.0,1e+308]}}}");
}

TEST(VariantJson, EveryPrimitiveOfTheSpec) {
  const auto primitive = [](int type, std::string data) {
    return render(std::string(1, static_cast<char>(type << 2)) + data, kEmptyMetadata);
  };
  EXPECT_EQ(primitive(1, ""), "true");
  EXPECT_EQ(primitive(2, ""), "false");
  EXPECT_EQ(primitive(3, bytes({0xFF})), "-1");
  EXPECT_EQ(primitive(4, bytes({0x00, 0x80})), "-32768");
  EXPECT_EQ(primitive(5, bytes({0x01, 0x00, 0x00, 0x80})), "-2147483647");
  EXPECT_EQ(primitive(6, bytes({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F})),
            "9223372036854775807");
  EXPECT_EQ(primitive(7, bytes({0x9A, 0x99, 0x99, 0x99, 0x99, 0x99, 0xB9, 0x3F})), "0.1");
  EXPECT_EQ(primitive(7, bytes({0, 0, 0, 0, 0, 0, 0xF8, 0x7F})), "\"NaN\"");
  // decimal4 scale 2 of 150; decimal8 scale 3 of -5; decimal16 scale 0 of 1.
  EXPECT_EQ(primitive(8, bytes({2, 150, 0, 0, 0})), "1.50");
  EXPECT_EQ(primitive(9, bytes({3, 0xFB, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF})), "-0.005");
  EXPECT_EQ(primitive(10, bytes({0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})), "1");
  std::string expected_date = "\"";
  append_date(expected_date, 19000);
  EXPECT_EQ(primitive(11, bytes({0x38, 0x4A, 0, 0})), expected_date + "\"");  // 19000 days
  std::string expected_ts = "\"", expected_ntz = "\"";
  append_timestamp(expected_ts, 1'000'000, arrow::TimeUnit::kMicro, true);
  append_timestamp(expected_ntz, 1'000'000, arrow::TimeUnit::kMicro, false);
  const std::string one_second = bytes({0x40, 0x42, 0x0F, 0, 0, 0, 0, 0});
  EXPECT_EQ(primitive(12, one_second), expected_ts + "\"");
  EXPECT_EQ(primitive(13, one_second), expected_ntz + "\"");
  EXPECT_EQ(primitive(14, bytes({0x00, 0x00, 0xC0, 0x3F})), "1.5");
  EXPECT_EQ(primitive(15, bytes({3, 0, 0, 0, 'a', 'b', 'c'})), "\"YWJj\"");
  EXPECT_EQ(primitive(16, bytes({2, 0, 0, 0, 'h', '"'})), "\"h\\\"\"");
}

TEST(VariantJson, ObjectKeysComeFromTheDictionary) {
  // Dictionary ["b", "a"] (unsorted); the object lists field ids in key order
  // (a, b) with their values in the other order.
  const std::string metadata = bytes({0x01, 2, 0, 1, 2, 'b', 'a'});
  // header: object, 1-byte ids and offsets; 2 fields: ids [1 (a), 0 (b)],
  // offsets [2, 0, 4]; values: b = short string "x", a = int8 7.
  const std::string value = bytes({0x02, 2, 1, 0, 2, 0, 4, 0x05, 'x', 0x0C, 7});
  EXPECT_EQ(render(value, metadata), R"({"a":7,"b":"x"})");
}

TEST(VariantJson, MalformedBytesAreShownRawNeverGuessed) {
  const std::string value = from_base64("AgMAAQIAAgwXDAEDAwABAgQEAAV4AgEDAAYgAQ8AAAA=");
  const std::string metadata = from_base64("AQQAAQIDBGFiY2Q=");
  bool valid = true;
  // Truncated value, truncated metadata, a field id beyond the dictionary.
  EXPECT_EQ(render(value.substr(0, 10), metadata, &valid).rfind("{\"value\":\"", 0), 0u);
  EXPECT_FALSE(valid);
  render(value, metadata.substr(0, 4), &valid);
  EXPECT_FALSE(valid);
  render(bytes({0x02, 1, 9, 0, 1, 0x00}), kEmptyMetadata, &valid);
  EXPECT_FALSE(valid);
  // Metadata version 2, a primitive type id this version does not know.
  render(bytes({0x00}), bytes({0x02, 0, 0}), &valid);
  EXPECT_FALSE(valid);
  const std::string raw = render(bytes({20 << 2, 1, 2}), kEmptyMetadata, &valid);
  EXPECT_FALSE(valid);
  EXPECT_EQ(raw, R"({"value":"UAEC","metadata":"AQAA"})");
  EXPECT_EQ(render("", kEmptyMetadata, &valid), R"({"value":"","metadata":"AQAA"})");
}

// `levels` arrays, each holding the next, around a null ([[…[null]…]]),
// with 4-byte offsets.
std::string nested_arrays(int levels) {
  std::string value = bytes({0x00});
  for (int i = 0; i < levels; ++i) {
    const auto size = static_cast<uint32_t>(value.size());
    value = bytes({0x03 | (3 << 2), 1, 0, 0, 0, 0, static_cast<int>(size & 0xFF),
                   static_cast<int>((size >> 8) & 0xFF), static_cast<int>((size >> 16) & 0xFF), 0}) +
            value;
  }
  return value;
}

TEST(VariantJson, NestingIsBounded) {
  bool valid = false;
  EXPECT_EQ(render(nested_arrays(3), kEmptyMetadata, &valid), "[[[null]]]");
  EXPECT_TRUE(valid);
  render(nested_arrays(500), kEmptyMetadata, &valid);
  EXPECT_TRUE(valid);
  render(nested_arrays(600), kEmptyMetadata, &valid);
  EXPECT_FALSE(valid);
}

TEST(VariantJson, TheVariantStructIsRecognisedByShapeAndFlag) {
  arrow::Field value{"value", false, {arrow::TypeId::kBinary}, {}, {}};
  arrow::Field metadata{"metadata", false, {arrow::TypeId::kBinary}, {}, {{"variant", "true"}}};
  arrow::Field variant{"v", true, {arrow::TypeId::kStruct}, {value, metadata}, {}};
  EXPECT_TRUE(is_variant_field(variant));
  arrow::Field unflagged = variant;
  unflagged.children[1].metadata.clear();
  EXPECT_FALSE(is_variant_field(unflagged));
  unflagged.metadata.emplace_back("variant", "true");  // on the struct also counts
  EXPECT_TRUE(is_variant_field(unflagged));
  arrow::Field renamed = variant;
  renamed.children[0].name = "val";
  EXPECT_FALSE(is_variant_field(renamed));
}

}  // namespace
}  // namespace lakegate::format
