// DESCRIBE HISTORY of a Delta table (GET /_table/{name}?history=true): the
// table's commits, newest first. The table name comes from the catalog (a
// resolved TableName) and is back-quoted; the limit is an integer lakegate
// formats itself, so no client text reaches the SQL.
#pragma once

#include <cstdint>

#include "core/backend.h"
#include "core/table_schema.h"
#include "util/result.h"

namespace lakegate::sql {

// DESCRIBE HISTORY `c`.`s`.`t` [LIMIT n]; `limit` <= 0 means no limit.
Result<backend::Statement> build_history(const catalog::TableName& table, int64_t limit);

}  // namespace lakegate::sql
