// POST/PUT/PATCH/DELETE /_table/{name}[/{id}] on Delta tables.
//
// Statements and atomicity (Delta commits one statement at a time):
//   POST            one INSERT of every record: all or nothing.
//   PUT  records    one MERGE upsert by id_field: all or nothing.
//   PATCH records   one UPDATE per record (its id_field values select the row).
//   PUT/PATCH ?ids= or ?filter=   one UPDATE setting the body's fields.
//   DELETE ?ids=, ?filter= or records   one DELETE.
//   …/{id}          one UPDATE (PATCH), MERGE (PUT) or DELETE of that row.
// Batches (DreamFactory's continue/rollback):
//   rollback=true   implicit for single-statement writes (a failed statement
//                   wrote nothing); refused (400) for PATCH records, which
//                   would need a multi-statement transaction.
//   default         single statement: nothing written, batch error listing
//                   every record; PATCH records: stop at the first failure
//                   (earlier updates stay, as in DreamFactory).
//   continue=true   after a failed single statement, every record is retried
//                   alone (one INSERT/MERGE each); PATCH records: all tried.
//                   Any failure → batch error (code 1000) with per-record
//                   results; the successful ones are committed.
// A typed pipeline: plan_write (write_plan.h: the kind, the id fields, the
// single statement; no I/O) → execute → render.
#include <algorithm>

#include "api/resources.h"
#include "api/table/table_exec.h"
#include "api/table/table_handlers.h"
#include "api/table/write_plan.h"
#include "http/error_envelope.h"
#include "sql/table_statements.h"
#include "util/ascii.h"
#include "util/json_text.h"

namespace lakegate::api {
namespace {

Error bad_request(std::string message) {
  return Error(ErrorCode::kBadRequest, std::move(message));
}

// What a write answers per record: the fields= asked for, else the id
// fields, else the whole record (as sent).
std::string echo_record(const ParsedRecord& record, const std::vector<std::string>& fields,
                        const std::vector<std::string>& id_fields) {
  const std::vector<std::string>* names = !fields.empty() ? &fields : &id_fields;
  std::string out = "{";
  bool first = true;
  const auto add = [&](const std::string& name, const std::string& raw) {
    if (!first) out.push_back(',');
    first = false;
    util::append_json_string(out, name);
    out.push_back(':');
    out += raw;
  };
  if (names->empty()) {
    for (size_t i = 0; i < record.values.size(); ++i)
      add(record.values[i].first, record.raw_json[i]);
  } else {
    for (const auto& name : *names) {
      const std::string* raw = record.raw(name);
      add(name, raw != nullptr ? *raw : "null");
    }
  }
  return out + "}";
}

std::string ids_resource(const catalog::TableSchema& schema, const std::vector<std::string>& ids,
                         const std::vector<std::string>& id_fields) {
  std::string out = "[";
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i) out.push_back(',');
    out += "{";
    util::append_json_string(out, id_fields.front());
    out.push_back(':');
    out += id_json(schema, id_fields.front(), ids[i]);
    out.push_back('}');
  }
  return out + "]";
}

std::string join_array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out.push_back(',');
    out += items[i];
  }
  out.push_back(']');
  return out;
}

http::Response write_response(const std::string& resource, int64_t affected) {
  std::string body = "{\"resource\":" + resource;
  if (affected >= 0) body += ",\"meta\":{\"affected\":" + std::to_string(affected) + "}";
  return http::Response::json(200, body + "}");
}

// DreamFactory's batch error (code 1000): `results[i]` is record i's result
// or error object; `failed` the failed indexes.
http::Response batch_error(const std::string& verb, const std::vector<size_t>& failed,
                           const std::vector<std::string>& results, bool rolled_back) {
  std::string context = "{\"error\":[";
  for (size_t i = 0; i < failed.size(); ++i) {
    if (i) context.push_back(',');
    context += std::to_string(failed[i]);
  }
  context += "],\"resource\":";
  context += join_array(results);
  context += "}";
  std::string body =
      http::error_envelope(400,
                           "Batch Error: Not all requested records could be " + verb + "." +
                               (rolled_back ? " All changes rolled back." : ""),
                           context, 1000);
  return http::Response::json(400, std::move(body));
}

using StatementFor = std::function<Result<backend::Statement>(const std::vector<ParsedRecord>&)>;

// One statement for all records; on failure, DreamFactory's batch semantics.
http::Response write_batch(Service& service, const TableOptions& options,
                           const std::vector<std::string>& id_fields, const std::string& verb,
                           const StatementFor& build, bool count_when_unknown,
                           const backend::CancelToken& cancel, AuditNotes& notes) {
  const auto& records = options.records;
  auto statement = build(records);
  if (!statement) return error_response(statement.error());  // names record and column
  auto affected = run_dml(service, *statement, cancel, notes);
  if (affected) {
    std::vector<std::string> results;
    for (const auto& record : records) {
      results.push_back(echo_record(record, options.read.fields, id_fields));
    }
    // INSERT reports no metrics row on some Spark versions; it is atomic, so
    // success means every record was written.
    const int64_t count =
        *affected >= 0 || !count_when_unknown ? *affected : static_cast<int64_t>(records.size());
    return write_response(join_array(results), count);
  }
  if (records.size() == 1 && !options.continue_on_error) return error_response(affected.error());
  std::vector<size_t> failed;
  std::vector<std::string> results;
  if (!options.continue_on_error) {
    for (size_t i = 0; i < records.size(); ++i) {
      failed.push_back(i);
      results.push_back(error_object(affected.error()));
    }
    return batch_error(verb, failed, results, /*rolled_back=*/true);
  }
  for (size_t i = 0; i < records.size(); ++i) {  // continue=true: one statement per record
    auto single = build({records[i]});
    Result<int64_t> done =
        single ? run_dml(service, *single, cancel, notes) : Result<int64_t>(single.error());
    if (done) {
      results.push_back(echo_record(records[i], options.read.fields, id_fields));
    } else {
      failed.push_back(i);
      results.push_back(error_object(done.error()));
    }
  }
  if (failed.empty()) {
    return write_response(join_array(results), static_cast<int64_t>(records.size()));
  }
  return batch_error(verb, failed, results, false);
}

// PATCH with records carrying their id fields: one UPDATE per record.
http::Response patch_records(Service& service, const TableTarget& target,
                             const TableOptions& options, const std::vector<std::string>& id_fields,
                             const backend::CancelToken& cancel, AuditNotes& notes) {
  std::vector<size_t> failed;
  std::vector<std::string> results;
  std::optional<Error> first_error;
  int64_t affected = 0;
  for (size_t i = 0; i < options.records.size(); ++i) {
    const ParsedRecord& record = options.records[i];
    sql::UpdateRequest update;
    update.id_fields = id_fields;
    std::optional<Error> error;
    for (const auto& field : id_fields) {
      auto text = record_id_text(record.values, field);
      if (!text) {
        error = bad_request("Record " + std::to_string(i) + " has no value for id field '" + field +
                            "'.");
        break;
      }
      update.ids.push_back(*text);
    }
    if (!error && id_fields.size() > 1) error = bad_request("PATCH of records needs one id_field.");
    for (const auto& entry : record.values) {
      if (std::none_of(id_fields.begin(), id_fields.end(), [&](const std::string& f) {
            return util::equals_ignore_case(f, entry.first);
          })) {
        update.values.push_back(entry);
      }
    }
    if (!error && update.values.empty()) {
      error = bad_request("Record " + std::to_string(i) + " has no fields to update.");
    }
    if (!error) {
      auto statement = sql::build_update(*target.schema, update, target.policy.row_filter);
      auto done = statement ? run_dml(service, *statement, cancel, notes)
                            : Result<int64_t>(statement.error());
      if (!done) {
        error = done.error();
      } else if (*done == 0) {
        error = Error(ErrorCode::kNotFound,
                      "Record with identifier '" + update.ids.front() + "' not found.");
      } else {
        affected += std::max<int64_t>(*done, 0);
      }
    }
    if (error) {
      failed.push_back(i);
      results.push_back(error_object(*error));
      if (!first_error) first_error = *error;
      if (!options.continue_on_error) break;
    } else {
      results.push_back(echo_record(record, options.read.fields, id_fields));
    }
  }
  if (failed.empty()) {
    return write_response(join_array(results), affected);
  }
  if (options.records.size() == 1) return error_response(*first_error);
  return batch_error("updated", failed, results, false);
}

// Runs a plan's single statement. By id: the row must exist (404), the
// answer names it; by selection: the ids named, and the rows affected.
http::Response run_single(Service& service, const TableTarget& target, const WritePlan& plan,
                          const backend::CancelToken& cancel, AuditNotes& notes) {
  const catalog::TableSchema& schema = *target.schema;
  auto affected = run_dml(service, *plan.statement, cancel, notes);
  if (!affected) return error_response(affected.error());
  const bool by_id = plan.kind == WriteKind::kUpdateById || plan.kind == WriteKind::kMergeById ||
                     plan.kind == WriteKind::kDeleteById;
  if (!by_id) {
    return write_response(plan.ids.empty() ? "[]" : ids_resource(schema, plan.ids, plan.id_fields),
                          *affected);
  }
  const std::string& id = plan.ids.front();
  if (*affected == 0) {
    return error_response(
        Error(ErrorCode::kNotFound, "Record with identifier '" + id + "' not found."));
  }
  std::string body = "{";
  util::append_json_string(body, plan.id_fields.front());
  body.push_back(':');
  body += id_json(schema, plan.id_fields.front(), id);
  body.push_back('}');
  return http::Response::json(200, std::move(body));
}

}  // namespace

http::Response write_table(const http::Request& request, Service& service,
                           const TableTarget& target, TableOptions options, const std::string* id,
                           backend::CancelToken::Clock::time_point deadline, AuditNotes& notes) {
  const catalog::TableSchema& schema = *target.schema;
  if (schema.is_view) return method_not_allowed(request, "GET");
  auto plan = plan_write(request.method, target, options, id);
  if (!plan) return error_response(plan.error());
  backend::CancelToken cancel(deadline);
  const std::vector<std::string>& id_fields = plan->id_fields;
  switch (plan->kind) {
    case WriteKind::kInsert:
      return write_batch(
          service, options, id_fields, "created",
          [&](const std::vector<ParsedRecord>& records) {
            sql::InsertRequest insert;
            for (const auto& r : records) insert.records.push_back(r.values);
            return sql::build_insert(schema, insert);
          },
          /*count_when_unknown=*/true, cancel, notes);
    case WriteKind::kMerge:
      return write_batch(
          service, options, id_fields, "updated",
          [&](const std::vector<ParsedRecord>& records) {
            sql::MergeRequest merge;
            for (const auto& r : records) merge.records.push_back(r.values);
            merge.id_fields = id_fields;
            return sql::build_merge(schema, merge);
          },
          /*count_when_unknown=*/false, cancel, notes);
    case WriteKind::kPatchRecords:
      return patch_records(service, target, options, id_fields, cancel, notes);
    default:
      return run_single(service, target, *plan, cancel, notes);
  }
}

}  // namespace lakegate::api
