// build_merge (sql/table_statements.h): PUT upserts by id_fields.
//
//   MERGE INTO t AS target
//   USING (SELECT * FROM VALUES (…), (…) AS source(`k`, `c`, `__lakegate_has_1`)) AS source
//   ON target.`k` = source.`k`
//   WHEN MATCHED THEN UPDATE SET target.`c` = CASE WHEN source.`__lakegate_has_1`
//        THEN source.`c` ELSE target.`c` END
//   WHEN NOT MATCHED THEN INSERT (`k`, `c`) VALUES (source.`k`, source.`c`)
//
// A column every record sends is set plainly; a column only some records send
// gets a boolean "has" column so the others keep their target value.
#include <set>
#include <utility>

#include "sql/column_value.h"
#include "sql/spark_types.h"
#include "sql/statement_parts.h"
#include "sql/table_statements.h"

namespace lakegate::sql {
namespace {

Error bad_request(std::string message) {
  return Error(ErrorCode::kBadRequest, std::move(message));
}

void add_has_column(SqlFragment& out, size_t column_index) {
  out.add("`__lakegate_has_").add_integer(static_cast<int64_t>(column_index)).add("`");
}

}  // namespace

Result<backend::Statement> build_merge(const catalog::TableSchema& table,
                                       const MergeRequest& request) {
  if (request.records.empty()) return bad_request("No record(s) detected in request.");
  if (request.id_fields.empty()) return bad_request("an upsert needs id_field (the key columns)");
  std::vector<const catalog::Column*> keys;
  for (const auto& name : request.id_fields) {
    auto column = resolve_field(table, name);
    if (!column) return column.error();
    keys.push_back(*column);
  }
  std::vector<std::vector<const ClientValue*>> values;
  auto columns_result = record_columns(table, request.records, values);
  if (!columns_result) return columns_result.error();
  const auto& columns = *columns_result;

  // Every record carries every key, non-null; no two records share a key.
  std::vector<size_t> key_indexes;
  for (const auto* key : keys) {
    size_t index = 0;
    while (index < columns.size() && columns[index] != key) ++index;
    key_indexes.push_back(index);
  }
  std::set<std::vector<std::string>> seen_keys;
  for (size_t record_index = 0; record_index < values.size(); ++record_index) {
    std::vector<std::string> key_text;
    for (size_t k = 0; k < keys.size(); ++k) {
      const ClientValue* value =
          key_indexes[k] < columns.size() ? values[record_index][key_indexes[k]] : nullptr;
      if (value == nullptr || value->is_json() ||
          value->scalar.kind == backend::Value::Kind::kNull) {
        return bad_request("record " + std::to_string(record_index) + ": id field '" +
                           keys[k]->name + "' is missing or null")
            .with("record", std::to_string(record_index));
      }
      key_text.push_back(value_text(value->scalar));
    }
    if (!seen_keys.insert(std::move(key_text)).second) {
      return bad_request("record " + std::to_string(record_index) +
                         ": another record has the same id")
          .with("record", std::to_string(record_index));
    }
  }

  std::vector<bool> partial(columns.size(), false);
  for (const auto& row : values) {
    for (size_t index = 0; index < columns.size(); ++index) {
      if (row[index] == nullptr) partial[index] = true;
    }
  }

  SqlFragment out("MERGE INTO ");
  out.add_table(table.name).add(" AS target USING (SELECT * FROM VALUES ");
  static const ClientValue kMissing;
  for (size_t record_index = 0; record_index < values.size(); ++record_index) {
    out.add(record_index == 0 ? FixedSql("(") : ", (");
    for (size_t index = 0; index < columns.size(); ++index) {
      if (index > 0) out.add(", ");
      const ClientValue* value = values[record_index][index];
      if (value == nullptr) {
        // Typed NULL: kept out of the update by the "has" column, inserted as NULL.
        catalog::Column nullable = *columns[index];
        nullable.nullable = true;
        auto expression = write_value(nullable, kMissing, "record");
        if (!expression) return expression.error();
        out.add(*expression);
        continue;
      }
      auto expression =
          write_value(*columns[index], *value, "record " + std::to_string(record_index));
      if (!expression) return expression.error().with("record", std::to_string(record_index));
      out.add(*expression);
    }
    for (size_t index = 0; index < columns.size(); ++index) {
      if (partial[index]) out.add(values[record_index][index] ? FixedSql(", true") : ", false");
    }
    out.add(")");
  }
  out.add(" AS source(");
  for (size_t index = 0; index < columns.size(); ++index) {
    if (index > 0) out.add(", ");
    out.add_column(*columns[index]);
  }
  for (size_t index = 0; index < columns.size(); ++index) {
    if (!partial[index]) continue;
    out.add(", ");
    add_has_column(out, index);
  }
  out.add(")) AS source ON ");
  for (size_t k = 0; k < keys.size(); ++k) {
    if (k > 0) out.add(" AND ");
    out.add("target.").add_column(*keys[k]).add(" = source.").add_column(*keys[k]);
  }

  bool first_set = true;
  for (size_t index = 0; index < columns.size(); ++index) {
    bool is_key = false;
    for (const auto* key : keys) is_key |= key == columns[index];
    if (is_key) continue;
    out.add(first_set ? FixedSql(" WHEN MATCHED THEN UPDATE SET ") : ", ");
    first_set = false;
    const catalog::Column& column = *columns[index];
    out.add("target.").add_column(column).add(" = ");
    if (!partial[index]) {
      out.add("source.").add_column(column);
      continue;
    }
    out.add("CASE WHEN source.");
    add_has_column(out, index);
    out.add(" THEN source.").add_column(column).add(" ELSE target.").add_column(column).add(" END");
  }
  out.add(" WHEN NOT MATCHED THEN INSERT (");
  for (size_t index = 0; index < columns.size(); ++index) {
    if (index > 0) out.add(", ");
    out.add_column(*columns[index]);
  }
  out.add(") VALUES (");
  for (size_t index = 0; index < columns.size(); ++index) {
    if (index > 0) out.add(", ");
    out.add("source.").add_column(*columns[index]);
  }
  out.add(")");
  return std::move(out).to_statement();
}

}  // namespace lakegate::sql
