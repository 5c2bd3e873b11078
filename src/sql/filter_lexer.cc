#include "sql/filter_lexer.h"

namespace lakegate::sql::filter {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Length of the valid UTF-8 sequence at text[offset], or 0 if invalid.
size_t utf8_length(std::string_view text, size_t offset) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(offset);
  size_t length;
  uint32_t minimum;
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    minimum = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    minimum = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    minimum = 0x10000;
  } else {
    return 0;
  }
  if (offset + length > text.size()) return 0;
  uint32_t code_point = lead & (0x7F >> length);
  for (size_t i = 1; i < length; ++i) {
    if ((byte(offset + i) & 0xC0) != 0x80) return 0;
    code_point = (code_point << 6) | (byte(offset + i) & 0x3F);
  }
  if (code_point < minimum || code_point > 0x10FFFF) return 0;
  if (code_point >= 0xD800 && code_point <= 0xDFFF) return 0;
  return length;
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Characters that end a bare word. `!`, `&` and `|` end it only when they
// start `!=`, `&&` or `||`; `:` and `{` only start a token at a word start.
bool ends_word(std::string_view text, size_t offset) {
  char c = text[offset];
  char next = offset + 1 < text.size() ? text[offset + 1] : '\0';
  switch (c) {
    case '(':
    case ')':
    case ',':
    case '\'':
    case '"':
    case '`':
    case '=':
    case '<':
    case '>':
      return true;
    case '!':
      return next == '=';
    case '&':
      return next == '&';
    case '|':
      return next == '|';
    default:
      return is_space(c);
  }
}

Error lex_error(std::string_view text, size_t offset, const std::string& what) {
  size_t position = character_position(text, offset);
  return Error(ErrorCode::kBadRequest,
               "filter: " + what + " at position " + std::to_string(position))
      .with("position", std::to_string(position));
}

}  // namespace

size_t character_position(std::string_view text, size_t offset) {
  size_t position = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++position;
  }
  return position;
}

Result<std::vector<Token>> tokenize(std::string_view text) {
  for (size_t offset = 0; offset < text.size();) {
    size_t length = utf8_length(text, offset);
    if (length == 0) return lex_error(text, offset, "invalid UTF-8");
    offset += length;
  }
  std::vector<Token> tokens;
  size_t offset = 0;
  auto push = [&](Token::Kind kind, size_t start, std::string token_text) {
    Token token;
    token.kind = kind;
    token.text = std::move(token_text);
    token.offset = start;
    token.position = character_position(text, start);
    tokens.push_back(std::move(token));
  };
  while (offset < text.size()) {
    char c = text[offset];
    if (is_space(c)) {
      ++offset;
      continue;
    }
    size_t start = offset;
    char next = offset + 1 < text.size() ? text[offset + 1] : '\0';
    if (c == '\'' || c == '"' || c == '`') {
      // Quoted: a doubled quote character inside stands for one.
      std::string content;
      ++offset;
      bool closed = false;
      while (offset < text.size()) {
        if (text[offset] == c) {
          if (offset + 1 < text.size() && text[offset + 1] == c) {
            content.push_back(c);
            offset += 2;
            continue;
          }
          ++offset;
          closed = true;
          break;
        }
        content.push_back(text[offset++]);
      }
      if (!closed) {
        return lex_error(text, start,
                         std::string("unterminated ") + (c == '`' ? "back-quoted name" : "string"));
      }
      push(c == '`' ? Token::Kind::kBackquoted : Token::Kind::kQuoted, start, std::move(content));
    } else if (c == '(') {
      push(Token::Kind::kLeftParen, start, "(");
      ++offset;
    } else if (c == ')') {
      push(Token::Kind::kRightParen, start, ")");
      ++offset;
    } else if (c == ',') {
      push(Token::Kind::kComma, start, ",");
      ++offset;
    } else if (c == '&' && next == '&') {
      push(Token::Kind::kAndAnd, start, "&&");
      offset += 2;
    } else if (c == '|' && next == '|') {
      push(Token::Kind::kOrOr, start, "||");
      offset += 2;
    } else if (c == '=' || c == '<' || c == '>' || (c == '!' && next == '=')) {
      std::string symbol(1, c);
      if ((c == '<' || c == '>' || c == '!') && next == '=') symbol.push_back('=');
      if (c == '<' && next == '>') symbol.push_back('>');
      if (c == '=' && next == '=') symbol.push_back('=');  // == is accepted as =
      offset += symbol.size();
      push(Token::Kind::kOperator, start, symbol == "==" ? "=" : symbol);
    } else if (c == ':') {
      ++offset;
      while (offset < text.size() && is_name_char(text[offset])) ++offset;
      if (offset == start + 1) return lex_error(text, start, "expected a parameter name after ':'");
      push(Token::Kind::kPlaceholder, start,
           std::string(text.substr(start + 1, offset - start - 1)));
    } else if (c == '{') {
      ++offset;
      while (offset < text.size() && (is_name_char(text[offset]) || text[offset] == '.')) ++offset;
      if (offset >= text.size() || text[offset] != '}' || offset == start + 1) {
        return lex_error(text, start, "expected a lookup name and '}' after '{'");
      }
      push(Token::Kind::kLookup, start, std::string(text.substr(start + 1, offset - start - 1)));
      ++offset;
    } else {
      while (offset < text.size() && !ends_word(text, offset)) ++offset;
      push(Token::Kind::kWord, start, std::string(text.substr(start, offset - start)));
    }
  }
  push(Token::Kind::kEnd, text.size(), "");
  return tokens;
}

std::string describe(const Token& token) {
  switch (token.kind) {
    case Token::Kind::kEnd:
      return "end of filter";
    case Token::Kind::kQuoted:
      return "a quoted string";
    case Token::Kind::kBackquoted:
      return "a back-quoted name";
    case Token::Kind::kPlaceholder:
      return "':" + token.text + "'";
    case Token::Kind::kLookup:
      return "'{" + token.text + "}'";
    default:
      break;
  }
  // Quote the token but keep messages short.
  if (token.text.size() <= 40) return "'" + token.text + "'";
  size_t cut = 40;  // at a character boundary
  while (cut > 0 && (static_cast<unsigned char>(token.text[cut]) & 0xC0) == 0x80) --cut;
  return "'" + token.text.substr(0, cut) + "…'";
}

}  // namespace lakegate::sql::filter
