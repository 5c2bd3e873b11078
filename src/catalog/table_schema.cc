#include "catalog/table_schema.h"

#include <strings.h>

namespace lakegate::catalog {

const Column* TableSchema::find(std::string_view column_name) const {
  for (const auto& column : columns) {
    if (column.name.size() == column_name.size() &&
        strncasecmp(column.name.data(), column_name.data(), column_name.size()) == 0) {
      return &column;
    }
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
      std::string_view part = list.substr(0, comma);
      while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
      while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
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
