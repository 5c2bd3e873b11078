// Splits DreamFactory filter text into tokens. Knows quoting (single and
// double quotes, back-quoted names; a doubled quote character stands for
// one), placeholders (`:name`), lookups (`{name}`), punctuation and the
// symbolic operators; everything else is a bare word whose meaning (column,
// keyword, number, string) the parser decides from context. Rejects invalid
// UTF-8 and unterminated quotes with a 400 naming the position. Pure.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace lakegate::sql::filter {

struct Token {
  enum class Kind {
    kWord,         // bare run of characters: identifier, keyword, number, bare value
    kQuoted,       // '…' or "…": `text` holds the unquoted content
    kBackquoted,   // `…`: a column name, `text` holds it unquoted
    kPlaceholder,  // :name — `text` holds "name"
    kLookup,       // {name} — `text` holds "name"
    kLeftParen,
    kRightParen,
    kComma,
    kOperator,  // = != <> > >= < <=  (`text` holds the symbol)
    kAndAnd,    // &&
    kOrOr,      // ||
    kEnd,
  };
  Kind kind = Kind::kEnd;
  std::string text;
  size_t offset = 0;    // byte offset in the filter text
  size_t position = 0;  // 1-based character (code point) offset, for messages
};

// The 1-based character position of byte `offset` in `text` (UTF-8).
size_t character_position(std::string_view text, size_t offset);

// Every token of `text`, ending with one kEnd token.
Result<std::vector<Token>> tokenize(std::string_view text);

// A short description of a token for messages: "'='", "end of filter", ...
std::string describe(const Token& token);

}  // namespace lakegate::sql::filter
