#include "sql/read_only_query.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <optional>
#include <set>
#include <string>

#include "util/ascii.h"

namespace lakegate::sql {
namespace {

constexpr std::array<std::string_view, 4> kHeaders = {
    "== Parsed Logical Plan ==", "== Analyzed Logical Plan ==", "== Optimized Logical Plan ==",
    "== Physical Plan =="};

Error refusal(const std::string& what) {
  return Error(ErrorCode::kForbidden,
               "This role may run read-only SQL only; the statement contains " + what + ".");
}

// Operators a read-only query's parsed plan may contain.
const std::set<std::string, std::less<>>& query_operators() {
  static const std::set<std::string, std::less<>> kOperators = {"Aggregate",
                                                                "CTE",
                                                                "CTERelationDef",
                                                                "CTERelationRef",
                                                                "Deduplicate",
                                                                "Distinct",
                                                                "Except",
                                                                "Expand",
                                                                "Filter",
                                                                "Generate",
                                                                "GlobalLimit",
                                                                "Intersect",
                                                                "Join",
                                                                "LateralJoin",
                                                                "LocalLimit",
                                                                "LocalRelation",
                                                                "NameParameterizedQuery",
                                                                "Offset",
                                                                "OneRowRelation",
                                                                "Pivot",
                                                                "PosParameterizedQuery",
                                                                "Project",
                                                                "Range",
                                                                "RebalancePartitions",
                                                                "RelationTimeTravel",
                                                                "Repartition",
                                                                "RepartitionByExpression",
                                                                "ResolvedHint",
                                                                "Sample",
                                                                "Sort",
                                                                "SubqueryAlias",
                                                                "Tail",
                                                                "Transpose",
                                                                "Union",
                                                                "UnresolvedHaving",
                                                                "UnresolvedHint",
                                                                "UnresolvedInlineTable",
                                                                "UnresolvedRelation",
                                                                "UnresolvedSubqueryColumnAliases",
                                                                "UnresolvedTVFAliases",
                                                                "UnresolvedTableValuedFunction",
                                                                "UnresolvedWith",
                                                                "Unpivot",
                                                                "View",
                                                                "Window",
                                                                "WithCTE",
                                                                "WithWindowDefinition"};
  return kOperators;
}

// Data source names that make `name.`path`` read files.
bool is_file_source(std::string_view lowered_name) {
  static const std::set<std::string, std::less<>> kSources = {
      "avro",    "binaryfile", "csv",   "delta",  "hive",    "image", "jdbc",
      "json",    "libsvm",     "noop",  "orc",    "parquet", "text",  "xml",
      "iceberg", "hudi",       "kafka", "socket", "rate"};
  return kSources.count(lowered_name) > 0 || lowered_name.find('.') != std::string_view::npos;
}

// A line of a printed plan tree: its operator name and what follows it.
struct TreeLine {
  std::string_view name, rest;
};

// Root lines (`'Project [*]`) and child lines (`   :  +- 'Filter …`); nullopt
// for other lines — text a literal or alias spread over several lines. Such
// text can add lines but never hide the real ones, which Spark starts afresh.
std::optional<TreeLine> tree_line(std::string_view line, bool root) {
  size_t at = 0;
  if (!root) {
    while (line.substr(at, 3) == "   " || line.substr(at, 3) == ":  ") at += 3;
    if (line.substr(at, 3) != "+- " && line.substr(at, 3) != ":- ") return std::nullopt;
    at += 3;
  }
  if (at < line.size() && line[at] == '\'') ++at;
  size_t end = at;
  while (end < line.size() &&
         (std::isalnum(static_cast<unsigned char>(line[end])) || line[end] == '_')) {
    ++end;
  }
  if (end == at) return std::nullopt;
  return TreeLine{line.substr(at, end - at), line.substr(end)};
}

template <typename Visit>
void for_each_line(std::string_view text, Visit visit) {
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    visit(text.substr(start, end - start));
    start = end + 1;
  }
}

Status check_parsed(std::string_view parsed) {
  std::vector<std::string_view> lines;
  for_each_line(util::trim_whitespace(parsed),
                [&](std::string_view line) { lines.push_back(line); });
  // Our wrapper must be what Spark parsed: SELECT * over the subquery q,
  // under the node that binds parameters when there are any (whose printed
  // values may span lines).
  size_t root = 0;
  std::string indent;
  if (!lines.empty() && (lines[0].starts_with("'NameParameterizedQuery ") ||
                         lines[0].starts_with("'PosParameterizedQuery "))) {
    root = 1;
    while (root < lines.size() && lines[root] != "+- 'Project [*]") ++root;
    indent = "   ";
  } else if (!lines.empty() && lines[0] != "'Project [*]") {
    root = lines.size();
  }
  if (root + 2 > lines.size() || (lines[root + 1] != indent + "+- 'SubqueryAlias q" &&
                                  lines[root + 1] != indent + "+- SubqueryAlias q")) {
    return refusal("something other than a single query");
  }
  for (size_t index = 1; index < lines.size(); ++index) {
    auto line = tree_line(lines[index], false);
    if (!line) continue;
    if (!query_operators().count(line->name)) {
      return refusal("the operation " + std::string(line->name));
    }
    if (line->name == "UnresolvedRelation") {
      // ` [text, /etc/hostname], [], false`: a file read by path.
      std::string_view rest = line->rest;
      if (rest.find('/') != std::string_view::npos || rest.find('\\') != std::string_view::npos) {
        return refusal("a file read by path");
      }
      if (rest.substr(0, 2) == " [") {
        std::string_view parts = rest.substr(2);
        const size_t comma = parts.find(", ");
        const size_t close = parts.find(']');
        if (comma != std::string_view::npos && comma < close &&
            is_file_source(util::ascii_lower(parts.substr(0, comma)))) {
          return refusal("a file read by path");
        }
      }
    }
    if (line->name == "UnresolvedTableValuedFunction" &&
        util::ascii_lower(line->rest).rfind(" [range]", 0) != 0) {
      return refusal("a table-valued function other than range");
    }
  }
  return {};
}

Status check_functions(std::string_view text, const std::vector<std::string>& denied) {
  const std::string lowered = util::ascii_lower(text);
  for (const std::string& function : denied) {
    if (lowered.find(util::ascii_lower(function) + "(") != std::string::npos) {
      return refusal("the function " + function);
    }
  }
  return {};
}

// "... 6 more fields": Spark printed only the first entries of a list
// (spark.sql.debug.maxToStringFields); what it left out is unchecked.
bool lists_cut_short(std::string_view text) {
  for (size_t at = text.find("... "); at != std::string_view::npos;
       at = text.find("... ", at + 4)) {
    size_t end = at + 4;
    while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
    if (end > at + 4 && text.substr(end, 5) == " more") return true;
  }
  return false;
}

Status check_analyzed_relations(std::string_view analyzed) {
  Status status;
  bool first = true;
  for_each_line(analyzed, [&](std::string_view text) {
    auto line = tree_line(text, first);
    if (!line) line = tree_line(text, !first);
    first = false;
    // `Relation [value#1] text`: a relation without a table name is a path.
    if (status && line && line->name == "Relation" && line->rest.substr(0, 2) == " [") {
      status = refusal("a file read by path");
    }
  });
  return status;
}

constexpr std::string_view kPlanningError = "Error occurred during query planning:";

// The error Spark printed in place of a plan.
Error spark_error_from_text(std::string_view printed) {
  std::string message = strip_spark_internals(printed);
  Error error(ErrorCode::kSparkAnalysis, message);
  if (message.size() > 1 && message[0] == '[') {
    const std::string error_class = message.substr(1, message.find(']') - 1);
    const std::string main_class = error_class.substr(0, error_class.find('.'));
    if (main_class.ends_with("_NOT_FOUND") && (main_class.find("TABLE") != std::string::npos ||
                                               main_class.find("VIEW") != std::string::npos ||
                                               main_class.find("SCHEMA") != std::string::npos)) {
      error.code = ErrorCode::kTableNotFound;
    }
    error.with("errorClass", error_class);
  }
  if (const size_t state = message.find("SQLSTATE: "); state != std::string::npos) {
    error.with("sqlState", message.substr(state + 10, 5));
  }
  return error;
}

}  // namespace

std::string wrap_as_query(std::string_view caller_sql) {
  while (!caller_sql.empty() && (caller_sql.back() == ';' ||
                                 std::isspace(static_cast<unsigned char>(caller_sql.back())))) {
    caller_sql.remove_suffix(1);
  }
  std::string wrapped = "SELECT * FROM (\n";
  wrapped += caller_sql;
  wrapped += "\n) AS q";
  return wrapped;
}

Result<ExplainedPlan> split_explained_plan(std::string_view text) {
  struct Found {
    size_t line_start = 0, body_start = 0;
    int count = 0;
  };
  std::array<Found, kHeaders.size()> found{};
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    for (size_t h = 0; h < kHeaders.size(); ++h) {
      if (line == kHeaders[h]) {
        found[h] = Found{start, std::min(end + 1, text.size()), found[h].count + 1};
      }
    }
    start = end + 1;
  }
  for (const Found& header : found) {
    if (header.count > 1) return refusal("text that prints like a plan header");
  }
  if (found[0].count == 0 && text.starts_with(kPlanningError)) {
    // The query parsed but Spark failed while planning it (e.g. folding
    // CAST('x' AS INT)): Spark's error, as for any query.
    return spark_error_from_text(text.substr(kPlanningError.size()));
  }
  if (found[0].count == 0 || found[1].count == 0) {
    return refusal("something Spark could not explain as a query");
  }
  const bool complete = found[2].count == 1 && found[3].count == 1;
  if (found[2].count != found[3].count) return refusal("an unreadable plan");
  size_t previous = found[0].line_start;
  for (size_t h = 1; h < (complete ? kHeaders.size() : 2); ++h) {
    if (found[h].line_start <= previous) return refusal("an unreadable plan");
    previous = found[h].line_start;
  }
  auto between = [&](size_t from, size_t to) {
    return text.substr(found[from].body_start, to == kHeaders.size()
                                                   ? text.size() - found[from].body_start
                                                   : found[to].line_start - found[from].body_start);
  };
  ExplainedPlan plan;
  plan.parsed = between(0, 1);
  if (complete) {
    plan.analyzed = between(1, 2);
    plan.optimized = between(2, 3);
    plan.physical = between(3, kHeaders.size());
  } else {
    plan.analyzed = between(1, kHeaders.size());
    plan.analysis_failed = true;
  }
  return plan;
}

int caller_lines_of_wrapped(std::string_view wrapped_sql) {
  const auto newlines = std::count(wrapped_sql.begin(), wrapped_sql.end(), '\n');
  return std::max(1, static_cast<int>(newlines) - 1);
}

const std::vector<std::string>& always_denied_functions() {
  static const std::vector<std::string> kDenied = {"reflect", "java_method", "try_reflect"};
  return kDenied;
}

Status check_read_only_plan(const ExplainedPlan& plan,
                            const std::vector<std::string>& denied_functions) {
  if (Status parsed = check_parsed(plan.parsed); !parsed) return parsed;
  for (std::string_view section : {plan.parsed, plan.analyzed, plan.optimized, plan.physical}) {
    if (Status functions = check_functions(section, always_denied_functions()); !functions) {
      return functions;
    }
    if (Status functions = check_functions(section, denied_functions); !functions) {
      return functions;
    }
  }
  for (std::string_view section : {plan.parsed, plan.analyzed, plan.optimized, plan.physical}) {
    if (lists_cut_short(section)) return refusal("a plan too wide to read in full");
  }
  if (plan.analysis_failed) return spark_error_from_text(plan.analyzed);
  return check_analyzed_relations(plan.analyzed);
}

std::string strip_spark_internals(std::string_view message) {
  message = util::trim_whitespace(message);
  // "org.apache.spark.sql.AnalysisException: [CLASS] …" → "[CLASS] …"
  if (const size_t prefix = message.find("Exception: ");
      prefix != std::string_view::npos && prefix < message.find('[')) {
    message.remove_prefix(prefix + 11);
  }
  for (std::string_view internal : {"== SQL", "JVM stacktrace", "\n'", "\n+- "}) {
    if (const size_t cut = message.find(internal); cut != std::string_view::npos) {
      message = message.substr(0, cut);
    }
  }
  message = util::trim_whitespace(message);
  if (message.ends_with(";")) message.remove_suffix(1);
  return std::string(message);
}

std::string caller_facing_spark_message(std::string_view original, int caller_lines) {
  std::string stripped = strip_spark_internals(original);
  // A position past the caller's last line is the wrapper's closing
  // parenthesis: the caller's text ended too early.
  for (std::string_view near : {"at or near ')'", "at or near end of input"}) {
    if (const size_t at = stripped.find(near); at != std::string::npos) {
      const size_t line = stripped.find("line ", at);
      if (line != std::string::npos &&
          std::atoi(stripped.c_str() + line + 5) - kWrapperLinesBefore > caller_lines) {
        stripped.replace(at, near.size(), "at the end of the statement");
      }
    }
  }
  const std::string_view message = stripped;
  // "line N" counts the wrapper's first line: make it the caller's.
  std::string out;
  size_t at = 0;
  while (at < message.size()) {
    const size_t found = message.find("line ", at);
    if (found == std::string_view::npos) break;
    size_t digits = found + 5;
    size_t end = digits;
    while (end < message.size() && std::isdigit(static_cast<unsigned char>(message[end]))) ++end;
    out += message.substr(at, digits - at);
    if (end > digits && end - digits < 9) {
      const int line = std::stoi(std::string(message.substr(digits, end - digits)));
      out += std::to_string(std::clamp(line - kWrapperLinesBefore, 1, std::max(1, caller_lines)));
    } else {
      out += message.substr(digits, end - digits);
    }
    at = end;
  }
  out += message.substr(at);
  return out;
}

}  // namespace lakegate::sql
