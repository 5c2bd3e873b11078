#include "backend/spark_connect/literal_binding.h"

#include <cctype>
#include <charconv>

namespace lakegate::backend::spark_connect {
namespace {

Error bad_decimal(std::string_view text) {
  constexpr size_t kShown = 64;
  std::string shown(text.substr(0, kShown));
  if (text.size() > kShown) shown += "…";
  return Error(ErrorCode::kBadRequest, "'" + shown + "' is not a decimal number");
}

bool all_digits(std::string_view text) {
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

Result<DecimalDigits> normalize_decimal(std::string_view text) {
  std::string_view rest = text;
  bool negative = false;
  if (!rest.empty() && (rest.front() == '+' || rest.front() == '-')) {
    negative = rest.front() == '-';
    rest.remove_prefix(1);
  }
  int exponent = 0;
  size_t e = rest.find_first_of("eE");
  if (e != std::string_view::npos) {
    std::string_view exponent_text = rest.substr(e + 1);
    rest = rest.substr(0, e);
    if (!exponent_text.empty() && exponent_text.front() == '+') exponent_text.remove_prefix(1);
    auto [end, ec] = std::from_chars(exponent_text.data(),
                                     exponent_text.data() + exponent_text.size(), exponent);
    if (exponent_text.empty() || ec != std::errc() ||
        end != exponent_text.data() + exponent_text.size() || exponent > 1000 || exponent < -1000) {
      return bad_decimal(text);
    }
  }
  size_t point = rest.find('.');
  std::string_view integer_part = rest.substr(0, point);
  std::string_view fraction_part =
      point == std::string_view::npos ? std::string_view() : rest.substr(point + 1);
  if ((integer_part.empty() && fraction_part.empty()) || !all_digits(integer_part) ||
      !all_digits(fraction_part)) {
    return bad_decimal(text);
  }

  // All digits, and how many of them sit after the point once the exponent
  // is applied.
  std::string digits = std::string(integer_part) + std::string(fraction_part);
  int scale = static_cast<int>(fraction_part.size()) - exponent;
  if (scale < 0) {
    digits.append(static_cast<size_t>(-scale), '0');
    scale = 0;
  }
  if (static_cast<size_t>(scale) > digits.size()) {
    digits.insert(0, static_cast<size_t>(scale) - digits.size(), '0');
  }
  size_t integer_digits = digits.size() - static_cast<size_t>(scale);
  // Drop leading zeros of the integer part, keeping one.
  size_t leading = 0;
  while (leading + 1 < integer_digits && digits[leading] == '0') ++leading;
  digits.erase(0, leading);
  integer_digits -= leading;

  size_t first_significant = digits.find_first_not_of('0');
  int significant = first_significant == std::string::npos
                        ? 1
                        : static_cast<int>(digits.size() - first_significant);
  DecimalDigits result;
  result.scale = scale;
  result.precision = std::max(significant, scale);
  if (result.precision < 1) result.precision = 1;
  if (result.precision > kMaxDecimalPrecision) {
    return Error(ErrorCode::kUnsupportedType, "decimal parameter has " +
                                                  std::to_string(result.precision) +
                                                  " digits; Spark decimals hold at most 38");
  }
  const bool is_zero = first_significant == std::string::npos;
  std::string rendered;
  rendered.reserve(digits.size() + 3);
  if (negative && !is_zero) rendered.push_back('-');
  if (integer_digits == 0) {
    rendered.push_back('0');
  } else {
    rendered.append(digits, 0, integer_digits);
  }
  if (scale > 0) {
    rendered.push_back('.');
    rendered.append(digits, integer_digits, std::string::npos);
  }
  result.text = std::move(rendered);
  return result;
}

Result<spark::connect::Expression> to_literal(const Value& value) {
  spark::connect::Expression expression;
  auto* literal = expression.mutable_literal();
  switch (value.kind) {
    case Value::Kind::kNull:
      literal->mutable_null()->mutable_null();
      break;
    case Value::Kind::kBool:
      literal->set_boolean(value.bool_value);
      break;
    case Value::Kind::kInt64:
      literal->set_long_(value.int_value);
      break;
    case Value::Kind::kDouble:
      literal->set_double_(value.double_value);
      break;
    case Value::Kind::kDecimal: {
      auto digits = normalize_decimal(value.text);
      if (!digits) return digits.error();
      auto* decimal = literal->mutable_decimal();
      decimal->set_value(digits->text);
      decimal->set_precision(digits->precision);
      decimal->set_scale(digits->scale);
      break;
    }
    case Value::Kind::kString:
      literal->set_string(value.text);
      break;
    case Value::Kind::kBinary:
      literal->set_binary(value.text);
      break;
    default:
      return Error(ErrorCode::kUnsupportedType, "parameter of an unknown value kind");
  }
  return expression;
}

Status bind_statement(const Statement& statement, spark::connect::SQL& sql) {
  sql.set_query(statement.sql);
  if (!statement.positional.empty() && !statement.named.empty()) {
    return Error(ErrorCode::kBadRequest,
                 "a statement cannot mix positional (?) and named (:name) parameters");
  }
  for (size_t index = 0; index < statement.positional.size(); ++index) {
    auto expression = to_literal(statement.positional[index]);
    if (!expression) {
      Error error = expression.error();
      error.message = "parameter " + std::to_string(index + 1) + ": " + error.message;
      return error;
    }
    *sql.add_pos_arguments() = std::move(*expression);
  }
  for (const auto& [raw_name, value] : statement.named) {
    std::string_view name = raw_name;
    if (!name.empty() && name.front() == ':') name.remove_prefix(1);
    if (name.empty()) return Error(ErrorCode::kBadRequest, "a named parameter has an empty name");
    auto expression = to_literal(value);
    if (!expression) {
      Error error = expression.error();
      error.message = "parameter '" + std::string(name) + "': " + error.message;
      return error;
    }
    (*sql.mutable_named_arguments())[std::string(name)] = std::move(*expression);
  }
  return ok_status();
}

}  // namespace lakegate::backend::spark_connect
