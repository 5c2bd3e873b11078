#include "catalog/table_schema.h"

#include "util/ascii.h"
#include "util/sql_identifier.h"

namespace lakegate::catalog {

std::string quote_table_name(const TableName& name) {
  std::string out;
  util::append_quoted_identifier(out, name.catalog);
  out.push_back('.');
  util::append_quoted_identifier(out, name.schema);
  out.push_back('.');
  util::append_quoted_identifier(out, name.table);
  return out;
}

const Column* TableSchema::find(std::string_view column_name) const {
  for (const auto& column : columns) {
    if (util::equals_ignore_case(column.name, column_name)) return &column;
  }
  return nullptr;
}

std::vector<std::string> TableSchema::default_id_fields() const {
  std::vector<std::string> fields;
  auto property = properties.find("lakegate.id_field");
  if (property != properties.end()) {
    std::string_view list = property->second;
    while (!list.empty()) {
      size_t comma = list.find(',');
      const std::string_view part = util::trim_whitespace(list.substr(0, comma));
      const Column* column = find(part);
      if (column == nullptr) {
        fields.clear();
        break;
      }
      fields.push_back(column->name);
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
    if (!fields.empty()) return fields;
  }
  if (const Column* id = find("id")) fields.push_back(id->name);
  return fields;
}

}  // namespace lakegate::catalog
