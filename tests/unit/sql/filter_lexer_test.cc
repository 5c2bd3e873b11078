#include "sql/filter_lexer.h"

#include <gtest/gtest.h>

namespace lakegate::sql::filter {
namespace {

using Kind = Token::Kind;

std::vector<Token> lex(std::string_view text) {
  auto tokens = tokenize(text);
  EXPECT_TRUE(tokens.ok()) << (tokens ? "" : tokens.error().message);
  return tokens ? *tokens : std::vector<Token>{};
}

std::string kinds(const std::vector<Token>& tokens) {
  static const char* kNames[] = {"W", "Q", "B", "P", "L", "(", ")", ",", "O", "&&", "||", "$"};
  std::string out;
  for (const auto& token : tokens) out += std::string(kNames[static_cast<int>(token.kind)]) + " ";
  return out;
}

TEST(FilterLexer, SymbolsNeedNoSpaces) {
  auto tokens = lex("a>=1&&b<>'x'||c!=2");
  EXPECT_EQ(kinds(tokens), "W O W && W O Q || W O W $ ");
  EXPECT_EQ(tokens[1].text, ">=");
  EXPECT_EQ(tokens[5].text, "<>");
  EXPECT_EQ(tokens[9].text, "!=");
}

TEST(FilterLexer, DoubleEqualsIsEquals) {
  auto tokens = lex("a==1");
  EXPECT_EQ(tokens[1].text, "=");
}

TEST(FilterLexer, QuotesAndDoubledQuotes) {
  auto tokens = lex(R"('it''s' "say ""hi""" `a``b`)");
  EXPECT_EQ(kinds(tokens), "Q Q B $ ");
  EXPECT_EQ(tokens[0].text, "it's");
  EXPECT_EQ(tokens[1].text, "say \"hi\"");
  EXPECT_EQ(tokens[2].text, "a`b");
}

TEST(FilterLexer, EmptyQuotedString) {
  auto tokens = lex("''");
  EXPECT_EQ(kinds(tokens), "Q $ ");
  EXPECT_EQ(tokens[0].text, "");
}

TEST(FilterLexer, PlaceholdersAndLookups) {
  auto tokens = lex(":name {user.id} a:b");
  EXPECT_EQ(kinds(tokens), "P L W $ ");
  EXPECT_EQ(tokens[0].text, "name");
  EXPECT_EQ(tokens[1].text, "user.id");
  EXPECT_EQ(tokens[2].text, "a:b");
}

TEST(FilterLexer, SingleAmpersandPipeAndBangStayInWords) {
  auto tokens = lex("a&b c|d !e");
  EXPECT_EQ(kinds(tokens), "W W W $ ");
  EXPECT_EQ(tokens[0].text, "a&b");
  EXPECT_EQ(tokens[2].text, "!e");
}

TEST(FilterLexer, PunctuationEndsWords) {
  auto tokens = lex("in(1,2)");
  EXPECT_EQ(kinds(tokens), "W ( W , W ) $ ");
}

TEST(FilterLexer, PositionsAreOneBasedCharacters) {
  auto tokens = lex("é = 'ü' x");
  ASSERT_EQ(tokens.size(), 5u);
  EXPECT_EQ(tokens[0].position, 1u);
  EXPECT_EQ(tokens[1].position, 3u);
  EXPECT_EQ(tokens[2].position, 5u);
  EXPECT_EQ(tokens[3].position, 9u);
  EXPECT_EQ(tokens[4].position, 10u);  // end
  EXPECT_EQ(tokens[3].offset, 10u);    // bytes
}

TEST(FilterLexer, Errors) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"a = 'x", "filter: unterminated string at position 5"},
      {"a = \"x", "filter: unterminated string at position 5"},
      {"`a = 1", "filter: unterminated back-quoted name at position 1"},
      {"a = :", "filter: expected a parameter name after ':' at position 5"},
      {"a = {x", "filter: expected a lookup name and '}' after '{' at position 5"},
      {"a = {}", "filter: expected a lookup name and '}' after '{' at position 5"},
      {"a = 'x\xff'", "filter: invalid UTF-8 at position 7"},
      {"a = \xc0\x80", "filter: invalid UTF-8 at position 5"},      // overlong
      {"a = \xed\xa0\x80", "filter: invalid UTF-8 at position 5"},  // surrogate
  };
  for (const auto& c : cases) {
    auto tokens = tokenize(c.text);
    ASSERT_FALSE(tokens.ok()) << c.text;
    EXPECT_EQ(tokens.error().code, ErrorCode::kBadRequest);
    EXPECT_EQ(tokens.error().message, c.message);
    EXPECT_FALSE(tokens.error().context_value("position").empty());
  }
}

TEST(FilterLexer, DescribeTruncatesAtCharacterBoundary) {
  Token token;
  token.kind = Kind::kWord;
  token.text = std::string(39, 'a') + "ééé";
  std::string shown = describe(token);
  EXPECT_EQ(shown, "'" + std::string(39, 'a') + "…'");
}

TEST(FilterLexer, NulByteIsPartOfAWord) {
  auto tokens = lex(std::string_view("a\0b", 3));
  EXPECT_EQ(kinds(tokens), "W $ ");
  EXPECT_EQ(tokens[0].text.size(), 3u);
}

}  // namespace
}  // namespace lakegate::sql::filter
