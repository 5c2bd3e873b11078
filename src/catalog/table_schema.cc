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

}  // namespace lakegate::catalog
