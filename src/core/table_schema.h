// Part of the header-only core (contract types every layer shares).
// What lakegate knows about a table: its resolved three-part name, columns
// with their Spark types, and Delta facts. Produced by catalog::MetadataCache
// from Spark's own answers (never from the client); consumed by sql/ to check
// every identifier a request names, and by api/ for _schema and OpenAPI.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "util/ascii.h"
#include "util/sql_identifier.h"

namespace lakegate::catalog {

// A table reference with every part resolved (defaults applied).
struct TableName {
  std::string catalog;  // e.g. "spark_catalog"
  std::string schema;   // e.g. "nyctaxi"
  std::string table;    // e.g. "trips"

  // "catalog.schema.table" for messages (not for SQL: use quote_table_name).
  std::string display() const { return catalog + "." + schema + "." + table; }
  bool operator==(const TableName&) const = default;
  bool operator<(const TableName& o) const {
    return std::tie(catalog, schema, table) < std::tie(o.catalog, o.schema, o.table);
  }
};

// `catalog`.`schema`.`table` for SQL, each part through
// util::quote_sql_identifier.
inline std::string quote_table_name(const TableName& name) {
  std::string out;
  util::append_quoted_identifier(out, name.catalog);
  out.push_back('.');
  util::append_quoted_identifier(out, name.schema);
  out.push_back('.');
  util::append_quoted_identifier(out, name.table);
  return out;
}

struct Column {
  std::string name;        // exact case as Spark reports it
  std::string spark_type;  // Spark's DDL type text: "int", "decimal(10,2)", "array<string>", ...
  bool nullable = true;
  std::string comment;
  bool is_partition = false;
};

struct TableSchema {
  TableName name;
  std::vector<Column> columns;  // in table order
  // Some of the table's columns were removed (hidden from the caller by a
  // role): statements must name the columns, never `*`.
  bool columns_hidden = false;
  bool is_view = false;
  bool is_delta = false;  // Delta table: writable, versioned, time travel
  std::string provider;   // "delta", "iceberg", "parquet", ... ("" for views)
  std::string comment;
  std::vector<std::string> partition_columns;
  std::map<std::string, std::string> properties;  // table properties (Delta's included)
  // DESCRIBE's "# Detailed Table Information" rows in order (Type, Provider,
  // Location, Owner, Created Time, ...), for _schema's "native".
  std::vector<std::pair<std::string, std::string>> details;

  // Case-insensitive lookup (Spark resolves column names case-insensitively).
  const Column* find(std::string_view column_name) const {
    for (const auto& column : columns) {
      if (util::equals_ignore_case(column.name, column_name)) return &column;
    }
    return nullptr;
  }

  // The columns that identify a record when a request gives no id_field
  // (Spark has no primary keys): the comma-separated columns of table
  // property `lakegate.id_field` (each must exist), else a column named `id`
  // (any case), else none.
  std::vector<std::string> default_id_fields() const {
    std::vector<std::string> fields;
    auto property = properties.find("lakegate.id_field");
    if (property != properties.end()) {
      std::string_view list = property->second;
      while (!list.empty()) {
        const size_t comma = list.find(',');
        const Column* column = find(util::trim_whitespace(list.substr(0, comma)));
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
};

}  // namespace lakegate::catalog
