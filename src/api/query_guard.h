// Who may run raw SQL through _query, and the read-only check.
//   - sys-admins (and security off): anything;
//   - a role with a row filter or column rule anywhere on the service: never —
//     raw SQL can name any table and column, so it would bypass them;
//   - a `_query` grant with POST: any statement;
//   - a `_query` grant with GET only: read-only statements, decided from
//     Spark's own parse of the statement: `EXPLAIN EXTENDED <sql>` (nothing
//     runs) and every operator of the parsed logical plan must be on a closed
//     list of query operators (SELECT, joins, CTEs, set operations, SHOW /
//     DESCRIBE, …) with no reflection functions (reflect, java_method) and no
//     table-valued function but range. Anything unrecognised is refused.
#pragma once

#include <string_view>

#include "api/access.h"
#include "api/service_registry.h"
#include "backend/backend.h"
#include "util/result.h"

namespace lakegate::api {

Status authorize_query(const Access& access, Service& service,
                       const backend::Statement& statement);

// The operators of a parsed logical plan (the "== Parsed Logical Plan =="
// section of EXPLAIN EXTENDED); kForbidden naming the first operator or
// function that is not read-only, kForbidden if the section is missing.
Status check_read_only_plan(std::string_view explain_text);

}  // namespace lakegate::api
