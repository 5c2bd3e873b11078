#include "catalog/describe_parser.h"

#include <algorithm>
#include <set>

#include "util/ascii.h"

namespace lakegate::catalog {
namespace {

std::string_view cell(const TextRow& row, size_t column) {
  if (column >= row.size() || !row[column]) return {};
  return *row[column];
}

using util::equals_ignore_case;
using util::trim_whitespace;

enum class Section { kColumns, kPartitions, kPartitioning, kDetails, kOther };

Section section_of(std::string_view header) {
  if (header == "# Partition Information") return Section::kPartitions;
  if (header == "# Partitioning") return Section::kPartitioning;
  if (header == "# Detailed Table Information") return Section::kDetails;
  return Section::kOther;  // "# Metadata Columns", "# Clustering Information", ...
}

void apply_detail(TableSchema& table, std::string_view key, std::string_view value) {
  table.details.emplace_back(std::string(key), std::string(value));
  if (key == "Type") {
    table.is_view = equals_ignore_case(value, "VIEW");
  } else if (key == "Provider") {
    table.provider = std::string(value);
    table.is_delta = equals_ignore_case(value, "delta");
  } else if (key == "Comment") {
    table.comment = std::string(value);
  } else if (key == "Table Properties") {
    for (auto& [property, property_value] : parse_property_list(value)) {
      table.properties[property] = property_value;
    }
  }
}

}  // namespace

Result<TableSchema> parse_describe_extended(const std::vector<TextRow>& rows) {
  TableSchema table;
  Section section = Section::kColumns;
  for (const TextRow& row : rows) {
    if (row.size() < 2) {
      return Error(ErrorCode::kProtocol, "DESCRIBE TABLE EXTENDED answered in an unknown shape");
    }
    const std::string_view name = cell(row, 0);
    const std::string_view type = cell(row, 1);
    if (name.empty()) continue;  // the blank row between sections
    if (name.starts_with("#")) {
      if (name == "# col_name") continue;  // column header of the partition section
      section = section_of(name);
      continue;
    }
    switch (section) {
      case Section::kColumns: {
        Column column;
        column.name = std::string(name);
        column.spark_type = std::string(type);
        column.comment = std::string(cell(row, 2));
        table.columns.push_back(std::move(column));
        break;
      }
      case Section::kPartitions:
        table.partition_columns.emplace_back(name);
        break;
      case Section::kPartitioning:  // "Part 0" | "p" (identity) or "bucket(16, id)"
        for (const Column& column : table.columns) {
          if (column.name == type) table.partition_columns.push_back(column.name);
        }
        break;
      case Section::kDetails:
        apply_detail(table, name, type);
        break;
      case Section::kOther:
        break;
    }
  }
  if (table.columns.empty()) {
    return Error(ErrorCode::kProtocol, "DESCRIBE TABLE EXTENDED listed no columns");
  }
  for (Column& column : table.columns) {
    column.is_partition = std::find(table.partition_columns.begin(), table.partition_columns.end(),
                                    column.name) != table.partition_columns.end();
  }
  return table;
}

std::map<std::string, std::string> parse_property_list(std::string_view text) {
  std::map<std::string, std::string> properties;
  text = trim_whitespace(text);
  if (text.size() < 2 || text.front() != '[' || text.back() != ']') return properties;
  text = text.substr(1, text.size() - 2);
  // Split on ',' but glue a segment without '=' to the previous value.
  std::vector<std::string> entries;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view segment = text.substr(start, end - start);
    if (segment.find('=') == std::string_view::npos && !entries.empty()) {
      entries.back().append(",").append(segment);
    } else {
      entries.emplace_back(trim_whitespace(segment));
    }
    start = end + 1;
  }
  for (const std::string& entry : entries) {
    size_t equals = entry.find('=');
    if (equals == std::string::npos || equals == 0) continue;
    properties[entry.substr(0, equals)] = entry.substr(equals + 1);
  }
  return properties;
}

std::map<std::string, std::string> parse_tblproperties(const std::vector<TextRow>& rows) {
  std::map<std::string, std::string> properties;
  for (const TextRow& row : rows) {
    if (row.size() < 2 || !row[0]) continue;
    properties[*row[0]] = row[1] ? *row[1] : std::string();
  }
  return properties;
}

void apply_nullability(TableSchema& table, const arrow::Schema& schema) {
  const bool same_shape = schema.fields.size() == table.columns.size();
  for (size_t i = 0; i < table.columns.size(); ++i) {
    Column& column = table.columns[i];
    const arrow::Field* match = nullptr;
    for (const auto& field : schema.fields) {
      if (field.name == column.name) {
        match = &field;
        break;
      }
    }
    if (match == nullptr && same_shape) match = &schema.fields[i];
    if (match != nullptr) column.nullable = match->nullable;
  }
}

std::string information_value(std::string_view information, std::string_view key) {
  size_t start = 0;
  while (start < information.size()) {
    size_t end = information.find('\n', start);
    if (end == std::string_view::npos) end = information.size();
    std::string_view line = information.substr(start, end - start);
    if (line.size() > key.size() + 1 && line.starts_with(key) && line[key.size()] == ':') {
      return std::string(trim_whitespace(line.substr(key.size() + 1)));
    }
    start = end + 1;
  }
  return {};
}

std::vector<TableEntry> parse_table_listing(const std::vector<TextRow>& rows, int name_column,
                                            int temporary_column, int information_column) {
  std::vector<TableEntry> tables;
  for (const TextRow& row : rows) {
    if (name_column < 0 || cell(row, name_column).empty()) continue;
    if (temporary_column >= 0 && cell(row, temporary_column) == "true") continue;
    TableEntry entry;
    entry.name = std::string(cell(row, name_column));
    entry.type = "table";
    if (information_column >= 0) {
      const std::string_view information = cell(row, information_column);
      if (equals_ignore_case(information_value(information, "Type"), "VIEW")) entry.type = "view";
      entry.is_delta = equals_ignore_case(information_value(information, "Provider"), "delta");
    }
    tables.push_back(std::move(entry));
  }
  std::sort(tables.begin(), tables.end(),
            [](const TableEntry& a, const TableEntry& b) { return a.name < b.name; });
  return tables;
}

std::vector<std::string> first_column(const std::vector<TextRow>& rows) {
  std::vector<std::string> values;
  for (const TextRow& row : rows) {
    if (!row.empty() && row[0]) values.push_back(*row[0]);
  }
  return values;
}

std::vector<std::string> configured_catalogs(const std::vector<TextRow>& set_rows) {
  constexpr std::string_view kPrefix = "spark.sql.catalog.";
  std::set<std::string> names;
  for (const TextRow& row : set_rows) {
    const std::string_view key = cell(row, 0);
    if (!key.starts_with(kPrefix)) continue;
    const std::string_view name = key.substr(kPrefix.size());
    if (name.empty() || name.find('.') != std::string_view::npos) continue;
    names.emplace(name);
  }
  return {names.begin(), names.end()};
}

}  // namespace lakegate::catalog
