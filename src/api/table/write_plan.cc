#include "api/table/write_plan.h"

#include <algorithm>

#include "sql/table_statements.h"
#include "util/ascii.h"

namespace lakegate::api {
namespace {

Error bad_request(std::string message) {
  return Error(ErrorCode::kBadRequest, std::move(message));
}

bool is_id_field(const std::vector<std::string>& id_fields, const std::string& name) {
  return std::any_of(id_fields.begin(), id_fields.end(), [&](const std::string& field) {
    return util::equals_ignore_case(field, name);
  });
}

// The record's values but its id fields.
sql::Record without_ids(const sql::Record& record, const std::vector<std::string>& id_fields) {
  sql::Record values;
  for (const auto& entry : record) {
    if (!is_id_field(id_fields, entry.first)) values.push_back(entry);
  }
  return values;
}

Result<WritePlan> plan_by_id(const std::string& method, const TableTarget& target,
                             const TableOptions& options, const std::string& id, WritePlan plan) {
  const catalog::TableSchema& schema = *target.schema;
  const std::vector<std::string>& id_fields = plan.id_fields;
  if (id_fields.size() != 1) return bad_request("A record identifier needs exactly one id_field.");
  plan.ids = {id};
  Result<backend::Statement> statement = Error(ErrorCode::kInternal, "no statement");
  if (method == "DELETE") {
    plan.kind = WriteKind::kDeleteById;
    sql::DeleteRequest remove;
    remove.ids = {id};
    remove.id_fields = id_fields;
    statement = sql::build_delete(schema, remove, target.policy.row_filter);
  } else {
    if (options.records.size() != 1) {
      return bad_request("No record detected in request: send one JSON object.");
    }
    sql::Record values = without_ids(options.records.front().values, id_fields);
    if (method == "PATCH") {
      if (values.empty()) return bad_request("No fields to update in request.");
      plan.kind = WriteKind::kUpdateById;
      sql::UpdateRequest update;
      update.values = std::move(values);
      update.ids = {id};
      update.id_fields = id_fields;
      statement = sql::build_update(schema, update, target.policy.row_filter);
    } else {
      // PUT: upsert the record with the URL's id.
      plan.kind = WriteKind::kMergeById;
      sql::Record record;
      record.emplace_back(id_fields.front(), sql::ClientValue{backend::Value::string(id), {}});
      for (auto& entry : values) record.push_back(std::move(entry));
      sql::MergeRequest merge;
      merge.records = {std::move(record)};
      merge.id_fields = id_fields;
      statement = sql::build_merge(schema, merge);
    }
  }
  if (!statement) return statement.error();
  plan.statement = std::move(*statement);
  return plan;
}

// DELETE of the rows ids=, filter= or the body's records name.
Result<WritePlan> plan_delete(const TableTarget& target, const TableOptions& options,
                              WritePlan plan) {
  const sql::ReadRequest& read = options.read;
  const std::vector<std::string>& id_fields = plan.id_fields;
  plan.kind = WriteKind::kDeleteSelected;
  sql::DeleteRequest remove;
  remove.filter = read.filter;
  remove.params = read.params;
  remove.ids = read.ids;
  remove.id_fields = id_fields;
  const bool selects_rows = !read.filter.empty() || !read.ids.empty();
  if (!selects_rows && options.has_body_records && !options.records.empty()) {
    if (id_fields.size() != 1) return bad_request("DELETE by records needs one id_field.");
    for (size_t i = 0; i < options.records.size(); ++i) {
      auto text = record_id_text(options.records[i].values, id_fields.front());
      if (!text) return bad_request("Record " + std::to_string(i) + " has no id.");
      remove.ids.push_back(*text);
    }
  }
  if (remove.filter.empty() && remove.ids.empty()) {
    return bad_request("No filter or records given for delete request.");
  }
  auto statement = sql::build_delete(*target.schema, remove, target.policy.row_filter);
  if (!statement) return statement.error();
  plan.statement = std::move(*statement);
  plan.ids = std::move(remove.ids);
  return plan;
}

// PUT/PATCH of the rows ids= or filter= select: the first record's fields.
Result<WritePlan> plan_update_selected(const TableTarget& target, const TableOptions& options,
                                       WritePlan plan) {
  const sql::ReadRequest& read = options.read;
  if (options.records.empty()) return bad_request("No record detected in request.");
  plan.kind = WriteKind::kUpdateSelected;
  sql::UpdateRequest update;
  update.values = without_ids(options.records.front().values, plan.id_fields);
  if (update.values.empty()) return bad_request("No fields to update in request.");
  update.filter = read.filter;
  update.params = read.params;
  update.ids = read.ids;
  update.id_fields = plan.id_fields;
  auto statement = sql::build_update(*target.schema, update, target.policy.row_filter);
  if (!statement) return statement.error();
  plan.statement = std::move(*statement);
  plan.ids = std::move(update.ids);
  return plan;
}

}  // namespace

std::optional<std::string> record_id_text(const sql::Record& record, std::string_view id_field) {
  for (const auto& [key, value] : record) {
    if (!util::equals_ignore_case(key, id_field)) continue;
    if (value.is_json()) return std::nullopt;
    const backend::Value& v = value.scalar;
    switch (v.kind) {
      case backend::Value::Kind::kNull:
        return std::nullopt;
      case backend::Value::Kind::kBool:
        return std::string(v.bool_value ? "true" : "false");
      case backend::Value::Kind::kInt64:
        return std::to_string(v.int_value);
      case backend::Value::Kind::kDouble:
        return std::to_string(v.double_value);
      default:
        return v.text;
    }
  }
  return std::nullopt;
}

Result<WritePlan> plan_write(const std::string& method, const TableTarget& target,
                             const TableOptions& options, const std::string* id) {
  const catalog::TableSchema& schema = *target.schema;
  if (!schema.is_delta) {
    return bad_request(
        "Table \"" + target.name.display() + "\" is not a Delta table" +
        (schema.provider.empty() ? std::string() : " (provider: " + schema.provider + ")") +
        "; lakegate writes only to Delta tables.");
  }
  WritePlan plan;
  plan.id_fields = id_fields_of(schema, options.read.id_fields);
  if (id != nullptr) return plan_by_id(method, target, options, *id, std::move(plan));

  const sql::ReadRequest& read = options.read;
  const bool selects_rows = !read.filter.empty() || !read.ids.empty();
  if (!read.ids.empty() && plan.id_fields.empty()) {
    return bad_request("ids= needs an id field: pass id_field=<column>.");
  }
  if (method == "POST") {
    if (options.records.empty() || options.single_object) {
      return bad_request("No record(s) detected in request.");
    }
    plan.kind = WriteKind::kInsert;
    return plan;
  }
  if (method == "DELETE") return plan_delete(target, options, std::move(plan));
  // PUT / PATCH
  if (selects_rows) return plan_update_selected(target, options, std::move(plan));
  if (options.records.empty()) {
    return bad_request("No filter or records given for " +
                       std::string(method == "PUT" ? "replace" : "update") + " request.");
  }
  if (plan.id_fields.empty()) {
    return bad_request("Updating records needs an id field: pass id_field=<column>.");
  }
  if (method == "PATCH") {
    if (options.rollback) {
      return bad_request(
          "rollback=true is not available for a PATCH of several records on Delta (one UPDATE "
          "per record, no multi-statement transactions); use PUT, whose single MERGE is atomic.");
    }
    plan.kind = WriteKind::kPatchRecords;
    return plan;
  }
  plan.kind = WriteKind::kMerge;
  return plan;
}

}  // namespace lakegate::api
