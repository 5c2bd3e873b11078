#include "sql/filter_ast.h"

#include "sql/spark_types.h"

namespace lakegate::sql::filter {
namespace {

const char* operator_text(Operator op, bool negated) {
  switch (op) {
    case Operator::kEqual:
      return "=";
    case Operator::kNotEqual:
      return "<>";
    case Operator::kGreater:
      return ">";
    case Operator::kGreaterOrEqual:
      return ">=";
    case Operator::kLess:
      return "<";
    case Operator::kLessOrEqual:
      return "<=";
    case Operator::kIn:
      return negated ? "NOT IN" : "IN";
    case Operator::kLike:
      return negated ? "NOT LIKE" : "LIKE";
    case Operator::kContains:
      return negated ? "NOT CONTAINS" : "CONTAINS";
    case Operator::kStartsWith:
      return negated ? "NOT STARTS WITH" : "STARTS WITH";
    case Operator::kEndsWith:
      return negated ? "NOT ENDS WITH" : "ENDS WITH";
    case Operator::kBetween:
      return negated ? "NOT BETWEEN" : "BETWEEN";
    case Operator::kIsNull:
      return negated ? "IS NOT NULL" : "IS NULL";
  }
  return "?";
}

bool is_comparison(Operator op) {
  return op == Operator::kEqual || op == Operator::kNotEqual || op == Operator::kGreater ||
         op == Operator::kGreaterOrEqual || op == Operator::kLess || op == Operator::kLessOrEqual;
}

std::string operand_text(const Operand& operand) {
  switch (operand.kind) {
    case Operand::Kind::kPlaceholder:
      return ":" + operand.text;
    case Operand::Kind::kLookup:
      return "{" + operand.text + "}";
    case Operand::Kind::kLiteral:
      break;
  }
  const backend::Value& value = operand.literal;
  switch (value.kind) {
    case backend::Value::Kind::kString: {
      std::string out = "'";
      for (char c : value.text) {
        if (c == '\'') out.push_back('\'');
        out.push_back(c);
      }
      return out + "'";
    }
    case backend::Value::Kind::kDecimal:
      return value.text + "BD";
    case backend::Value::Kind::kDouble:
      return value_text(value) + "D";
    case backend::Value::Kind::kNull:
      return "NULL";
    default:
      return value_text(value);
  }
}

}  // namespace

std::string to_string(const Node& node) {
  switch (node.kind) {
    case Node::Kind::kAnd:
    case Node::Kind::kOr: {
      std::string out = "(";
      for (size_t index = 0; index < node.children.size(); ++index) {
        if (index > 0) out += node.kind == Node::Kind::kAnd ? " AND " : " OR ";
        out += to_string(node.children[index]);
      }
      return out + ")";
    }
    case Node::Kind::kNot:
      return "NOT " + (node.children.empty() ? std::string("?") : to_string(node.children[0]));
    case Node::Kind::kPredicate:
      break;
  }
  std::string out = node.column + " ";
  if (node.negated && is_comparison(node.op)) out += "NOT ";
  out += operator_text(node.op, node.negated);
  if (node.op == Operator::kIn) {
    out += " (";
    for (size_t index = 0; index < node.operands.size(); ++index) {
      if (index > 0) out += ", ";
      out += operand_text(node.operands[index]);
    }
    return out + ")";
  }
  if (node.op == Operator::kBetween && node.operands.size() == 2) {
    return out + " " + operand_text(node.operands[0]) + " AND " + operand_text(node.operands[1]);
  }
  for (const auto& operand : node.operands) out += " " + operand_text(operand);
  return out;
}

}  // namespace lakegate::sql::filter
