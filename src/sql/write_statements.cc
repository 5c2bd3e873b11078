// build_insert, build_update and build_delete (sql/table_statements.h).
#include <utility>

#include "sql/column_value.h"
#include "sql/statement_parts.h"
#include "sql/table_statements.h"

namespace lakegate::sql {
namespace {

Error bad_request(std::string message) {
  return Error(ErrorCode::kBadRequest, std::move(message));
}

std::string record_label(size_t index) {
  return "record " + std::to_string(index);
}

}  // namespace

// Columns of `records` in first-seen order (shared with build_merge). Each
// record's values are mapped to column indexes; a column named twice in one
// record, or not in the schema, is a 400 naming the record.
Result<std::vector<const catalog::Column*>> record_columns(
    const catalog::TableSchema& table, const std::vector<Record>& records,
    std::vector<std::vector<const ClientValue*>>& values_by_record) {
  std::vector<const catalog::Column*> columns;
  values_by_record.assign(records.size(), {});
  for (size_t record_index = 0; record_index < records.size(); ++record_index) {
    for (const auto& [name, value] : records[record_index]) {
      const catalog::Column* column = table.find(name);
      if (column == nullptr) {
        return bad_request(record_label(record_index) + ": unknown column '" + name + "'")
            .with("record", std::to_string(record_index))
            .with("field", name);
      }
      size_t column_index = 0;
      while (column_index < columns.size() && columns[column_index] != column) ++column_index;
      if (column_index == columns.size()) {
        columns.push_back(column);
        for (auto& row : values_by_record) row.resize(columns.size(), nullptr);
      }
      auto& slot = values_by_record[record_index][column_index];
      if (slot != nullptr) {
        return bad_request(record_label(record_index) + ": column '" + column->name +
                           "' is given twice")
            .with("record", std::to_string(record_index));
      }
      slot = &value;
    }
  }
  return columns;
}

Result<backend::Statement> build_insert(const catalog::TableSchema& table,
                                        const InsertRequest& request) {
  if (request.records.empty()) return bad_request("No record(s) detected in request.");
  std::vector<std::vector<const ClientValue*>> values;
  auto columns = record_columns(table, request.records, values);
  if (!columns) return columns.error();
  if (columns->empty()) return bad_request("record 0: no fields to insert");

  SqlFragment out("INSERT INTO ");
  out.add_table(table.name).add(" (");
  for (size_t index = 0; index < columns->size(); ++index) {
    if (index > 0) out.add(", ");
    out.add_column(*(*columns)[index]);
  }
  out.add(") VALUES ");
  static const ClientValue kMissing;  // a record without the column inserts NULL
  for (size_t record_index = 0; record_index < values.size(); ++record_index) {
    out.add(record_index == 0 ? FixedSql("(") : ", (");
    for (size_t index = 0; index < columns->size(); ++index) {
      if (index > 0) out.add(", ");
      const ClientValue* value = values[record_index][index];
      auto expression =
          write_value(*(*columns)[index], value ? *value : kMissing, record_label(record_index));
      if (!expression) return expression.error().with("record", std::to_string(record_index));
      out.add(*expression);
    }
    out.add(")");
  }
  return std::move(out).to_statement();
}

Result<backend::Statement> build_update(const catalog::TableSchema& table,
                                        const UpdateRequest& request, const PolicyFilter& policy) {
  if (request.values.empty()) return bad_request("No fields to update were given.");
  SqlFragment out("UPDATE ");
  out.add_table(table.name).add(" SET ");
  std::vector<const catalog::Column*> seen;
  for (size_t index = 0; index < request.values.size(); ++index) {
    const auto& [name, value] = request.values[index];
    auto column = resolve_field(table, name);
    if (!column) return column.error();
    for (const auto* earlier : seen) {
      if (earlier == *column) return bad_request("column '" + (*column)->name + "' is given twice");
    }
    seen.push_back(*column);
    auto expression = write_value(**column, value, "update");
    if (!expression) return expression.error();
    if (index > 0) out.add(", ");
    out.add_column(**column).add(" = ").add(*expression);
  }
  auto where = build_where(
      table, WhereInputs{request.filter, &request.params, &request.ids, &request.id_fields},
      policy);
  if (!where) return where.error();
  if (!where->client_given) {
    return bad_request("refusing to update every row: give a filter or ids");
  }
  append_where(out, *where);
  return std::move(out).to_statement();
}

Result<backend::Statement> build_delete(const catalog::TableSchema& table,
                                        const DeleteRequest& request, const PolicyFilter& policy) {
  auto where = build_where(
      table, WhereInputs{request.filter, &request.params, &request.ids, &request.id_fields},
      policy);
  if (!where) return where.error();
  if (!where->client_given) {
    return bad_request("refusing to delete every row: give a filter or ids");
  }
  SqlFragment out("DELETE FROM ");
  out.add_table(table.name);
  append_where(out, *where);
  return std::move(out).to_statement();
}

}  // namespace lakegate::sql
