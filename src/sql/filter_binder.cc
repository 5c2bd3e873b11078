#include "sql/filter_binder.h"

#include "sql/filter_parser.h"
#include "sql/spark_types.h"

namespace lakegate::sql {
namespace {

using filter::Node;
using filter::Operand;
using filter::Operator;

Error bad_request_at(size_t position, std::string message) {
  return Error(ErrorCode::kBadRequest, std::move(message))
      .with("position", std::to_string(position));
}

FixedSql comparison_sql(Operator op) {
  switch (op) {
    case Operator::kNotEqual:
      return " <> ";
    case Operator::kGreater:
      return " > ";
    case Operator::kGreaterOrEqual:
      return " >= ";
    case Operator::kLess:
      return " < ";
    case Operator::kLessOrEqual:
      return " <= ";
    default:
      return " = ";
  }
}

class Binder {
 public:
  Binder(const catalog::TableSchema& table, const FilterParams& params, const LookupValues* lookups)
      : table_(table), params_(params), lookups_(lookups) {}

  Result<SqlFragment> bind(const Node& node) {
    switch (node.kind) {
      case Node::Kind::kAnd:
      case Node::Kind::kOr: {
        SqlFragment out("(");
        for (size_t index = 0; index < node.children.size(); ++index) {
          if (index > 0) out.add(node.kind == Node::Kind::kAnd ? FixedSql(" AND ") : " OR ");
          auto child = bind(node.children[index]);
          if (!child) return child.error();
          out.add(*child);
        }
        return out.add(")");
      }
      case Node::Kind::kNot: {
        if (node.children.size() != 1) return Error(ErrorCode::kInternal, "NOT without operand");
        auto child = bind(node.children.front());
        if (!child) return child.error();
        return SqlFragment("(NOT ").add(*child).add(")");
      }
      case Node::Kind::kPredicate:
        return bind_predicate(node);
    }
    return Error(ErrorCode::kInternal, "unknown filter node");
  }

 private:
  Result<SqlFragment> bind_predicate(const Node& node) {
    const catalog::Column* column = table_.find(node.column);
    if (column == nullptr) {
      return bad_request_at(node.column_position,
                            "Invalid or unparsable field in filter request: '" + node.column + "'");
    }
    // LIKE patterns and string columns take every value as text (a bare `007`
    // stays "007"), so Spark never has to cast the column itself.
    bool as_text = categorize(column->spark_type) == TypeCategory::kString ||
                   node.op == Operator::kLike || node.op == Operator::kContains ||
                   node.op == Operator::kStartsWith || node.op == Operator::kEndsWith;
    std::vector<backend::Value> values;
    for (const Operand& operand : node.operands) {
      auto value = resolve(operand, as_text);
      if (!value) return value.error();
      values.push_back(std::move(*value));
    }
    SqlFragment out("(");
    switch (node.op) {
      case Operator::kIsNull:
        out.add_column(*column).add(node.negated ? FixedSql(" IS NOT NULL") : " IS NULL");
        break;
      case Operator::kIn:
        out.add_column(*column).add(node.negated ? FixedSql(" NOT IN (") : " IN (");
        for (size_t index = 0; index < values.size(); ++index) {
          if (index > 0) out.add(", ");
          out.add_param(std::move(values[index]));
        }
        out.add(")");
        break;
      case Operator::kBetween:
        out.add_column(*column).add(node.negated ? FixedSql(" NOT BETWEEN ") : " BETWEEN ");
        out.add_param(std::move(values.at(0))).add(" AND ").add_param(std::move(values.at(1)));
        break;
      case Operator::kLike:
        out.add_column(*column).add(node.negated ? FixedSql(" NOT LIKE ") : " LIKE ");
        out.add_param(backend::Value::string(value_text(values.at(0))));
        break;
      case Operator::kContains:
      case Operator::kStartsWith:
      case Operator::kEndsWith: {
        std::string escaped = escape_like(value_text(values.at(0)));
        std::string pattern = node.op == Operator::kStartsWith ? escaped : "%" + escaped;
        if (node.op != Operator::kEndsWith) pattern += "%";
        out.add_column(*column).add(node.negated ? FixedSql(" NOT LIKE ") : " LIKE ");
        out.add_param(backend::Value::string(std::move(pattern))).add(" ESCAPE '!'");
        break;
      }
      default:
        if (node.negated) out.add("NOT (");
        out.add_column(*column).add(comparison_sql(node.op)).add_param(std::move(values.at(0)));
        if (node.negated) out.add(")");
        break;
    }
    return out.add(")");
  }

  // The bound value of `operand`; `as_text`: every scalar as text, a bare
  // token exactly as written.
  Result<backend::Value> resolve(const Operand& operand, bool as_text) {
    backend::Value value;
    switch (operand.kind) {
      case Operand::Kind::kLiteral:
        if (as_text && operand.bare) return backend::Value::string(operand.text);
        value = operand.literal;
        break;
      case Operand::Kind::kPlaceholder: {
        const ClientValue* found = find_param(operand.text);
        if (found == nullptr) {
          return bad_request_at(operand.position, "filter: unknown parameter ':" + operand.text +
                                                      "' at position " +
                                                      std::to_string(operand.position));
        }
        if (found->is_json()) {
          return bad_request_at(operand.position,
                                "filter: parameter ':" + operand.text + "' must be a scalar value");
        }
        value = found->scalar;
        break;
      }
      case Operand::Kind::kLookup: {
        auto found = lookups_ ? lookups_->find(operand.text) : LookupValues::const_iterator();
        if (lookups_ == nullptr || found == lookups_->end()) {
          return bad_request_at(operand.position, "filter: unknown lookup '{" + operand.text +
                                                      "}' at position " +
                                                      std::to_string(operand.position));
        }
        value = found->second;
        break;
      }
    }
    if (value.kind == backend::Value::Kind::kNull) {
      return bad_request_at(operand.position, "filter: the value at position " +
                                                  std::to_string(operand.position) +
                                                  " is null; use IS NULL or IS NOT NULL");
    }
    if (as_text && value.kind != backend::Value::Kind::kString &&
        value.kind != backend::Value::Kind::kBinary) {
      return backend::Value::string(value_text(value));
    }
    return value;
  }

  const ClientValue* find_param(std::string_view name) const {
    for (const auto& [key, value] : params_) {
      std::string_view bare = key;
      if (!bare.empty() && bare.front() == ':') bare.remove_prefix(1);
      if (bare == name) return &value;
    }
    return nullptr;
  }

  const catalog::TableSchema& table_;
  const FilterParams& params_;
  const LookupValues* lookups_;
};

}  // namespace

std::string escape_like(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '%' || c == '_' || c == '!') out.push_back('!');
    out.push_back(c);
  }
  return out;
}

Result<SqlFragment> bind_filter(const filter::Node& node, const catalog::TableSchema& table,
                                const FilterParams& params, const LookupValues* lookups) {
  return Binder(table, params, lookups).bind(node);
}

Result<SqlFragment> bind_filter_text(std::string_view text, const catalog::TableSchema& table,
                                     const FilterParams& params, const LookupValues* lookups) {
  if (text.find_first_not_of(" \t\r\n\f\v") == std::string_view::npos) return SqlFragment();
  auto node = filter::parse(text);
  if (!node) return node.error();
  return bind_filter(*node, table, params, lookups);
}

}  // namespace lakegate::sql
