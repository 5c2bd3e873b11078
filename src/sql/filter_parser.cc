#include "sql/filter_parser.h"

#include <charconv>
#include <cmath>
#include <utility>

#include "sql/filter_lexer.h"
#include "util/ascii.h"

namespace lakegate::sql::filter {
namespace {

using util::equals_ignore_case;

bool is_keyword(const Token& token, std::string_view keyword) {
  return token.kind == Token::Kind::kWord && equals_ignore_case(token.text, keyword);
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Types a bare value token: see the grammar comment in filter_parser.h.
backend::Value type_bare_value(const std::string& text) {
  std::string_view rest = text;
  bool negative = false;
  if (!rest.empty() && (rest.front() == '+' || rest.front() == '-')) {
    negative = rest.front() == '-';
    rest.remove_prefix(1);
  }
  size_t integer_digits = 0;
  while (integer_digits < rest.size() && is_digit(rest[integer_digits])) ++integer_digits;
  size_t index = integer_digits;
  size_t fraction_digits = 0;
  bool has_point = index < rest.size() && rest[index] == '.';
  if (has_point) {
    ++index;
    while (index < rest.size() && is_digit(rest[index])) ++index, ++fraction_digits;
  }
  if (integer_digits + fraction_digits == 0) {
    if (equals_ignore_case(text, "true")) return backend::Value::boolean(true);
    if (equals_ignore_case(text, "false")) return backend::Value::boolean(false);
    return backend::Value::string(text);
  }
  std::string_view mantissa = rest.substr(0, index);
  if (index == rest.size()) {
    std::string digits = (negative ? "-" : "") + std::string(mantissa);
    if (!has_point) {
      int64_t integer = 0;
      auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), integer);
      if (error == std::errc() && end == digits.data() + digits.size()) {
        return backend::Value::int64(integer);
      }
      return backend::Value::decimal(std::move(digits));  // beyond int64: exact digits
    }
    // Canonical decimal text: "1." → "1", ".5" → "0.5".
    std::string canonical = negative ? "-" : "";
    canonical += integer_digits == 0 ? "0" : std::string(mantissa.substr(0, integer_digits));
    if (fraction_digits > 0) canonical += "." + std::string(mantissa.substr(integer_digits + 1));
    return backend::Value::decimal(std::move(canonical));
  }
  // Exponent form: digits [. digits] (e|E) [+-] digits → double.
  if (rest[index] == 'e' || rest[index] == 'E') {
    size_t exponent = index + 1;
    if (exponent < rest.size() && (rest[exponent] == '+' || rest[exponent] == '-')) ++exponent;
    size_t exponent_digits = exponent;
    while (exponent_digits < rest.size() && is_digit(rest[exponent_digits])) ++exponent_digits;
    if (exponent_digits > exponent && exponent_digits == rest.size()) {
      std::string number(text.front() == '+' ? text.substr(1) : text);
      double value = 0;
      auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), value);
      if (error == std::errc() && end == number.data() + number.size() && std::isfinite(value)) {
        return backend::Value::float64(value);
      }
    }
  }
  return backend::Value::string(text);
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  Result<Node> parse_filter() {
    if (peek().kind == Token::Kind::kEnd) return error_at(peek(), "the filter is empty");
    auto node = parse_or(0);
    if (!node) return node.error();
    if (peek().kind == Token::Kind::kRightParen) {
      return error_at(peek(), "unbalanced ')'");
    }
    if (peek().kind != Token::Kind::kEnd) {
      return expected(peek(), "AND, OR or end of filter");
    }
    return node;
  }

 private:
  const Token& peek(size_t ahead = 0) const {
    size_t index = next_ + ahead;
    return index < tokens_.size() ? tokens_[index] : tokens_.back();
  }
  const Token& advance() {
    const Token& token = peek();
    if (next_ + 1 < tokens_.size()) ++next_;
    return token;
  }

  // "filter: <what> at position N[, found <token>][ (<hint>)]".
  static Error error_at(const Token& token, const std::string& what, bool name_found = false,
                        const std::string& hint = "") {
    std::string message = "filter: " + what + " at position " + std::to_string(token.position);
    if (name_found) message += ", found " + describe(token);
    if (!hint.empty()) message += " (" + hint + ")";
    return Error(ErrorCode::kBadRequest, std::move(message))
        .with("position", std::to_string(token.position));
  }
  static Error expected(const Token& token, const std::string& what) {
    return error_at(token, "expected " + what, true);
  }

  Status refuse_unsupported_logic(const Token& token) {
    if (is_keyword(token, "NOR") || is_keyword(token, "XOR")) {
      return error_at(
          token, "logical operator " + describe(token) + " is not supported (use AND, OR and NOT)");
    }
    return {};
  }

  Result<Node> combine(Node::Kind kind, std::vector<Node> terms) {
    if (terms.size() == 1) return std::move(terms.front());
    Node node;
    node.kind = kind;
    node.children = std::move(terms);
    return node;
  }

  Result<Node> parse_or(int depth) {
    std::vector<Node> terms;
    while (true) {
      auto term = parse_and(depth);
      if (!term) return term.error();
      terms.push_back(std::move(*term));
      if (auto refused = refuse_unsupported_logic(peek()); !refused) return refused.error();
      if (!is_keyword(peek(), "OR") && peek().kind != Token::Kind::kOrOr) break;
      advance();
    }
    return combine(Node::Kind::kOr, std::move(terms));
  }

  Result<Node> parse_and(int depth) {
    std::vector<Node> terms;
    while (true) {
      auto term = parse_unary(depth);
      if (!term) return term.error();
      terms.push_back(std::move(*term));
      if (!is_keyword(peek(), "AND") && peek().kind != Token::Kind::kAndAnd) break;
      advance();
    }
    return combine(Node::Kind::kAnd, std::move(terms));
  }

  Result<Node> parse_unary(int depth) {
    if (depth >= kMaxFilterDepth) return error_at(peek(), "the filter is nested too deeply");
    const Token& token = peek();
    if (is_keyword(token, "NOT") && peek(1).kind != Token::Kind::kOperator) {
      advance();
      auto child = parse_unary(depth + 1);
      if (!child) return child.error();
      Node node;
      node.kind = Node::Kind::kNot;
      node.children.push_back(std::move(*child));
      return node;
    }
    if (token.kind == Token::Kind::kLeftParen) {
      advance();
      auto inner = parse_or(depth + 1);
      if (!inner) return inner.error();
      if (peek().kind != Token::Kind::kRightParen) {
        return error_at(peek(), "expected ')'", true,
                        "the '(' at position " + std::to_string(token.position) + " is not closed");
      }
      advance();
      return inner;
    }
    return parse_condition();
  }

  Result<Node> parse_condition() {
    const Token& column = peek();
    bool is_column_token = column.kind == Token::Kind::kBackquoted ||
                           (column.kind == Token::Kind::kWord && !is_keyword(column, "AND") &&
                            !is_keyword(column, "OR"));
    if (!is_column_token) {
      return expected(column, "a column name");
    }
    advance();
    Node node;
    node.kind = Node::Kind::kPredicate;
    node.column = column.text;
    node.column_position = column.position;

    if (is_keyword(peek(), "IS")) {
      advance();
      node.op = Operator::kIsNull;
      if (is_keyword(peek(), "NOT")) {
        advance();
        node.negated = true;
      }
      if (!is_keyword(peek(), "NULL")) {
        return expected(peek(), "NULL after IS");
      }
      advance();
      return node;
    }
    if (is_keyword(peek(), "NOT")) {
      advance();
      node.negated = true;
    }
    const Token& op = peek();
    if (op.kind == Token::Kind::kOperator) {
      static const std::pair<const char*, Operator> kSymbols[] = {
          {"=", Operator::kEqual},           {"!=", Operator::kNotEqual},
          {"<>", Operator::kNotEqual},       {">", Operator::kGreater},
          {">=", Operator::kGreaterOrEqual}, {"<", Operator::kLess},
          {"<=", Operator::kLessOrEqual}};
      for (const auto& [symbol, value] : kSymbols) {
        if (op.text == symbol) node.op = value;
      }
      advance();
      return with_values(std::move(node), op, 1);
    }
    static const std::pair<const char*, Operator> kWords[] = {
        {"EQ", Operator::kEqual},   {"NE", Operator::kNotEqual},
        {"GT", Operator::kGreater}, {"GTE", Operator::kGreaterOrEqual},
        {"LT", Operator::kLess},    {"LTE", Operator::kLessOrEqual},
        {"LIKE", Operator::kLike},  {"CONTAINS", Operator::kContains}};
    for (const auto& [word, value] : kWords) {
      if (is_keyword(op, word)) {
        node.op = value;
        advance();
        return with_values(std::move(node), op, 1);
      }
    }
    if (is_keyword(op, "STARTS") || is_keyword(op, "ENDS")) {
      node.op = is_keyword(op, "STARTS") ? Operator::kStartsWith : Operator::kEndsWith;
      advance();
      if (!is_keyword(peek(), "WITH")) {
        return expected(peek(), "WITH after " + describe(op));
      }
      const Token& with = advance();
      return with_values(std::move(node), with, 1);
    }
    if (is_keyword(op, "IN")) {
      node.op = Operator::kIn;
      advance();
      return with_list(std::move(node), op);
    }
    if (is_keyword(op, "BETWEEN")) {
      node.op = Operator::kBetween;
      advance();
      auto low = parse_value(op);
      if (!low) return low.error();
      node.operands.push_back(std::move(*low));
      if (!is_keyword(peek(), "AND")) {
        return expected(peek(), "AND in BETWEEN");
      }
      const Token& conjunction = advance();
      auto high = parse_value(conjunction);
      if (!high) return high.error();
      node.operands.push_back(std::move(*high));
      return node;
    }
    return expected(op,
                    "an operator after " + (node.negated ? std::string("NOT") : describe(column)));
  }

  Result<Node> with_values(Node node, const Token& after, int count) {
    for (int index = 0; index < count; ++index) {
      auto value = parse_value(after);
      if (!value) return value.error();
      node.operands.push_back(std::move(*value));
    }
    return node;
  }

  Result<Node> with_list(Node node, const Token& in) {
    if (peek().kind != Token::Kind::kLeftParen) {
      return error_at(peek(), "Filter value lists must be wrapped in parentheses");
    }
    advance();
    while (true) {
      auto value = parse_value(node.operands.empty() ? in : tokens_[next_ - 1]);
      if (!value) return value.error();
      node.operands.push_back(std::move(*value));
      if (peek().kind == Token::Kind::kComma) {
        advance();
        continue;
      }
      if (peek().kind == Token::Kind::kRightParen) {
        advance();
        return node;
      }
      return expected(peek(), "',' or ')' in the IN list");
    }
  }

  Result<Operand> parse_value(const Token& after) {
    const Token& token = peek();
    Operand operand;
    operand.position = token.position;
    operand.text = token.text;
    switch (token.kind) {
      case Token::Kind::kQuoted:
        operand.literal = backend::Value::string(token.text);
        break;
      case Token::Kind::kPlaceholder:
        operand.kind = Operand::Kind::kPlaceholder;
        break;
      case Token::Kind::kLookup:
        operand.kind = Operand::Kind::kLookup;
        break;
      case Token::Kind::kWord:
        if (is_keyword(token, "NULL")) {
          return error_at(token, "null is only allowed as IS NULL or IS NOT NULL");
        }
        if (is_keyword(token, "AND") || is_keyword(token, "OR") || is_keyword(token, "NOT")) {
          return error_at(token, "expected a value after " + describe(after), true,
                          "quote a value that is a keyword");
        }
        operand.bare = true;
        operand.literal = type_bare_value(token.text);
        break;
      case Token::Kind::kLeftParen:
        return error_at(token, "a parenthesised value after " + describe(after) +
                                   " is not supported (inline SQL); quote the value");
      default:
        return expected(token, "a value after " + describe(after));
    }
    advance();
    return operand;
  }

  std::vector<Token> tokens_;
  size_t next_ = 0;
};

}  // namespace

Result<Node> parse(std::string_view text) {
  auto tokens = tokenize(text);
  if (!tokens) return tokens.error();
  return Parser(std::move(*tokens)).parse_filter();
}

}  // namespace lakegate::sql::filter
