// Golden tests (STYLE.md §8): every tests/unit/sql/golden/*.test file holds
// cases separated by `=== <title>` lines. A case is directives, `----`, and
// the expected output: the SQL on one line, then `params: v1, v2, …`, or
// `error: <message>`.
//
// Directives: the first names the kind — `filter: <text>` (bind a filter), or
// `select:`, `count:`, `insert:`, `update:`, `merge:`, `delete:` — followed
// by options: filter, param (`name = value`), lookup (`name = value`), policy
// (filter text), fields, order (`a desc nulls last, b`), group, ids,
// id_field, limit, offset, more (fetch one more), version, timestamp,
// records (JSON array), values (JSON object). Values are int:1, dec:1.50,
// double:2.5, bool:true, null, str:text, json:[…]; in JSON records a string
// "dec:1.50" is a decimal, "bin:…" raw bytes. Every successful statement is
// also checked against the injection invariant (test_schema.h).
//
// LAKEGATE_GOLDEN_UPDATE=1 rewrites the expected outputs in place.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sql/filter_parser.h"
#include "sql/table_statements.h"
#include "test_schema.h"

namespace lakegate::sql {
namespace {

using testing::test_table;
using testing::unsafe_sql_text;
using testing::value_repr;

struct Case {
  std::string title;
  int line = 0;
  std::vector<std::pair<std::string, std::string>> directives;
  std::string expected;
};

std::string trim(std::string text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  size_t end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream stream(text);
  while (std::getline(stream, part, separator)) {
    if (!trim(part).empty()) parts.push_back(trim(part));
  }
  return parts;
}

ClientValue parse_value(const std::string& spec) {
  ClientValue value;
  auto after = [&](size_t n) { return spec.substr(n); };
  if (spec == "null") return value;
  if (spec.rfind("int:", 0) == 0) value.scalar = backend::Value::int64(std::stoll(after(4)));
  if (spec.rfind("dec:", 0) == 0) value.scalar = backend::Value::decimal(after(4));
  if (spec.rfind("double:", 0) == 0) value.scalar = backend::Value::float64(std::stod(after(7)));
  if (spec.rfind("bool:", 0) == 0) value.scalar = backend::Value::boolean(after(5) == "true");
  if (spec.rfind("str:", 0) == 0) value.scalar = backend::Value::string(after(4));
  if (spec.rfind("json:", 0) == 0) value.json = after(5);
  return value;
}

ClientValue json_value(simdjson::dom::element element) {
  ClientValue value;
  switch (element.type()) {
    case simdjson::dom::element_type::INT64:
      value.scalar = backend::Value::int64(int64_t(element));
      break;
    case simdjson::dom::element_type::DOUBLE:
      value.scalar = backend::Value::float64(double(element));
      break;
    case simdjson::dom::element_type::BOOL:
      value.scalar = backend::Value::boolean(bool(element));
      break;
    case simdjson::dom::element_type::STRING: {
      std::string text{std::string_view(element)};
      if (text.rfind("dec:", 0) == 0) {
        value.scalar = backend::Value::decimal(text.substr(4));
      } else if (text.rfind("bin:", 0) == 0) {
        value.scalar = backend::Value::binary(text.substr(4));
      } else {
        value.scalar = backend::Value::string(text);
      }
      break;
    }
    case simdjson::dom::element_type::ARRAY:
    case simdjson::dom::element_type::OBJECT:
      value.json = simdjson::minify(element);
      break;
    default:
      break;
  }
  return value;
}

Record json_record(simdjson::dom::element element) {
  Record record;
  for (auto field : simdjson::dom::object(element)) {
    record.emplace_back(std::string(field.key), json_value(field.value));
  }
  return record;
}

std::vector<Record> json_records(const std::string& text) {
  simdjson::dom::parser parser;
  std::vector<Record> records;
  for (auto element : simdjson::dom::array(parser.parse(simdjson::padded_string(text)))) {
    records.push_back(json_record(element));
  }
  return records;
}

std::vector<OrderTerm> parse_order(const std::string& text) {
  std::vector<OrderTerm> terms;
  for (const auto& item : split(text, ',')) {
    auto words = split(item, ' ');
    OrderTerm term;
    term.column = words.at(0);
    for (size_t index = 1; index < words.size(); ++index) {
      if (words[index] == "desc") term.descending = true;
      if (words[index] == "first") term.nulls_first = true;
      if (words[index] == "last") term.nulls_first = false;
    }
    terms.push_back(term);
  }
  return terms;
}

std::string render(const Result<backend::Statement>& statement) {
  if (!statement) return "error: " + statement.error().message;
  std::string out = statement->sql + "\nparams:";
  for (size_t index = 0; index < statement->positional.size(); ++index) {
    out += (index == 0 ? " " : ", ") + value_repr(statement->positional[index]);
  }
  return out;
}

Result<backend::Statement> run(const Case& test_case) {
  auto table = test_table();
  const std::string& kind = test_case.directives.front().first;
  ReadRequest read;
  FilterParams params;
  PolicyFilter policy;
  std::vector<std::string> ids, id_fields;
  std::vector<Record> records;
  Record values;
  bool more = false;
  std::string filter;
  for (const auto& [key, value] : test_case.directives) {
    auto name_value = [&value = value]() {
      size_t equals = value.find('=');
      return std::make_pair(trim(value.substr(0, equals)),
                            parse_value(trim(value.substr(equals + 1))));
    };
    if (key == "filter") filter = value;
    if (key == "param") params.push_back(name_value());
    if (key == "lookup") policy.lookups[name_value().first] = name_value().second.scalar;
    if (key == "policy") {
      auto node = filter::parse(value);
      if (!node) return node.error();
      policy.expression = std::make_shared<filter::Node>(std::move(*node));
    }
    if (key == "fields") read.fields = split(value, ',');
    if (key == "order") read.order = parse_order(value);
    if (key == "group") read.group = split(value, ',');
    if (key == "ids") ids = split(value, ',');
    if (key == "id_field") id_fields = split(value, ',');
    if (key == "limit") read.limit = std::stoll(value);
    if (key == "offset") read.offset = std::stoll(value);
    if (key == "more") more = value == "true";
    if (key == "version") read.time_travel.version = std::stoll(value);
    if (key == "timestamp") read.time_travel.timestamp = value;
    if (key == "records") records = json_records(value);
    if (key == "values") {
      simdjson::dom::parser parser;
      values = json_record(parser.parse(simdjson::padded_string(value)));
    }
  }
  read.filter = filter;
  read.params = params;
  read.ids = ids;
  read.id_fields = id_fields;
  if (kind == "filter") {
    auto fragment = bind_filter_text(filter, table, params, &policy.lookups);
    if (!fragment) return fragment.error();
    return std::move(*fragment).to_statement();
  }
  if (kind == "select") return build_select(table, read, more, policy);
  if (kind == "count") return build_count(table, read, policy);
  if (kind == "insert") return build_insert(table, InsertRequest{records});
  if (kind == "update") {
    return build_update(table, UpdateRequest{values, filter, params, ids, id_fields}, policy);
  }
  if (kind == "merge") return build_merge(table, MergeRequest{records, id_fields});
  if (kind == "delete")
    return build_delete(table, DeleteRequest{filter, params, ids, id_fields}, policy);
  return Error(ErrorCode::kInternal, "unknown golden kind " + kind);
}

std::vector<Case> read_cases(const std::filesystem::path& path, std::vector<std::string>& lines) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  std::vector<Case> cases;
  bool in_expected = false;
  for (size_t index = 0; index < lines.size(); ++index) {
    const std::string& text = lines[index];
    if (text.rfind("===", 0) == 0) {
      cases.push_back({trim(text.substr(3)), static_cast<int>(index + 1), {}, ""});
      in_expected = false;
    } else if (cases.empty() || (!in_expected && (text.empty() || text[0] == '#'))) {
      continue;
    } else if (text == "----") {
      in_expected = true;
    } else if (in_expected) {
      cases.back().expected += text + "\n";
    } else {
      size_t colon = text.find(':');
      std::string value = colon == std::string::npos ? "" : text.substr(colon + 1);
      if (!value.empty() && value[0] == ' ') value.erase(0, 1);  // one space after the colon
      cases.back().directives.emplace_back(trim(text.substr(0, colon)), value);
    }
  }
  for (auto& test_case : cases) test_case.expected = trim(test_case.expected);
  return cases;
}

TEST(SqlGolden, AllFiles) {
  bool update = std::getenv("LAKEGATE_GOLDEN_UPDATE") != nullptr;
  int total = 0;
  for (const auto& entry : std::filesystem::directory_iterator(LAKEGATE_SQL_GOLDEN_DIR)) {
    if (entry.path().extension() != ".test") continue;
    std::vector<std::string> lines;
    auto cases = read_cases(entry.path(), lines);
    std::string rewritten;
    size_t next_line = 0;
    for (const auto& test_case : cases) {
      ++total;
      SCOPED_TRACE(entry.path().filename().string() + ":" + std::to_string(test_case.line) + " " +
                   test_case.title);
      ASSERT_FALSE(test_case.directives.empty());
      auto statement = run(test_case);
      std::string actual = trim(render(statement));
      if (statement) {
        EXPECT_EQ(unsafe_sql_text(statement->sql, test_table(), statement->positional.size()), "")
            << statement->sql;
      }
      if (!update) {
        EXPECT_EQ(actual, test_case.expected);
        continue;
      }
      // Copy the case's directive lines, then write the actual output.
      size_t line = static_cast<size_t>(test_case.line) - 1;
      while (next_line < line) rewritten += lines[next_line++] + "\n";
      while (next_line < lines.size() && lines[next_line] != "----") {
        rewritten += lines[next_line++] + "\n";
      }
      rewritten += "----\n" + actual + "\n\n";
      ++next_line;
      while (next_line < lines.size() && lines[next_line].rfind("===", 0) != 0) ++next_line;
    }
    if (update) std::ofstream(entry.path()) << rewritten;
  }
  EXPECT_GT(total, 100);
}

}  // namespace
}  // namespace lakegate::sql
