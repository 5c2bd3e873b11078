// The seam under the system store: one SQL connection to SQLite or
// PostgreSQL with '?' placeholders and text values (NULL as nullopt). The
// store's SQL is written once against it; the PostgreSQL driver rewrites '?'
// to $1..$n. Not thread-safe: the Store serializes access with a mutex.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace lakegate::store {

using DbValue = std::optional<std::string>;  // nullopt = SQL NULL
using DbRow = std::vector<DbValue>;

class Database {
 public:
  virtual ~Database() = default;
  // "sqlite" or "postgresql": picks the dialect of migrations.
  virtual std::string_view dialect() const = 0;
  // Runs one statement; rows of a SELECT (or RETURNING), else empty.
  // Errors are kStore with the driver's message (never the parameter values);
  // a unique-constraint violation is kConflict.
  virtual Result<std::vector<DbRow>> query(std::string_view sql,
                                           const std::vector<DbValue>& params = {}) = 0;
  // Runs several ';'-separated statements without parameters (migrations).
  virtual Status execute_script(std::string_view sql) = 0;
};

// Opens `url`: "sqlite:///abs/path.db", "sqlite://relative.db", a plain path
// (SQLite, WAL mode, busy timeout 5 s, foreign keys on), or
// "postgresql://user:pass@host:port/db" / "postgres://…" (libpq).
Result<std::unique_ptr<Database>> open_database(const std::string& url);

}  // namespace lakegate::store
