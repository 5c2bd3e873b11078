#include "api/query_guard.h"

#include <algorithm>
#include <set>
#include <string>

#include "api/audit_notes.h"
#include "auth/rbac.h"
#include "catalog/text_rows_sink.h"
#include "util/ascii.h"

namespace lakegate::api {
namespace {

Error read_only_refusal(const std::string& what) {
  return Error(ErrorCode::kForbidden,
               "This role may run read-only SQL only; the statement contains " + what + ".");
}

// Operator names a read-only statement's parsed plan may contain.
const std::set<std::string>& read_only_operators() {
  static const std::set<std::string> kOperators = {
      "Aggregate", "CTE", "CTERelationDef", "PosParameterizedQuery", "NameParameterizedQuery",
      "CTERelationRef", "Deduplicate", "Distinct", "Except", "Expand", "Filter", "Generate",
      "GlobalLimit", "Intersect", "Join", "LateralJoin", "LocalLimit", "LocalRelation", "Offset",
      "OneRowRelation", "Pivot", "Project", "Range", "RebalancePartitions", "RelationTimeTravel",
      "Repartition", "RepartitionByExpression", "ResolvedHint", "Sample", "Sort", "SubqueryAlias",
      "Tail", "Transpose", "Union", "UnresolvedHaving", "UnresolvedHint", "UnresolvedInlineTable",
      "UnresolvedRelation", "UnresolvedSubqueryColumnAliases", "UnresolvedTVFAliases",
      "UnresolvedTableValuedFunction", "UnresolvedWith", "Unpivot", "View", "Window", "WithCTE",
      "WithWindowDefinition",
      // Metadata reads.
      "DescribeColumn", "DescribeFunction", "DescribeNamespace", "DescribeRelation", "ShowColumns",
      "ShowCreateTable", "ShowFunctions", "ShowNamespaces", "ShowPartitions", "ShowTableProperties",
      "ShowTables", "ShowViews", "UnresolvedFunctionName", "UnresolvedNamespace",
      "UnresolvedTableOrView", "UnresolvedTable", "UnresolvedView", "CurrentNamespace",
      "ResolvedNamespace"};
  return kOperators;
}

}  // namespace

Status check_read_only_plan(std::string_view explain_text) {
  const std::string_view kHeader = "== Parsed Logical Plan ==";
  const size_t start = explain_text.find(kHeader);
  if (start == std::string_view::npos) {
    return read_only_refusal("nothing Spark could explain as a query");
  }
  std::string_view section = explain_text.substr(start + kHeader.size());
  if (const size_t end = section.find("\n=="); end != std::string_view::npos) {
    section = section.substr(0, end);
  }
  const std::string lowered = util::ascii_lower(section);
  for (const char* function : {"reflect(", "java_method(", "try_reflect("}) {
    if (lowered.find(function) != std::string::npos) {
      return read_only_refusal(std::string("the function ") + function + ")");
    }
  }
  size_t line_start = 0;
  bool any = false;
  while (line_start < section.size()) {
    size_t line_end = section.find('\n', line_start);
    if (line_end == std::string_view::npos) line_end = section.size();
    std::string_view line = section.substr(line_start, line_end - line_start);
    line_start = line_end + 1;
    // Skip the tree drawing: spaces, ':', '+', '-', '|', and the unresolved mark '\''.
    size_t i = 0;
    while (i < line.size() && (line[i] == ' ' || line[i] == ':' || line[i] == '+' ||
                               line[i] == '-' || line[i] == '|' || line[i] == '\'')) {
      ++i;
    }
    size_t j = i;
    while (j < line.size() &&
           (std::isalnum(static_cast<unsigned char>(line[j])) || line[j] == '_')) {
      ++j;
    }
    if (j == i) continue;
    const std::string name(line.substr(i, j - i));
    if (!read_only_operators().count(name)) return read_only_refusal("the operation " + name);
    if (name == "UnresolvedRelation" || name == "UnresolvedTableOrView") {
      // json.`/etc/...`: reading files of the Spark server by path.
      const std::string_view rest = line.substr(j);
      const size_t close = rest.find(']');
      if (rest.substr(0, close).find('/') != std::string_view::npos) {
        return read_only_refusal("a path-based relation");
      }
    }
    if (name == "UnresolvedTableValuedFunction") {
      const std::string rest = util::ascii_lower(line.substr(j));
      if (rest.rfind(" [range]", 0) != 0) {
        return read_only_refusal("a table-valued function other than range");
      }
    }
    any = true;
  }
  if (!any) return read_only_refusal("nothing Spark could explain as a query");
  return {};
}

Status authorize_query(const Access& access, Service& service,
                       const backend::Statement& statement) {
  access.mark_checked();
  if (access.bypasses_rbac()) return {};
  if (access.restricted_on(service)) {
    return Error(ErrorCode::kForbidden,
                 "This role has row filters or column rules on service \"" + service.config.name +
                     "\"; raw SQL (_query) would bypass them and is not allowed.");
  }
  if (access.allows(service, "_query", "POST")) return {};
  if (!access.allows(service, "_query", "GET")) {
    return Error(ErrorCode::kForbidden,
                 auth::denied_message("POST", "_query", service.config.name));
  }
  backend::Statement explain = statement;
  explain.sql = "EXPLAIN EXTENDED " + statement.sql;
  catalog::TextRowsSink sink(10000);
  backend::CancelToken cancel(backend::CancelToken::Clock::now() +
                              std::chrono::seconds(service.config.timeout_seconds));
  auto summary = service.backend->execute(explain, sink, cancel);
  if (!summary) return summary.error();
  std::string text;
  for (const auto& row : sink.rows()) {
    for (const auto& cell : row) {
      if (cell) text += *cell + "\n";
    }
  }
  return check_read_only_plan(text);
}

}  // namespace lakegate::api
