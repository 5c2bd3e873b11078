#include "api/query/query_guard.h"

#include <string>

#include "auth/rbac.h"
#include "catalog/text_rows_sink.h"
#include "sql/read_only_query.h"

namespace lakegate::api {
namespace {

// A parse error of the wrapped text: the caller's text is not one query.
// (EXPLAIN prints analysis and planning errors as its result; what it throws
// comes from the parser.)
bool is_parse_error(const Error& error) {
  const std::string_view error_class = error.context_value("errorClass");
  const std::string_view sql_state = error.context_value("sqlState");
  return error_class.starts_with("PARSE_") || error_class == "UNCLOSED_BRACKETED_COMMENT" ||
         error_class == "INVALID_IDENTIFIER" || sql_state == "42601" || sql_state == "42602" ||
         error.message.find("ParseException") != std::string::npos ||
         error.message.find("[PARSE_") != std::string::npos;
}

Error not_a_query(const Error& parse_error) {
  Error error(ErrorCode::kForbidden,
              "This role may run read-only SQL only: the statement must be a single query "
              "(SELECT, WITH … SELECT, VALUES, TABLE, FROM …); Spark could not read it as one: " +
                  sql::strip_spark_internals(parse_error.message));
  if (auto error_class = parse_error.context_value("errorClass"); !error_class.empty()) {
    error.with("errorClass", std::string(error_class));
  }
  return error;
}

}  // namespace

Result<QueryGrant> authorize_query(const Access& access, const Service& service) {
  access.mark_checked();
  if (access.bypasses_rbac()) return QueryGrant::kAny;
  if (access.restricted_on(service)) {
    return Error(ErrorCode::kForbidden,
                 "This role has row filters or column rules on service \"" + service.config.name +
                     "\"; raw SQL (_query) would bypass them and is not allowed.");
  }
  if (access.allows(service, "_query", "POST")) return QueryGrant::kAny;
  if (!access.allows(service, "_query", "GET")) {
    return Error(ErrorCode::kForbidden,
                 auth::denied_message("POST", "_query", service.config.name));
  }
  return QueryGrant::kReadOnly;
}

backend::Statement prepare_caller_statement(QueryGrant grant, const Access& access,
                                            backend::Statement statement) {
  if (grant == QueryGrant::kAny) {
    statement.session = backend::SessionUse::kFresh;
    return statement;
  }
  statement.sql = sql::wrap_as_query(statement.sql);
  statement.session = backend::SessionUse::kReadOnly;
  backend::Statement explain = statement;
  explain.sql = "EXPLAIN EXTENDED " + statement.sql;
  statement.preflight = [explain = std::move(explain), denied = access.denied_functions()](
                            const backend::SessionRunner& run) -> Status {
    catalog::TextRowsSink sink(10000);
    auto explained = run(explain, sink);
    if (!explained) {
      Error error = explained.error();
      if (is_parse_error(error)) return not_a_query(error);
      error.message = sql::strip_spark_internals(error.message);
      return error;
    }
    std::string text;
    for (const auto& row : sink.rows()) {
      for (const auto& cell : row) {
        if (cell) text += *cell + "\n";
      }
    }
    auto plan = sql::split_explained_plan(text);
    if (!plan) return plan.error();
    return sql::check_read_only_plan(*plan, denied);
  };
  return statement;
}

}  // namespace lakegate::api
