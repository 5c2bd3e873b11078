#include "auth/record_check.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include "util/ascii.h"

namespace lakegate::auth {
namespace {

using sql::filter::Node;
using sql::filter::Operand;
using sql::filter::Operator;

// A scalar as the evaluator sees it: null, or text with an optional number.
struct Scalar {
  bool null = true;
  std::string text;
  std::optional<double> number;
};

Scalar from_value(const backend::Value& value) {
  using Kind = backend::Value::Kind;
  Scalar s;
  switch (value.kind) {
    case Kind::kNull:
      return s;
    case Kind::kBool:
      s.text = value.bool_value ? "true" : "false";
      break;
    case Kind::kInt64:
      s.text = std::to_string(value.int_value);
      s.number = static_cast<double>(value.int_value);
      break;
    case Kind::kDouble:
      s.text = std::to_string(value.double_value);
      s.number = value.double_value;
      break;
    default:
      s.text = value.text;
      break;
  }
  s.null = false;
  if (!s.number) {
    double parsed = 0;
    const char* begin = s.text.data();
    const char* end = begin + s.text.size();
    auto [ptr, ec] = std::from_chars(begin, end, parsed);
    if (ec == std::errc() && ptr == end && !s.text.empty()) s.number = parsed;
  }
  return s;
}

std::optional<Scalar> operand_value(const Operand& operand, const sql::LookupValues& lookups) {
  switch (operand.kind) {
    case Operand::Kind::kLiteral:
      return from_value(operand.literal);
    case Operand::Kind::kLookup: {
      auto it = lookups.find(operand.text);
      if (it == lookups.end()) return std::nullopt;  // undecidable: fail closed
      return from_value(it->second);
    }
    case Operand::Kind::kPlaceholder:
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<Scalar> column_value(const sql::Record& record, const std::string& column) {
  for (const auto& [name, value] : record) {
    if (util::ascii_lower(name) != util::ascii_lower(column)) continue;
    if (value.is_json()) return std::nullopt;
    return from_value(value.scalar);
  }
  return Scalar{};  // not set: NULL
}

// -1, 0, 1; nullopt when either side is null.
std::optional<int> compare(const Scalar& a, const Scalar& b) {
  if (a.null || b.null) return std::nullopt;
  if (a.number && b.number) return *a.number < *b.number ? -1 : (*a.number > *b.number ? 1 : 0);
  return a.text < b.text ? -1 : (a.text > b.text ? 1 : 0);
}

// true / false / nullopt (unknown or undecidable → treated as not satisfied).
std::optional<bool> evaluate(const Node& node, const sql::Record& record,
                             const sql::LookupValues& lookups) {
  switch (node.kind) {
    case Node::Kind::kAnd: {
      bool unknown = false;
      for (const auto& child : node.children) {
        auto value = evaluate(child, record, lookups);
        if (value && !*value) return false;
        unknown = unknown || !value;
      }
      if (unknown) return std::nullopt;
      return true;
    }
    case Node::Kind::kOr: {
      bool unknown = false;
      for (const auto& child : node.children) {
        auto value = evaluate(child, record, lookups);
        if (value && *value) return true;
        unknown = unknown || !value;
      }
      if (unknown) return std::nullopt;
      return false;
    }
    case Node::Kind::kNot: {
      auto value = evaluate(node.children.front(), record, lookups);
      if (!value) return std::nullopt;
      return !*value;
    }
    case Node::Kind::kPredicate:
      break;
  }
  auto column = column_value(record, node.column);
  if (!column) return std::nullopt;
  std::optional<bool> result;
  if (node.op == Operator::kIsNull) {
    result = column->null;
  } else if (node.op == Operator::kIn) {
    if (column->null) return std::nullopt;
    bool found = false;
    for (const auto& operand : node.operands) {
      auto value = operand_value(operand, lookups);
      if (!value) return std::nullopt;
      auto order = compare(*column, *value);
      found = found || (order && *order == 0);
    }
    result = found;
  } else if (node.op == Operator::kContains || node.op == Operator::kStartsWith ||
             node.op == Operator::kEndsWith) {
    if (node.operands.size() != 1) return std::nullopt;
    auto value = operand_value(node.operands.front(), lookups);
    if (!value || value->null || column->null) return std::nullopt;
    const std::string& text = column->text;
    const std::string& part = value->text;
    if (node.op == Operator::kContains) {
      result = text.find(part) != std::string::npos;
    } else if (node.op == Operator::kStartsWith) {
      result = text.rfind(part, 0) == 0;
    } else {
      result = text.size() >= part.size() &&
               text.compare(text.size() - part.size(), part.size(), part) == 0;
    }
  } else if (node.op == Operator::kLike || node.op == Operator::kBetween) {
    return std::nullopt;  // not decided here: refuse
  } else {
    if (node.operands.size() != 1) return std::nullopt;
    auto value = operand_value(node.operands.front(), lookups);
    if (!value) return std::nullopt;
    auto order = compare(*column, *value);
    if (!order) return std::nullopt;
    switch (node.op) {
      case Operator::kEqual:
        result = *order == 0;
        break;
      case Operator::kNotEqual:
        result = *order != 0;
        break;
      case Operator::kGreater:
        result = *order > 0;
        break;
      case Operator::kGreaterOrEqual:
        result = *order >= 0;
        break;
      case Operator::kLess:
        result = *order < 0;
        break;
      case Operator::kLessOrEqual:
        result = *order <= 0;
        break;
      default:
        return std::nullopt;
    }
  }
  if (result && node.negated) return !*result;
  return result;
}

void collect_columns(const Node& node, std::set<std::string>& out) {
  if (node.kind == Node::Kind::kPredicate) {
    out.insert(util::ascii_lower(node.column));
    return;
  }
  for (const auto& child : node.children) collect_columns(child, out);
}

}  // namespace

bool record_satisfies(const sql::filter::Node& filter, const sql::Record& record,
                      const sql::LookupValues& lookups) {
  auto value = evaluate(filter, record, lookups);
  return value && *value;
}

std::set<std::string> filter_columns(const sql::filter::Node& filter) {
  std::set<std::string> columns;
  collect_columns(filter, columns);
  return columns;
}

}  // namespace lakegate::auth
