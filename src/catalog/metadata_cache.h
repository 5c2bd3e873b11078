// Catalog metadata of one service, fetched from Spark with SQL through the
// service's Backend (so it works on every protocol) and cached with a TTL:
// table schemas for sql/ and api/, and the catalog → schema → table listing
// for _catalog. Thread-safe. DDL run through _query calls invalidate().
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "config/service_config.h"
#include "core/backend.h"
#include "core/table_schema.h"
#include "util/result.h"

namespace lakegate::catalog {

struct TableEntry {
  std::string name;
  std::string type;  // "table" or "view"
  bool is_delta = false;
};

// Resolves "t", "s.t" or "c.s.t" (parts may be back-quoted, "``" inside for a
// backtick) with the service's default catalog (else "spark_catalog") and
// schema (else "default"); see name_resolution.h. kBadRequest for an empty
// part, bad quoting or more than three parts. Does not ask Spark.
Result<TableName> resolve_table_name(std::string_view text, const config::ServiceConfig& service);

// Every lookup runs small SQL statements (metadata_sql.h) and caches the
// answer for `ttl` (0 = no caching); errors are never cached. When an entry
// expires, one caller fetches it again while the others are answered with
// the old value (no stampede of identical statements on Spark); invalidation
// drops entries outright, so nothing older than a write is served.
//   catalogs()      SHOW CATALOGS + SET (configured spark.sql.catalog.* names)
//   schemas(c)      SHOW SCHEMAS IN c               (404 for an unknown catalog)
//   tables(c, s)    SHOW TABLE EXTENDED IN c.s LIKE '*' (else SHOW TABLES)
//   describe(t)     DESCRIBE TABLE EXTENDED t, SELECT * FROM t LIMIT 0 (for
//                   nullability), SHOW TBLPROPERTIES t
//   delta_version   DESCRIBE HISTORY t LIMIT 1, cached for the service's
//                   version_ttl_ms (writes through lakegate drop it at once)
// A Delta table's current version and when it was committed (DESCRIBE
// HISTORY's timestamp, as Spark prints it): the pair names one commit even
// across a table dropped and created again, whose versions restart at 0.
struct DeltaVersion {
  int64_t number = 0;
  std::string committed_at;  // empty when Spark did not say
};

class MetadataCache {
 public:
  MetadataCache(backend::Backend& backend, const config::ServiceConfig& service,
                std::chrono::seconds ttl = std::chrono::seconds(60));

  // Columns, types, Delta facts. Unknown table → kTableNotFound naming it.
  Result<std::shared_ptr<const TableSchema>> describe(const TableName& name,
                                                      const backend::CancelToken& cancel);
  Result<std::vector<std::string>> catalogs(const backend::CancelToken& cancel);
  Result<std::vector<std::string>> schemas(const std::string& catalog,
                                           const backend::CancelToken& cancel);
  Result<std::vector<TableEntry>> tables(const std::string& catalog, const std::string& schema,
                                         const backend::CancelToken& cancel);
  // The current Delta version of a table (for meta.version, ETag, paging):
  // at most version_ttl_ms old, never older than a write through this cache's
  // invalidate_version()/invalidate_versions().
  Result<DeltaVersion> delta_version(const TableName& name, const backend::CancelToken& cancel);

  // Drops everything cached (after DDL) or one table (after writes that change schema).
  void invalidate();
  void invalidate(const TableName& name);
  // After a write to `name` (or, for SQL that may write anywhere, to any
  // table): the next read looks the version up (read-your-writes).
  void invalidate_version(const TableName& name);
  // The same for a table named as TableName::display() shows it (a write
  // another node reported through the store's table write journal).
  void invalidate_version_of(std::string_view displayed_name);
  void invalidate_versions();

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace lakegate::catalog
