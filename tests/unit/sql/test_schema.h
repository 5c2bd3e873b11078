// Test helpers for sql/: a fixed table schema with every kind of column
// (including awkward names), value rendering for expectations, and
// `unsafe_sql_text`, the injection invariant: a statement's SQL may contain
// only fixed keywords, `?`, numbers, punctuation and back-quoted identifiers
// of the schema's own columns (or lakegate's fixed aliases).
#pragma once

#include <cctype>
#include <set>
#include <string>
#include <string_view>

#include "core/table_schema.h"
#include "sql/spark_types.h"
#include "sql/sql_fragment.h"
#include "util/json_text.h"
#include "util/sql_identifier.h"

namespace lakegate::sql::testing {

inline catalog::TableSchema test_table() {
  catalog::TableSchema table;
  table.name = {"spark_catalog", "shop", "orders"};
  table.is_delta = true;
  table.provider = "delta";
  auto add = [&](std::string name, std::string type, bool nullable = true) {
    table.columns.push_back({std::move(name), std::move(type), nullable, "", false});
  };
  add("id", "bigint", false);
  add("name", "string");
  add("price", "decimal(10,2)");
  add("qty", "int");
  add("ratio", "double");
  add("active", "boolean");
  add("created", "date");
  add("updated", "timestamp");
  add("tags", "array<string>");
  add("attrs", "map<string,int>");
  add("info", "struct<a:int,b:string>");
  add("payload", "binary");
  add("weird` name", "string");
  add("Größe", "string");
  add("v", "variant");
  add("Select", "int");
  add("code", "varchar(8)");
  add("by_int", "map<int,string>");
  return table;
}

// int:1  dec:1.50  double:2.5  bool:true  null  str:"x"  bin:<base64>
inline std::string value_repr(const backend::Value& value) {
  using Kind = backend::Value::Kind;
  std::string out;
  switch (value.kind) {
    case Kind::kNull:
      return "null";
    case Kind::kBool:
      return std::string("bool:") + (value.bool_value ? "true" : "false");
    case Kind::kInt64:
      return "int:" + std::to_string(value.int_value);
    case Kind::kDouble:
      return "double:" + value_text(value);
    case Kind::kDecimal:
      return "dec:" + value.text;
    case Kind::kString:
      out = "str:";
      util::append_json_string(out, value.text);
      return out;
    case Kind::kBinary:
      out = "bin:";
      util::append_base64(out, value.text);
      return out;
  }
  return "?";
}

// Empty if `sql` is made only of allowed pieces; otherwise the first
// offending piece. `?` markers must number `param_count`.
inline std::string unsafe_sql_text(std::string_view sql, const catalog::TableSchema& table,
                                   size_t param_count) {
  std::set<std::string> identifiers = {util::quote_sql_identifier(table.name.catalog),
                                       util::quote_sql_identifier(table.name.schema),
                                       util::quote_sql_identifier(table.name.table),
                                       "`count`",
                                       "`COUNT_ALL`",
                                       "`grouped`"};
  for (const auto& column : table.columns) {
    identifiers.insert(util::quote_sql_identifier(column.name));
    for (const char* prefix : {"SUM_", "COUNT_", "AVG_", "MIN_", "MAX_"}) {
      identifiers.insert(util::quote_sql_identifier(prefix + column.name));
    }
  }
  static const std::set<std::string> kWords = {"SELECT",     "FROM",      "WHERE",
                                               "AND",        "OR",        "NOT",
                                               "IN",         "LIKE",      "ESCAPE",
                                               "IS",         "NULL",      "BETWEEN",
                                               "GROUP",      "BY",        "ORDER",
                                               "ASC",        "DESC",      "NULLS",
                                               "FIRST",      "LAST",      "LIMIT",
                                               "OFFSET",     "VERSION",   "TIMESTAMP",
                                               "AS",         "OF",        "count",
                                               "COUNT",      "SUM",       "AVG",
                                               "MIN",        "MAX",       "INSERT",
                                               "INTO",       "VALUES",    "UPDATE",
                                               "SET",        "DELETE",    "MERGE",
                                               "USING",      "ON",        "WHEN",
                                               "MATCHED",    "THEN",      "CASE",
                                               "ELSE",       "END",       "CAST",
                                               "BINARY",     "from_json", "map",
                                               "parse_json", "target",    "source",
                                               "true",       "false",     "map_from_entries"};
  static const std::set<std::string> kLiterals = {"'!'", "'mode'", "'FAILFAST'"};
  size_t markers = 0;
  size_t index = 0;
  while (index < sql.size()) {
    char c = sql[index];
    if (c == '`') {
      size_t end = index + 1;
      while (end < sql.size()) {
        if (sql[end] == '`' && end + 1 < sql.size() && sql[end + 1] == '`') {
          end += 2;
        } else if (sql[end] == '`') {
          break;
        } else {
          ++end;
        }
      }
      std::string quoted(sql.substr(index, end + 1 - index));
      bool has_column = quoted.rfind("`__lakegate_has_", 0) == 0;
      if (!identifiers.count(quoted) && !has_column) return quoted;
      index = end + 1;
    } else if (c == '\'') {
      size_t end = sql.find('\'', index + 1);
      if (end == std::string_view::npos) return std::string(sql.substr(index));
      std::string literal(sql.substr(index, end + 1 - index));
      if (!kLiterals.count(literal)) return literal;
      index = end + 1;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t end = index;
      while (end < sql.size() &&
             (std::isalnum(static_cast<unsigned char>(sql[end])) || sql[end] == '_'))
        ++end;
      std::string word(sql.substr(index, end - index));
      // Scalar type names (CAST(? AS decimal(10,2))) come from the schema.
      bool type_word = false;
      for (const auto& column : table.columns) {
        std::string_view type = column.spark_type;
        type = type.substr(0, type.find('('));
        if (categorize(type) != TypeCategory::kNested && type == word) type_word = true;
      }
      if (!kWords.count(word) && !type_word) return word;
      index = end;
    } else if (std::isdigit(static_cast<unsigned char>(c)) ||
               std::string_view("(),.=<>*? ").find(c) != std::string_view::npos) {
      if (c == '?') ++markers;
      ++index;
    } else {
      return std::string(1, c);
    }
  }
  if (markers != param_count) {
    return "marker count " + std::to_string(markers) + " != params " + std::to_string(param_count);
  }
  return "";
}

}  // namespace lakegate::sql::testing
