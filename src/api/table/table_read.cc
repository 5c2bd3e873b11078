// GET/HEAD /_table/{name}[/{id}]: a page of rows, one record, a count, a
// list of ids, or the Delta history, pinned to one table version. A typed
// pipeline: plan_read (read_plan.h: what to do, no I/O) → pin_version (the
// version the read sees, its ETag) → answer (from the result cache, or
// executed and rendered).
#include <algorithm>
#include <optional>

#include "api/cache/answer_cache.h"
#include "api/query/result_stream.h"
#include "api/resources.h"
#include "api/table/read_plan.h"
#include "api/table/table_exec.h"
#include "api/table/table_handlers.h"
#include "api/table/table_paging.h"
#include "api/table/table_stream.h"
#include "sql/history_statement.h"
#include "sql/table_statements.h"
#include "util/json_text.h"

namespace lakegate::api {
namespace {

using format::OutputFormat;

// "schema":{…} of meta: the table's columns as DreamFactory's field list.
void append_schema(std::string& out, const catalog::TableSchema& schema) {
  out += "\"schema\":{\"name\":";
  util::append_json_string(out, schema.name.display());
  out += ",\"is_view\":";
  out += schema.is_view ? "true" : "false";
  out += ",\"is_delta\":";
  out += schema.is_delta ? "true" : "false";
  out += ",\"field\":[";
  for (size_t i = 0; i < schema.columns.size(); ++i) {
    const auto& column = schema.columns[i];
    if (i) out.push_back(',');
    out += "{\"name\":";
    util::append_json_string(out, column.name);
    out += ",\"type\":";
    util::append_json_string(out, column.spark_type);
    out += ",\"db_type\":";
    util::append_json_string(out, column.spark_type);
    out += ",\"allow_null\":";
    out += column.nullable ? "true" : "false";
    if (!column.comment.empty()) {
      out += ",\"description\":";
      util::append_json_string(out, column.comment);
    }
    out += "}";
  }
  out += "]}";
}

struct PageFacts {
  std::optional<int64_t> version;
  std::optional<int64_t> count;
  int64_t offset = 0;
  int64_t limit = 0;
  uint64_t paging_hash = 0;
  bool include_schema = false;
};

void append_meta(std::string& out, const PageFacts& facts, const catalog::TableSchema& schema,
                 bool more) {
  std::string meta;
  const auto add = [&meta](std::string_view key) {
    if (!meta.empty()) meta.push_back(',');
    meta += '"';
    meta += key;
    meta += "\":";
  };
  if (facts.count) add("count"), meta += std::to_string(*facts.count);
  if (more) {
    add("next"), meta += std::to_string(facts.offset + facts.limit);
    if (facts.version) {
      add("next_cursor");
      util::append_json_string(
          meta, encode_cursor({*facts.version, facts.offset + facts.limit, facts.paging_hash}));
    }
  }
  if (facts.version) add("version"), meta += std::to_string(*facts.version);
  if (facts.include_schema) {
    if (!meta.empty()) meta.push_back(',');
    append_schema(meta, schema);
  }
  if (!meta.empty()) out += "\"meta\":{" + meta + "}";
}

// A plan bound to one table version: the facts its pages report and the
// ETag that names the answer (same version and query → same ETag).
struct PinnedRead {
  ReadPlan plan;
  PageFacts facts;
  std::string etag;  // empty: not versioned (not Delta, or the history)
  // When the pinned version was committed, if it was looked up (not given
  // by a cursor or ?version=): with the number it names one commit.
  std::string committed_at;
};

Result<PinnedRead> pin_version(ReadPlan plan, Service& service, const TableTarget& target,
                               const backend::CancelToken& cancel) {
  PinnedRead pinned;
  if (plan.pin_current_version) {
    auto version = service.metadata->delta_version(target.name, cancel);
    if (!version) return version.error();
    plan.read.time_travel.version = version->number;
    pinned.committed_at = version->committed_at;
  }
  PageFacts& facts = pinned.facts;
  facts.limit = plan.limit;
  facts.include_schema = plan.include_schema;
  facts.paging_hash = plan.paging_hash;
  facts.version = plan.read.time_travel.version;
  facts.offset = plan.read.offset;
  if (facts.version && plan.shape != ReadShape::kHistory) {
    pinned.etag = make_etag(
        *facts.version,
        QueryHasher().add(static_cast<int64_t>(facts.paging_hash)).add(facts.offset).value());
    plan.headers.emplace_back("ETag", pinned.etag);
    plan.headers.emplace_back("X-Lakegate-Version", std::to_string(*facts.version));
  }
  pinned.plan = std::move(plan);
  return pinned;
}

http::Response with_headers(http::Response response,
                            std::vector<std::pair<std::string, std::string>> headers) {
  for (auto& header : headers) response.headers.push_back(std::move(header));
  return response;
}

// The rows of a record or an id list: the read with only the id field when
// the caller asked for ids only.
sql::ReadRequest row_read(const ReadPlan& plan) {
  sql::ReadRequest read = plan.read;
  if (plan.ids_only) read.fields = {read.id_fields.front()};
  return read;
}

// The statements a pinned read runs: its rows (a page, a record, ids, or
// the history) and, for a count, the count. Built once: they run, and they
// are the heart of the read's cache key.
struct ReadStatements {
  std::optional<backend::Statement> rows;  // none for count_only
  std::optional<backend::Statement> count;
};

Result<ReadStatements> read_statements(const TableTarget& target, const ReadPlan& plan) {
  ReadStatements statements;
  if (plan.shape == ReadShape::kCountOnly || plan.include_count) {
    auto count = sql::build_count(*target.schema, plan.read, target.policy.row_filter);
    if (!count) return count.error();
    statements.count = std::move(*count);
  }
  Result<backend::Statement> rows = Error(ErrorCode::kInternal, "no statement");
  switch (plan.shape) {
    case ReadShape::kCountOnly:
      return statements;
    case ReadShape::kHistory:
      rows = sql::build_history(target.name, plan.limit);
      break;
    case ReadShape::kRecord:
      rows = sql::build_select(*target.schema, row_read(plan), /*fetch_one_more=*/false,
                               target.policy.row_filter);
      break;
    case ReadShape::kIdList:
      rows = sql::build_select(*target.schema, row_read(plan), /*fetch_one_more=*/true,
                               target.policy.row_filter);
      break;
    case ReadShape::kPage:
      rows = sql::build_select(*target.schema, plan.read, /*fetch_one_more=*/true,
                               target.policy.row_filter);
      break;
  }
  if (!rows) return rows.error();
  statements.rows = std::move(*rows);
  return statements;
}

// Everything the answer depends on: the statements (the caller's row
// filter and visible columns, the pinned version and its commit are in
// them or beside them), the shape, format, headers and rendering facts.
cache::KeyBuilder read_cache_key(const TableTarget& target, const PinnedRead& pinned,
                                 const ReadStatements& statements) {
  const ReadPlan& plan = pinned.plan;
  cache::KeyBuilder key;
  key.add("_table").add(target.name.display()).add(pinned.committed_at);
  key.add(static_cast<int64_t>(plan.shape)).add(static_cast<int64_t>(plan.format));
  if (statements.rows) key.add(*statements.rows);
  if (statements.count) key.add(*statements.count);
  key.add(static_cast<int64_t>(plan.headers.size()));
  for (const auto& [name, value] : plan.headers) key.add(name).add(value);
  key.add(plan.limit).add(plan.include_schema).add(plan.ids_only);
  key.add(pinned.facts.offset).add(static_cast<int64_t>(pinned.facts.paging_hash));
  key.add(pinned.facts.version.value_or(-1));
  // The visible columns as meta.schema shows them (hidden ones are absent).
  for (const auto& column : target.schema->columns) {
    key.add(column.name).add(column.spark_type).add(column.nullable).add(column.comment);
  }
  return key;
}

http::Response answer_record(Service& service, PinnedRead pinned, backend::Statement statement,
                             const backend::CancelToken& cancel, AuditNotes& notes) {
  const ReadPlan& plan = pinned.plan;
  auto rows = collect_json_rows(service, statement, cancel, plan.limit, notes);
  if (!rows) return error_response(rows.error());
  if (rows->empty()) {
    return error_response(
        Error(ErrorCode::kNotFound, "Record with identifier '" + plan.record_id + "' not found."));
  }
  return with_headers(http::Response::json(200, std::move(rows->front())),
                      std::move(pinned.plan.headers));
}

http::Response answer_id_list(Service& service, const TableTarget& target, PinnedRead pinned,
                              backend::Statement statement, const backend::CancelToken& cancel,
                              AuditNotes& notes) {
  const ReadPlan& plan = pinned.plan;
  auto ids = collect_json_values(service, statement, cancel, plan.limit + 1, notes);
  if (!ids) return error_response(ids.error());
  const bool more = static_cast<int64_t>(ids->size()) > plan.limit;
  if (more) ids->pop_back();
  notes.rows = static_cast<int64_t>(ids->size());
  std::string body = "{\"resource\":[";
  for (size_t i = 0; i < ids->size(); ++i) {
    if (i) body.push_back(',');
    body += (*ids)[i];
  }
  body += "]";
  std::string meta;
  append_meta(meta, pinned.facts, *target.schema, more);
  if (!meta.empty()) body += "," + meta;
  body += "}";
  return with_headers(http::Response::json(200, std::move(body)), std::move(pinned.plan.headers));
}

http::Response answer_stream(const std::shared_ptr<Service>& service, const TableTarget& target,
                             PinnedRead pinned, backend::Statement statement,
                             const std::shared_ptr<AuditNotes>& notes) {
  TableStream stream;
  stream.statement = std::move(statement);
  stream.format = pinned.plan.format;
  stream.headers = std::move(pinned.plan.headers);
  if (pinned.plan.shape == ReadShape::kPage) {
    stream.limit = pinned.plan.limit;
    stream.members = [facts = pinned.facts, schema = target.schema](std::string& out, int64_t,
                                                                    bool more) {
      append_meta(out, facts, *schema, more);
    };
  }
  return stream_table(service, std::move(stream), notes);
}

// Runs the statements of the pinned read and renders its answer.
http::Response execute(const std::shared_ptr<Service>& service, const TableTarget& target,
                       PinnedRead pinned, ReadStatements statements,
                       const backend::CancelToken& cancel,
                       const std::shared_ptr<AuditNotes>& notes) {
  ReadPlan& plan = pinned.plan;
  if (statements.count) {
    auto row = run_for_metrics(*service, *statements.count, cancel, *notes);
    if (!row) return error_response(row.error());
    auto it = row->find("count");
    pinned.facts.count = it == row->end() ? 0 : it->second;
    if (plan.shape == ReadShape::kCountOnly) {
      return with_headers(http::Response::json(200, std::to_string(*pinned.facts.count)),
                          std::move(plan.headers));
    }
    plan.headers.emplace_back("X-Total-Count", std::to_string(*pinned.facts.count));
  }
  switch (plan.shape) {
    case ReadShape::kRecord:
      return answer_record(*service, std::move(pinned), std::move(*statements.rows), cancel,
                           *notes);
    case ReadShape::kIdList:
      return answer_id_list(*service, target, std::move(pinned), std::move(*statements.rows),
                            cancel, *notes);
    default:
      return answer_stream(service, target, std::move(pinned), std::move(*statements.rows), notes);
  }
}

// Answers the pinned read: a 304 or a HEAD before anything runs, else from
// the service's result cache, else executed (and remembered there).
http::Response answer(const http::Request& request, const std::shared_ptr<Service>& service,
                      const TableTarget& target, PinnedRead pinned,
                      const backend::CancelToken& cancel,
                      const std::shared_ptr<AuditNotes>& notes) {
  ReadPlan& plan = pinned.plan;
  // Answered before anything runs: the client holds this version already.
  const std::string* if_none_match = request.header("if-none-match");
  if (!pinned.etag.empty() && if_none_match != nullptr &&
      etag_matches(*if_none_match, pinned.etag)) {
    http::Response response;
    response.status = 304;
    response.headers = std::move(plan.headers);
    return response;
  }
  if (request.head_only) {
    http::Response response;
    response.headers = std::move(plan.headers);
    response.headers.emplace_back("Content-Type", format_content_type(plan.format));
    return response;
  }
  auto statements = read_statements(target, plan);
  if (!statements) return error_response(statements.error());
  CacheUse cached;
  // The history is the Delta log itself: always read, never kept. No key is
  // built for a service without a cache (it would be work on every read).
  if (service->results && plan.shape != ReadShape::kHistory) {
    // Exact: keyed by a looked-up commit, so a newer one is another key.
    const bool exact = !pinned.committed_at.empty() && pinned.facts.version.has_value();
    cached = plan_cache_use(request, service, read_cache_key(target, pinned, *statements), exact);
    if (auto hit = cached_answer(cached)) return std::move(*hit);
  }
  return remember_answer(
      cached, execute(service, target, std::move(pinned), std::move(*statements), cancel, notes));
}

}  // namespace

http::Response read_table(const http::Request& request, const std::shared_ptr<Service>& service,
                          const TableTarget& target, const TableOptions& options,
                          const std::string* id, const std::shared_ptr<AuditNotes>& notes) {
  auto plan = plan_read(request, service->config, target, options, id);
  if (!plan) return error_response(plan.error());
  backend::CancelToken cancel(service_deadline(*service));
  auto pinned = pin_version(std::move(*plan), *service, target, cancel);
  if (!pinned) return error_response(pinned.error());
  return answer(request, service, target, std::move(*pinned), cancel, notes);
}

}  // namespace lakegate::api
