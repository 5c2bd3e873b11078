// The parsed, still-unchecked form of a _table request: what the client asked
// for, in the client's words. api/ fills these from the URL, headers and JSON
// body; sql/ checks every name against a catalog::TableSchema and builds the
// Statement (sql/table_statements.h). Nothing here is SQL text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/value.h"

namespace lakegate::sql {

// A value the client sent for a column (records) or a placeholder (params).
// Scalars are typed Values; arrays/objects keep their JSON text so sql/ can
// bind them as one string parameter converted with from_json(?, '<type>').
struct ClientValue {
  backend::Value scalar;  // used when `json` is empty
  std::string json;       // raw JSON text of an array or object value
  bool is_json() const { return !json.empty(); }
};

struct OrderTerm {
  std::string column;
  bool descending = false;
  std::optional<bool> nulls_first;  // unset: Spark's default for the direction
};

// Time travel on Delta tables (at most one is set).
struct TimeTravel {
  std::optional<int64_t> version;        // VERSION AS OF n
  std::optional<std::string> timestamp;  // TIMESTAMP AS OF '<text>' (bound as a parameter)
};

// GET /_table/{name} (and the read half of writes that return records).
struct ReadRequest {
  std::vector<std::string> fields;  // empty or {"*"} = all columns
  std::string filter;               // DreamFactory filter text, may be empty
  std::vector<std::pair<std::string, ClientValue>> params;  // ":name" → value for the filter
  std::vector<OrderTerm> order;
  std::vector<std::string> group;      // GROUP BY columns
  std::vector<std::string> ids;        // ids=… values as text
  std::vector<std::string> id_fields;  // id_field=…; default: the table's key (see api/)
  int64_t limit = 0;                   // rows to return; 0 = none asked (api applies max_records)
  int64_t offset = 0;
  TimeTravel time_travel;
};

// One record of a POST/PUT/PATCH body: column name → value, in body order.
using Record = std::vector<std::pair<std::string, ClientValue>>;

// POST /_table/{name}: one INSERT of every record (atomic on Delta).
struct InsertRequest {
  std::vector<Record> records;
};

// PATCH by filter/ids: SET the given columns on matching rows.
struct UpdateRequest {
  Record values;  // columns to set
  std::string filter;
  std::vector<std::pair<std::string, ClientValue>> params;
  std::vector<std::string> ids;
  std::vector<std::string> id_fields;
};

// PUT: upsert records by id_fields with MERGE.
struct MergeRequest {
  std::vector<Record> records;
  std::vector<std::string> id_fields;
};

// DELETE by filter/ids (never neither: that is refused with 400).
struct DeleteRequest {
  std::string filter;
  std::vector<std::pair<std::string, ClientValue>> params;
  std::vector<std::string> ids;
  std::vector<std::string> id_fields;
};

}  // namespace lakegate::sql
