// Pieces shared by the statement builders (internal to sql/): resolving
// requested names against the schema with DreamFactory's messages, the
// WHERE clause (client filter, ids, policy filter) and time travel. Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/table_schema.h"
#include "sql/filter_binder.h"
#include "sql/sql_fragment.h"
#include "sql/table_request.h"
#include "util/result.h"

namespace lakegate::sql {

// `name` (trimmed; surrounding back-quotes removed) as a schema column, or
// 400 "Invalid field requested: name".
Result<const catalog::Column*> resolve_field(const catalog::TableSchema& table,
                                             std::string_view name);

// The columns `records` name, in first-seen order; `values_by_record[r][c]`
// is record r's value for column c, or null when the record lacks it. 400
// naming the record for an unknown column or a column given twice.
Result<std::vector<const catalog::Column*>> record_columns(
    const catalog::TableSchema& table, const std::vector<Record>& records,
    std::vector<std::vector<const ClientValue*>>& values_by_record);

// What a WHERE clause is made of.
struct WhereInputs {
  std::string_view filter;
  const FilterParams* params = nullptr;
  const std::vector<std::string>* ids = nullptr;
  const std::vector<std::string>* id_fields = nullptr;
};

struct WhereClause {
  SqlFragment condition;      // empty: no WHERE at all
  bool client_given = false;  // the client gave a filter or ids
};

// (filter) AND (id IN (?, …)) AND (policy), leaving out the parts not given.
Result<WhereClause> build_where(const catalog::TableSchema& table, const WhereInputs& inputs,
                                const PolicyFilter& policy);

// " WHERE <condition>" or nothing.
void append_where(SqlFragment& out, const WhereClause& where);

// " VERSION AS OF n" / " TIMESTAMP AS OF ?" or nothing; 400 on a negative
// version, both given, or a timestamp with characters outside [0-9-:T .Z+].
Status append_time_travel(SqlFragment& out, const TimeTravel& time_travel);

}  // namespace lakegate::sql
