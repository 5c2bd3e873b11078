// GET/HEAD /_table/{name}[/{id}]: a page of rows, one record, a count, a
// list of ids, or the Delta history, pinned to one table version.
#include <simdjson.h>

#include <algorithm>

#include "api/query/result_stream.h"
#include "api/resources.h"
#include "api/table/table_exec.h"
#include "api/table/table_handlers.h"
#include "api/table/table_paging.h"
#include "api/table/table_stream.h"
#include "sql/history_statement.h"
#include "sql/table_statements.h"
#include "util/ascii.h"
#include "util/json_text.h"

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

int64_t effective_limit(int64_t asked, const Service& service) {
  const int64_t max = service.config.max_records > 0 ? service.config.max_records : 1000;
  return asked < 1 || asked > max ? max : asked;
}

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

// The value of the only member of a rendered row {"name":value}.
std::string only_value(const std::string& row) {
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(row);
  simdjson::ondemand::document document;
  simdjson::ondemand::object object;
  if (parser.iterate(padded).get(document) || document.get_object().get(object)) return "null";
  for (auto field : object) {
    simdjson::ondemand::value value;
    if (field.value().get(value)) return "null";
    std::string_view raw;
    simdjson::ondemand::json_type type;
    if (value.type().get(type)) return "null";
    if (type == simdjson::ondemand::json_type::array ||
        type == simdjson::ondemand::json_type::object) {
      if (type == simdjson::ondemand::json_type::array) {
        simdjson::ondemand::array array;
        if (value.get_array().get(array) || array.raw_json().get(raw)) return "null";
      } else {
        simdjson::ondemand::object inner;
        if (value.get_object().get(inner) || inner.raw_json().get(raw)) return "null";
      }
    } else {
      raw = value.raw_json_token();
    }
    return std::string(util::trim_whitespace(raw));
  }
  return "null";
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

http::Response history(const http::Request& request, const std::shared_ptr<Service>& service,
                       const TableTarget& target, const TableOptions& options, OutputFormat format,
                       const std::shared_ptr<AuditNotes>& notes) {
  if (!target.schema->is_delta) {
    return error_response(bad_request("Table \"" + target.name.display() +
                                      "\" is not a Delta table: it has no history."));
  }
  const int64_t limit = effective_limit(options.read.limit, *service);
  auto statement = sql::build_history(target.name, limit);
  if (!statement) return error_response(statement.error());
  if (request.head_only) {
    http::Response response;
    response.headers.emplace_back("Content-Type", format_content_type(format));
    return response;
  }
  TableStream stream;
  stream.statement = std::move(*statement);
  stream.format = format;
  return stream_table(service, std::move(stream), notes);
}

}  // namespace

http::Response read_table(const http::Request& request, const std::shared_ptr<Service>& service,
                          const TableTarget& target, TableOptions options, const std::string* id,
                          const std::shared_ptr<AuditNotes>& notes) {
  const catalog::TableSchema& schema = *target.schema;
  OutputFormat format = OutputFormat::kJson;
  std::vector<std::pair<std::string, std::string>> headers;
  if (!options.file.empty()) {
    auto chosen = download_format(options.file);
    if (!chosen) return error_response(chosen.error());
    format = *chosen;
    headers.emplace_back("Content-Disposition", "attachment; filename=\"" + options.file + "\"");
  } else {
    auto chosen = choose_format(request);
    if (!chosen) return error_response(chosen.error());
    format = *chosen;
  }
  if (options.history) {
    // The history shows operation parameters (predicates, values) of every row.
    if (target.policy.restricts_anything()) {
      return error_response(Error(ErrorCode::kForbidden,
                                  "The table history is not available under a row filter or "
                                  "column rules."));
    }
    return history(request, service, target, options, format, notes);
  }

  sql::ReadRequest& read = options.read;
  read.id_fields = id_fields_of(schema, read.id_fields);
  if ((id != nullptr || !read.ids.empty() || options.as_list) && read.id_fields.empty()) {
    return error_response(bad_request("Table \"" + target.name.display() +
                                      "\" has no id field: pass id_field=<column> (or set the "
                                      "table property lakegate.id_field)."));
  }
  if (id != nullptr) {
    if (read.id_fields.size() != 1) {
      return error_response(bad_request("GET by identifier needs exactly one id_field."));
    }
    read.ids = {*id};
  }
  const int64_t limit = id != nullptr ? 1 : effective_limit(read.limit, *service);
  read.limit = limit;
  // Pages need a total order to be stable: without an explicit order (and
  // without grouping), order by the table's id field(s) when it has them.
  if (read.order.empty() && read.group.empty() && id == nullptr) {
    for (const auto& field : read.id_fields) {
      sql::OrderTerm term;
      term.column = field;
      read.order.push_back(std::move(term));
    }
  }

  PageFacts facts;
  facts.limit = limit;
  facts.include_schema = options.include_schema;
  facts.paging_hash = paging_hash(target.name, options, limit, format_name(format));
  backend::CancelToken cancel(service_deadline(*service));
  if (!options.cursor.empty()) {
    auto cursor = decode_cursor(options.cursor, facts.paging_hash);
    if (!cursor) return error_response(cursor.error());
    read.time_travel.version = cursor->version;
    read.offset = cursor->offset;
  } else if (!read.time_travel.version && !read.time_travel.timestamp && schema.is_delta) {
    auto version = service->metadata->delta_version(target.name, cancel);
    if (!version) return error_response(version.error());
    read.time_travel.version = *version;
  }
  if (!schema.is_delta && (read.time_travel.version || read.time_travel.timestamp)) {
    return error_response(bad_request("Table \"" + target.name.display() +
                                      "\" is not a Delta table: no time travel."));
  }
  facts.version = read.time_travel.version;
  facts.offset = read.offset;

  // Same version and query → same ETag: answer 304 before running anything.
  if (facts.version) {
    const std::string etag = make_etag(
        *facts.version,
        QueryHasher().add(static_cast<int64_t>(facts.paging_hash)).add(read.offset).value());
    headers.emplace_back("ETag", etag);
    headers.emplace_back("X-Lakegate-Version", std::to_string(*facts.version));
    const std::string* if_none_match = request.header("if-none-match");
    if (if_none_match != nullptr && etag_matches(*if_none_match, etag)) {
      http::Response response;
      response.status = 304;
      response.headers = std::move(headers);
      return response;
    }
  }
  if (request.head_only) {
    http::Response response;
    response.headers = std::move(headers);
    response.headers.emplace_back("Content-Type", format_content_type(format));
    return response;
  }

  if (options.count_only || options.include_count) {
    auto statement = sql::build_count(schema, read, target.policy.row_filter);
    if (!statement) return error_response(statement.error());
    auto row = run_for_metrics(*service, *statement, cancel, *notes);
    if (!row) return error_response(row.error());
    auto it = row->find("count");
    facts.count = it == row->end() ? 0 : it->second;
    if (options.count_only) {
      auto response = http::Response::json(200, std::to_string(*facts.count));
      for (auto& header : headers) response.headers.push_back(std::move(header));
      return response;
    }
    headers.emplace_back("X-Total-Count", std::to_string(*facts.count));
  }

  if (id != nullptr || options.as_list) {
    if (options.as_list) read.fields = {read.id_fields.front()};
    auto statement = sql::build_select(schema, read, id == nullptr, target.policy.row_filter);
    if (!statement) return error_response(statement.error());
    auto rows = collect_json_rows(*service, *statement, cancel, limit + 1, *notes);
    if (!rows) return error_response(rows.error());
    http::Response response;
    if (id != nullptr) {
      if (rows->empty()) {
        return error_response(
            Error(ErrorCode::kNotFound, "Record with identifier '" + *id + "' not found."));
      }
      response = http::Response::json(200, std::move(rows->front()));
    } else {
      const bool more = static_cast<int64_t>(rows->size()) > limit;
      if (more) rows->pop_back();
      notes->rows = static_cast<int64_t>(rows->size());
      std::string body = "{\"resource\":[";
      for (size_t i = 0; i < rows->size(); ++i) {
        if (i) body.push_back(',');
        body += only_value((*rows)[i]);
      }
      body += "]";
      std::string meta;
      append_meta(meta, facts, schema, more);
      if (!meta.empty()) body += "," + meta;
      body += "}";
      response = http::Response::json(200, std::move(body));
    }
    for (auto& header : headers) response.headers.push_back(std::move(header));
    return response;
  }

  auto statement =
      sql::build_select(schema, read, /*fetch_one_more=*/true, target.policy.row_filter);
  if (!statement) return error_response(statement.error());
  TableStream stream;
  stream.statement = std::move(*statement);
  stream.format = format;
  stream.limit = limit;
  stream.headers = std::move(headers);
  auto schema_ptr = target.schema;
  stream.members = [facts, schema_ptr](std::string& out, int64_t, bool more) {
    append_meta(out, facts, *schema_ptr, more);
  };
  return stream_table(service, std::move(stream), notes);
}

}  // namespace lakegate::api
