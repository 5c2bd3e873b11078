// The two drivers behind open_database (database.h), private to the store:
// each opens one connection and returns it as a Database, or kStore with the
// driver's message when the connection cannot be made.
#pragma once

#include <memory>
#include <string>

#include "store/database.h"
#include "util/result.h"

namespace lakegate::store {

// SQLite file at `path` (created if absent): WAL journal, busy timeout 5 s,
// foreign keys on. ":memory:" works for a private in-memory database.
Result<std::unique_ptr<Database>> open_sqlite_database(const std::string& path);

// libpq connection to a "postgresql://…" or "postgres://…" URL; reconnects
// once when the connection turns out to be broken outside a transaction.
Result<std::unique_ptr<Database>> open_postgresql_database(const std::string& url);

}  // namespace lakegate::store
