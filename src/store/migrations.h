// The versioned schema of the system store, private to the store: one list
// of numbered steps, each with its SQLite and PostgreSQL text. migrate()
// applies the missing steps inside one transaction and records each in
// schema_migrations(version, applied_at); re-running it is a no-op. On
// PostgreSQL a transaction-scoped advisory lock serializes nodes that start
// at the same time; on SQLite BEGIN IMMEDIATE does.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "store/database.h"
#include "util/result.h"

namespace lakegate::store {

struct Migration {
  int version;
  std::string_view summary;
  std::string sqlite_sql;      // the step's text rendered for each dialect
  std::string postgresql_sql;
};

// Every step, in version order (1, 2, ...). Versions are never reused or edited
// once released; a change is a new step.
const std::vector<Migration>& migrations();

// Brings `db` to the latest version. kStore when a step fails (nothing of the
// run is kept) or when the store was migrated by a newer lakegate.
Status migrate(Database& db);

// Highest applied version (0 when none is); kStore if migrate() never ran.
Result<int> applied_schema_version(Database& db);

}  // namespace lakegate::store
