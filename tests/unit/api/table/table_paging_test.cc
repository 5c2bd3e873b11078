// Cursor encode/decode (round trip, tampering, wrong query), ETag matching
// and the query hash's normalisation. (base64url is crypto's, tested in
// tests/unit/crypto/crypto_test.cc.)
#include "api/table/table_paging.h"

#include <gtest/gtest.h>

#include "api/table/table_request_parser.h"
#include "crypto/crypto.h"

namespace lakegate::api {
namespace {

const catalog::TableName kTable{"spark_catalog", "nyctaxi", "trips"};

TableOptions options_of(std::vector<std::pair<std::string, std::string>> query) {
  http::Request request;
  request.method = "GET";
  request.query = std::move(query);
  auto options = parse_table_options(request);
  EXPECT_TRUE(options.ok());
  return options.ok() ? std::move(*options) : TableOptions{};
}

TEST(Cursor, RoundTrip) {
  const PageCursor cursor{42, 1000, 0x0123456789abcdefull};
  const std::string text = encode_cursor(cursor);
  EXPECT_EQ(
      text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
      std::string::npos);
  auto decoded = decode_cursor(text, cursor.query_hash);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->version, 42);
  EXPECT_EQ(decoded->offset, 1000);
}

TEST(Cursor, TamperingIs400) {
  const PageCursor cursor{7, 20, 99};
  const std::string text = encode_cursor(cursor);
  for (size_t i = 0; i < text.size(); ++i) {
    std::string changed = text;
    changed[i] = changed[i] == 'A' ? 'B' : 'A';
    auto decoded = decode_cursor(changed, 99);
    EXPECT_FALSE(decoded.ok()) << "byte " << i;
    if (!decoded.ok()) {
      EXPECT_EQ(decoded.error().code, ErrorCode::kBadRequest);
    }
  }
  // A payload re-encoded with another offset but the old check.
  std::string payload;
  ASSERT_TRUE(crypto::base64url_decode(text, payload));
  const size_t at = payload.find(".20.");
  ASSERT_NE(at, std::string::npos);
  payload.replace(at, 4, ".30.");
  EXPECT_FALSE(decode_cursor(crypto::base64url_encode(payload), 99).ok());
  for (const char* junk : {"", "!!!", "bGdjMQ", "a", "lgc1.1.2.3.4"}) {
    EXPECT_FALSE(decode_cursor(junk, 99).ok()) << junk;
  }
  EXPECT_FALSE(decode_cursor(std::string(1000, 'A'), 99).ok());
}

TEST(Cursor, BelongsToItsQuery) {
  const std::string text = encode_cursor({1, 10, 5});
  auto decoded = decode_cursor(text, 6);
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.error().message.find("different query"), std::string::npos);
}

TEST(Etag, Matching) {
  const std::string etag = make_etag(3, 0xabcull);
  EXPECT_EQ(etag, "\"lg-3-0000000000000abc\"");
  EXPECT_TRUE(etag_matches(etag, etag));
  EXPECT_TRUE(etag_matches("W/" + etag, etag));
  EXPECT_TRUE(etag_matches("\"x\", " + etag, etag));
  EXPECT_TRUE(etag_matches("*", etag));
  EXPECT_FALSE(etag_matches(make_etag(4, 0xabcull), etag));
  EXPECT_FALSE(etag_matches("", etag));
  EXPECT_NE(make_etag(3, 1), make_etag(3, 2));
}

TEST(QueryHash, AliasesAndBlanksDoNotMatterButContentDoes) {
  const auto hash = [](std::vector<std::pair<std::string, std::string>> q, int64_t limit = 10) {
    return paging_hash(kTable, options_of(std::move(q)), limit, "json");
  };
  const uint64_t base = hash({{"filter", "a = 1"}, {"fields", "a,b"}, {"order", "a desc"}});
  EXPECT_EQ(base, hash({{"where", "a = 1"}, {"select", " a , b "}, {"sort", "a  DESC"}}));
  EXPECT_EQ(base,
            hash({{"order", "a desc"}, {"fields", "a,b"}, {"filter", "a = 1"}, {"offset", "50"}}));
  EXPECT_NE(base, hash({{"filter", "a = 2"}, {"fields", "a,b"}, {"order", "a desc"}}));
  EXPECT_NE(base, hash({{"filter", "a = 1"}, {"fields", "a,b"}, {"order", "a"}}));
  EXPECT_NE(base, hash({{"filter", "a = 1"}, {"fields", "a,b"}, {"order", "a desc"}}, 11));
  EXPECT_NE(hash({{"fields", "ab"}}), hash({{"fields", "a,b"}}));
  EXPECT_NE(hash({{"params[x]", "1"}}), hash({{"params[x]", "2"}}));
  EXPECT_NE(paging_hash(kTable, options_of({}), 10, "json"),
            paging_hash(kTable, options_of({}), 10, "csv"));
  EXPECT_NE(paging_hash(kTable, options_of({}), 10, "json"),
            paging_hash({"spark_catalog", "nyctaxi", "trips2"}, options_of({}), 10, "json"));
}

}  // namespace
}  // namespace lakegate::api
