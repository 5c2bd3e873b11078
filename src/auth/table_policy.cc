#include "auth/table_policy.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <iterator>
#include <memory>
#include <string_view>
#include <utility>

#include "sql/filter_parser.h"
#include "util/ascii.h"

namespace lakegate::auth {
namespace {

// What role_filter_text returns for a row build_table_policy rejects: text
// the filter parser always refuses (it starts with an operator), so a caller
// that parses it fails closed instead of dropping the filter.
constexpr std::string_view kInvalidFilterText = "<invalid role filter>";

// Filter-grammar keywords: a column with one of these names is back-quoted
// so the parser reads it as a column.
constexpr std::array<std::string_view, 22> kKeywords = {
    "AND",  "OR",   "NOT", "IS", "IN", "NULL", "LIKE",     "BETWEEN", "NOR", "XOR",  "STARTS",
    "ENDS", "WITH", "EQ",  "NE", "GT", "GTE",  "CONTAINS", "LT",      "LTE", "TRUE", "FALSE"};

using util::trim_whitespace;

// Upper-cased with runs of white space collapsed: " not  in " → "NOT IN".
std::string canonical_operator(std::string_view op) {
  std::string out;
  bool pending_space = false;
  for (char c : trim_whitespace(op)) {
    if (util::is_ascii_space(c)) {
      pending_space = true;
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(util::ascii_upper_char(c));
  }
  return out;
}

// The filter-grammar spelling of a stored operator; empty when unknown.
std::string_view grammar_operator(const std::string& op) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 20> kOperators = {{
      {"=", "="},
      {"EQ", "="},
      {"!=", "!="},
      {"<>", "!="},
      {"NE", "!="},
      {">", ">"},
      {"GT", ">"},
      {">=", ">="},
      {"GTE", ">="},
      {"<", "<"},
      {"LT", "<"},
      {"<=", "<="},
      {"LTE", "<="},
      {"IN", "IN"},
      {"NOT IN", "NOT IN"},
      {"LIKE", "LIKE"},
      {"CONTAINS", "CONTAINS"},
      {"STARTS WITH", "STARTS WITH"},
      {"ENDS WITH", "ENDS WITH"},
      {"IS NULL", "IS NULL"},
  }};
  if (op == "IS NOT NULL") return "IS NOT NULL";
  for (const auto& [stored, grammar] : kOperators) {
    if (op == stored) return grammar;
  }
  return {};
}

bool is_plain_name(std::string_view name) {
  if (name.empty()) return false;
  auto head = static_cast<unsigned char>(name.front());
  if (!std::isalpha(head) && head != '_') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    auto byte = static_cast<unsigned char>(c);
    return byte < 0x80 && (std::isalnum(byte) || byte == '_');
  });
}

// Exactly one `{lookup}` token, with the lexer's name characters.
bool is_lookup_token(std::string_view value) {
  if (value.size() < 3 || value.front() != '{' || value.back() != '}') return false;
  std::string_view name = value.substr(1, value.size() - 2);
  return std::all_of(name.begin(), name.end(), [](char c) {
    auto byte = static_cast<unsigned char>(c);
    return byte < 0x80 && (std::isalnum(byte) || byte == '_' || byte == '.');
  });
}

// A lookup token as is; anything else as a '…' literal with ' doubled.
std::string value_text(std::string_view value) {
  if (is_lookup_token(value)) return std::string(value);
  std::string out = "'";
  for (char c : value) {
    if (c == '\'') out.push_back('\'');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

// "(v1, v2)" from "v1,v2" or "(v1,v2)"; items trimmed, each quoted or a lookup.
Result<std::string> list_text(std::string_view value) {
  std::string_view items = trim_whitespace(value);
  if (items.size() >= 2 && items.front() == '(' && items.back() == ')') {
    items = trim_whitespace(items.substr(1, items.size() - 2));
  }
  if (items.empty()) {
    return Error(ErrorCode::kBadRequest, "IN needs a comma-separated list of values");
  }
  std::string out = "(";
  size_t start = 0;
  while (true) {
    size_t comma = items.find(',', start);
    std::string_view item = trim_whitespace(items.substr(start, comma - start));
    if (start > 0) out += ", ";
    out += value_text(item);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out + ")";
}

// One row's filter text; errors name what is wrong (without the component).
Result<std::string> filter_text(const store::RoleServiceAccess& row) {
  std::string joiner = canonical_operator(row.filter_op);
  if (joiner.empty()) joiner = "AND";
  if (joiner != "AND" && joiner != "OR") {
    return Error(ErrorCode::kBadRequest,
                 "filter_op must be AND or OR, not '" + row.filter_op + "'");
  }
  std::string out;
  for (const store::RoleFilter& filter : row.filters) {
    std::string_view name = trim_whitespace(filter.name);
    if (!is_plain_name(name)) {
      return Error(ErrorCode::kBadRequest, "field name '" + filter.name +
                                               "' is not a plain column name "
                                               "([A-Za-z_][A-Za-z0-9_]*)");
    }
    std::string op = canonical_operator(filter.op);
    std::string_view grammar = grammar_operator(op);
    if (grammar.empty()) {
      return Error(ErrorCode::kBadRequest, "unknown operator '" + filter.op + "'");
    }
    std::string condition = "(";
    bool keyword =
        std::find(kKeywords.begin(), kKeywords.end(), util::ascii_upper(name)) != kKeywords.end();
    condition += keyword ? "`" + std::string(name) + "`" : std::string(name);
    condition += " ";
    condition += grammar;
    if (grammar == "IN" || grammar == "NOT IN") {
      auto list = list_text(filter.value);
      if (!list) return list.error();
      condition += " " + *list;
    } else if (grammar != "IS NULL" && grammar != "IS NOT NULL") {
      condition += " " + value_text(filter.value);
    }
    condition += ")";
    if (!out.empty()) out += " " + joiner + " ";
    out += condition;
  }
  return out;
}

std::string lower_name(std::string_view name) {
  return util::ascii_lower(trim_whitespace(name));
}

std::set<std::string> name_set(const std::vector<std::string>& names) {
  std::set<std::string> out;
  for (const auto& name : names) {
    std::string lowered = lower_name(name);
    if (!lowered.empty()) out.insert(std::move(lowered));
  }
  return out;
}

std::set<std::string> intersect(const std::set<std::string>& a, const std::set<std::string>& b) {
  std::set<std::string> out;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::inserter(out, out.end()));
  return out;
}

Error invalid_filter(const store::RoleServiceAccess& row, const Error& cause) {
  Error error(ErrorCode::kBadRequest,
              "role filter on component '" + row.component + "' is invalid: " + cause.message);
  error.context = cause.context;
  return error;
}

}  // namespace

std::string role_filter_text(const store::RoleServiceAccess& row) {
  auto text = filter_text(row);
  return text ? *text : std::string(kInvalidFilterText);
}

Result<TablePolicy> build_table_policy(const std::vector<const store::RoleServiceAccess*>& rows,
                                       const std::map<std::string, std::string>& lookups) {
  if (rows.empty()) {
    return Error(ErrorCode::kForbidden, "no role access row grants this request");
  }
  TablePolicy policy;
  for (const auto& [name, value] : lookups) {
    policy.row_filter.lookups.emplace(name, backend::Value::string(value));
  }

  // Every row's filter is checked, even when an unfiltered row makes them
  // moot, so a broken stored filter is reported rather than hidden.
  bool unfiltered = false;
  std::vector<sql::filter::Node> filters;
  for (const store::RoleServiceAccess* row : rows) {
    if (row == nullptr) return Error(ErrorCode::kInternal, "null role access row");
    if (row->filters.empty()) {
      unfiltered = true;
      continue;
    }
    auto text = filter_text(*row);
    if (!text) return invalid_filter(*row, text.error());
    auto node = sql::filter::parse(*text);
    if (!node) return invalid_filter(*row, node.error());
    filters.push_back(std::move(*node));
  }
  if (!unfiltered) {
    if (filters.size() == 1) {
      policy.row_filter.expression =
          std::make_shared<const sql::filter::Node>(std::move(filters[0]));
    } else {
      sql::filter::Node either;
      either.kind = sql::filter::Node::Kind::kOr;
      either.children = std::move(filters);
      policy.row_filter.expression = std::make_shared<const sql::filter::Node>(std::move(either));
    }
  }

  // A column is hidden only if every row hides it, and read-only only if
  // every row hides it or marks it read-only (and some row lets it be read).
  std::set<std::string> hidden = name_set(rows.front()->hidden_fields);
  std::set<std::string> not_writable = name_set(rows.front()->read_only_fields);
  not_writable.merge(name_set(rows.front()->hidden_fields));
  for (size_t index = 1; index < rows.size(); ++index) {
    hidden = intersect(hidden, name_set(rows[index]->hidden_fields));
    std::set<std::string> row_not_writable = name_set(rows[index]->read_only_fields);
    row_not_writable.merge(name_set(rows[index]->hidden_fields));
    not_writable = intersect(not_writable, row_not_writable);
  }
  for (const auto& name : not_writable) {
    if (!hidden.count(name)) policy.read_only_columns.insert(name);
  }
  policy.hidden_columns = std::move(hidden);
  return policy;
}

}  // namespace lakegate::auth
