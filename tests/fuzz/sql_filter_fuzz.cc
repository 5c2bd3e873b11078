// libFuzzer target: DreamFactory filter text → lexer → parser → binder →
// statements, against the fixed test schema (tests/unit/sql/test_schema.h).
// Invariants: no crash; errors are only kBadRequest; every accepted filter
// yields SQL made only of fixed keywords, schema identifiers, numbers and
// `?` markers, with exactly as many markers as bound parameters.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "sql/filter_parser.h"
#include "sql/table_statements.h"
#include "test_schema.h"

namespace {

void require(bool condition, const char* what, std::string_view detail) {
  if (condition) return;
  std::fprintf(stderr, "invariant broken: %s: %.*s\n", what, static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lakegate;
  static const catalog::TableSchema table = sql::testing::test_table();
  std::string_view text(reinterpret_cast<const char*>(data), size);

  auto node = sql::filter::parse(text);
  if (node) {
    (void)sql::filter::to_string(*node);
  } else {
    require(node.error().code == ErrorCode::kBadRequest, "parse error code", node.error().message);
  }

  sql::FilterParams params = {{":p", sql::ClientValue{backend::Value::string("v"), ""}},
                              {"q", sql::ClientValue{backend::Value::int64(7), ""}},
                              {"n", sql::ClientValue{backend::Value::null(), ""}}};
  sql::LookupValues lookups = {{"user.id", backend::Value::int64(1)},
                               {"u", backend::Value::string("x")}};
  auto fragment = sql::bind_filter_text(text, table, params, &lookups);
  if (!fragment) {
    require(fragment.error().code == ErrorCode::kBadRequest, "bind error code",
            fragment.error().message);
    return 0;
  }
  std::string unsafe =
      sql::testing::unsafe_sql_text(fragment->text(), table, fragment->params().size());
  require(unsafe.empty(), "unsafe filter SQL", unsafe + " in " + fragment->text());

  sql::ReadRequest read;
  read.filter = std::string(text);
  read.params = params;
  read.limit = 10;
  sql::PolicyFilter policy;
  policy.lookups = lookups;
  auto select = sql::build_select(table, read, true, policy);
  if (select) {
    unsafe = sql::testing::unsafe_sql_text(select->sql, table, select->positional.size());
    require(unsafe.empty(), "unsafe SELECT", unsafe + " in " + select->sql);
  }
  sql::DeleteRequest remove{std::string(text), params, {}, {}};
  auto statement = sql::build_delete(table, remove, policy);
  if (statement) {
    unsafe = sql::testing::unsafe_sql_text(statement->sql, table, statement->positional.size());
    require(unsafe.empty(), "unsafe DELETE", unsafe + " in " + statement->sql);
  }
  return 0;
}
