#include "api/table/read_plan.h"

#include <algorithm>
#include <cctype>

#include "api/query/result_stream.h"
#include "api/table/table_paging.h"

namespace lakegate::api {
namespace {

using format::OutputFormat;

Error bad_request(std::string message) {
  return Error(ErrorCode::kBadRequest, std::move(message));
}

const char* format_name(OutputFormat format) {
  switch (format) {
    case OutputFormat::kNdjson:
      return "ndjson";
    case OutputFormat::kCsv:
      return "csv";
    case OutputFormat::kArrow:
      return "arrow";
    case OutputFormat::kJson:
      break;
  }
  return "json";
}

// file=name.ext: the format of the extension; names are restricted so the
// Content-Disposition header needs no escaping.
Result<OutputFormat> download_format(const std::string& file) {
  const bool safe =
      !file.empty() && file.size() <= 200 && file.front() != '.' &&
      std::all_of(file.begin(), file.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
      });
  if (!safe) return bad_request("Invalid file name '" + file + "': use letters, digits, . _ -");
  const size_t dot = file.rfind('.');
  const std::string extension = dot == std::string::npos ? "" : file.substr(dot + 1);
  if (extension == "json") return OutputFormat::kJson;
  if (extension == "csv") return OutputFormat::kCsv;
  if (extension == "ndjson" || extension == "jsonl") return OutputFormat::kNdjson;
  if (extension == "arrow" || extension == "arrows") return OutputFormat::kArrow;
  return bad_request("Invalid file name '" + file +
                     "': the extension must be json, csv, ndjson or arrow");
}

ReadShape shape_of(const TableOptions& options, const std::string* id) {
  if (options.history) return ReadShape::kHistory;
  if (options.count_only) return ReadShape::kCountOnly;  // of the record too, with an id
  if (id != nullptr) return ReadShape::kRecord;
  if (options.as_list) return ReadShape::kIdList;
  return ReadShape::kPage;
}

// The format and headers of the answer: a download's file name, else Accept.
Status choose_output(const http::Request& request, const TableOptions& options, ReadPlan& plan) {
  if (!options.file.empty()) {
    auto chosen = download_format(options.file);
    if (!chosen) return chosen.error();
    plan.format = *chosen;
    plan.headers.emplace_back("Content-Disposition",
                              "attachment; filename=\"" + options.file + "\"");
    return ok_status();
  }
  auto chosen = choose_format(request);
  if (!chosen) return chosen.error();
  plan.format = *chosen;
  return ok_status();
}

// Ids, limit and a stable order for the rows of a read.
Status plan_rows(const config::ServiceConfig& service, const TableTarget& target,
                 const std::string* id, ReadPlan& plan) {
  sql::ReadRequest& read = plan.read;
  read.id_fields = id_fields_of(*target.schema, read.id_fields);
  const bool needs_id = id != nullptr || plan.ids_only || !read.ids.empty();
  if (needs_id && read.id_fields.empty()) {
    return bad_request("Table \"" + target.name.display() +
                       "\" has no id field: pass id_field=<column> (or set the table property "
                       "lakegate.id_field).");
  }
  if (id != nullptr) {
    if (read.id_fields.size() != 1) {
      return bad_request("GET by identifier needs exactly one id_field.");
    }
    plan.record_id = *id;
    read.ids = {*id};
  }
  plan.limit = id != nullptr ? 1 : effective_limit(read.limit, service);
  read.limit = plan.limit;
  // Pages need a total order to be stable: without an explicit order (and
  // without grouping), order by the table's id field(s) when it has them.
  if (read.order.empty() && read.group.empty() && id == nullptr) {
    for (const auto& field : read.id_fields) {
      sql::OrderTerm term;
      term.column = field;
      read.order.push_back(std::move(term));
    }
  }
  return ok_status();
}

// The version the read sees: a cursor's, an explicit one, or the current
// one (looked up later) for a Delta table.
Status plan_version(const TableTarget& target, const TableOptions& options, ReadPlan& plan) {
  sql::ReadRequest& read = plan.read;
  const bool is_delta = target.schema->is_delta;
  if (!options.cursor.empty()) {
    auto cursor = decode_cursor(options.cursor, plan.paging_hash);
    if (!cursor) return cursor.error();
    read.time_travel.version = cursor->version;
    read.offset = cursor->offset;
  }
  const bool pinned = read.time_travel.version || read.time_travel.timestamp;
  if (!is_delta && pinned) {
    return bad_request("Table \"" + target.name.display() +
                       "\" is not a Delta table: no time travel.");
  }
  plan.pin_current_version = is_delta && !pinned;
  return ok_status();
}

}  // namespace

int64_t effective_limit(int64_t asked, const config::ServiceConfig& service) {
  const int64_t max = service.max_records > 0 ? service.max_records : 1000;
  return asked < 1 || asked > max ? max : asked;
}

Result<ReadPlan> plan_read(const http::Request& request, const config::ServiceConfig& service,
                           const TableTarget& target, const TableOptions& options,
                           const std::string* id) {
  ReadPlan plan;
  plan.shape = shape_of(options, id);
  plan.read = options.read;
  plan.include_count = options.include_count;
  plan.include_schema = options.include_schema;
  plan.ids_only = options.as_list;
  if (Status chosen = choose_output(request, options, plan); !chosen) return chosen.error();
  if (plan.shape == ReadShape::kHistory) {
    // The history shows operation parameters (predicates, values) of every row.
    if (target.policy.restricts_anything()) {
      return Error(ErrorCode::kForbidden,
                   "The table history is not available under a row filter or column rules.");
    }
    if (!target.schema->is_delta) {
      return bad_request("Table \"" + target.name.display() +
                         "\" is not a Delta table: it has no history.");
    }
    plan.limit = effective_limit(options.read.limit, service);
    return plan;
  }
  if (Status rows = plan_rows(service, target, id, plan); !rows) return rows.error();
  plan.paging_hash = paging_hash(target.name, options, plan.limit, format_name(plan.format));
  if (Status version = plan_version(target, options, plan); !version) return version.error();
  return plan;
}

}  // namespace lakegate::api
