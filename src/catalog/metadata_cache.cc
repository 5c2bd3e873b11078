// MetadataCache: Spark's own answers to SHOW/DESCRIBE statements, run through
// the service's Backend (any protocol), parsed by describe_parser.cc and kept
// for `ttl`. A generation counter, bumped by invalidate(), keeps a lookup that
// was already running when DDL finished from storing what it read before.
#include "catalog/metadata_cache.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>

#include "catalog/describe_parser.h"
#include "catalog/metadata_sql.h"
#include "catalog/name_resolution.h"
#include "catalog/text_rows_sink.h"
#include "util/ascii.h"
#include "util/blocking_guard.h"

namespace lakegate::catalog {
namespace {

using Clock = std::chrono::steady_clock;

template <typename T>
struct Entry {
  T value;
  Clock::time_point expires;
  bool refreshing = false;  // expired, and one caller is fetching the new value
};

struct TextResult {
  arrow::Schema schema;
  std::vector<TextRow> rows;

  int column(std::string_view name) const {
    for (size_t i = 0; i < schema.fields.size(); ++i) {
      if (schema.fields[i].name == name) return static_cast<int>(i);
    }
    return -1;
  }
};

// Errors that mean "the lookup did not run", as opposed to "Spark said no".
bool is_transient(const Error& error) {
  return error.code == ErrorCode::kCancelled || error.code == ErrorCode::kTimeout ||
         error.code == ErrorCode::kBackendUnavailable;
}

// Spark says the table, view or schema does not exist. Most catalogs raise
// an error class the backend maps to kTableNotFound; Iceberg's raise a bare
// org.apache.iceberg.exceptions.NoSuchNamespaceException (no error class).
bool is_missing(const Error& error) {
  if (error.code == ErrorCode::kTableNotFound) return true;
  const std::string_view exception = error.context_value("exception");
  for (std::string_view name : {"NoSuchNamespaceException", "NoSuchDatabaseException",
                                "NoSuchTableException", "NoSuchViewException"}) {
    if (exception.ends_with(name)) return true;
  }
  return false;
}

// The schema itself is missing (as opposed to one table of it).
bool is_missing_schema(const Error& error) {
  const std::string_view error_class = error.context_value("errorClass");
  if (error_class.starts_with("SCHEMA_NOT_FOUND") ||
      error_class.starts_with("NAMESPACE_NOT_FOUND") ||
      error_class.starts_with("DATABASE_NOT_FOUND") ||
      error_class.starts_with("CATALOG_NOT_FOUND")) {
    return true;
  }
  const std::string_view exception = error.context_value("exception");
  return exception.ends_with("NoSuchNamespaceException") ||
         exception.ends_with("NoSuchDatabaseException");
}

bool contains_ignoring_case(const std::vector<std::string>& names, std::string_view name) {
  return std::any_of(names.begin(), names.end(), [name](const std::string& candidate) {
    return util::equals_ignore_case(candidate, name);
  });
}

Error catalog_not_found(const std::string& catalog) {
  return Error(ErrorCode::kNotFound, "Catalog \"" + catalog + "\" does not exist.")
      .with("catalog", catalog);
}

Error schema_not_found(const std::string& catalog, const std::string& schema, const Error& cause) {
  Error error(ErrorCode::kNotFound,
              "Schema \"" + catalog + "." + schema + "\" does not exist in the database.");
  error.with("catalog", catalog).with("schema", schema);
  if (auto error_class = cause.context_value("errorClass"); !error_class.empty()) {
    error.with("errorClass", std::string(error_class));
  }
  return error;
}

}  // namespace

struct MetadataCache::State {
  State(backend::Backend& b, std::chrono::seconds t, std::chrono::milliseconds v)
      : backend(b), ttl(t), version_ttl(v) {}

  backend::Backend& backend;
  const std::chrono::seconds ttl;
  const std::chrono::milliseconds version_ttl;

  std::mutex mutex;
  uint64_t generation = 0;                                  // guarded by mutex, as are the maps
  std::map<int, Entry<std::vector<std::string>>> catalogs;  // one key: 0
  std::map<std::string, Entry<std::vector<std::string>>> schemas;
  std::map<std::pair<std::string, std::string>, Entry<std::vector<TableEntry>>> tables;
  std::map<TableName, Entry<std::shared_ptr<const TableSchema>>> describes;
  std::map<TableName, Entry<DeltaVersion>> versions;  // current Delta versions, for version_ttl

  Result<TextResult> run(std::string sql, const backend::CancelToken& cancel) {
    TextRowsSink sink;
    backend::Statement statement;
    statement.sql = std::move(sql);
    auto summary = backend.execute(statement, sink, cancel);
    if (sink.overflow()) {
      return Error(ErrorCode::kInternal, "metadata answer too large: " + statement.sql);
    }
    if (!summary) return summary.error();
    return TextResult{sink.schema(), std::move(sink.rows())};
  }

  // The cached value of `key` in `map`, else fetch() stored for `ttl` (unless
  // invalidate() ran meanwhile: a value read before a write is never kept
  // after it).
  template <typename Map, typename Key, typename Fetch>
  auto cached(Map& map, const Key& key, Fetch fetch) -> decltype(fetch()) {
    return cached_for(map, key, ttl, fetch);
  }
  template <typename Map, typename Key, typename Fetch>
  auto cached_for(Map& map, const Key& key, Clock::duration lifetime, Fetch fetch)
      -> decltype(fetch()) {
    uint64_t started_generation;
    bool refresher = false;
    {
      std::lock_guard lock(mutex);
      auto found = map.find(key);
      if (found != map.end()) {
        auto& entry = found->second;
        if (Clock::now() < entry.expires) return entry.value;
        // Expired: one caller fetches, the others keep the old value meanwhile
        // (no stampede on Spark when a busy entry expires). The event loop
        // never fetches: it serves the old value only while a worker does.
        if (entry.refreshing) return entry.value;
        if (util::may_block()) entry.refreshing = refresher = true;
      }
      started_generation = generation;
    }
    if (!util::may_block()) return util::refuse_blocking("a metadata lookup");
    auto value = fetch();
    std::lock_guard lock(mutex);
    if (value && lifetime.count() > 0 && generation == started_generation) {
      map[key] = {*value, Clock::now() + lifetime};
    } else if (refresher) {
      auto found = map.find(key);
      if (found != map.end()) found->second.refreshing = false;  // the next caller tries
    }
    return value;
  }

  Result<DeltaVersion> fetch_version(const TableName& name, const backend::CancelToken& cancel) {
    auto history = run(metadata_sql::last_history_entry(name), cancel);
    if (!history) return history.error();
    const int column = history->column("version");
    if (column < 0 || history->rows.empty() || !history->rows[0][column]) {
      return Error(ErrorCode::kProtocol, "DESCRIBE HISTORY answered without a version");
    }
    const std::string& text = *history->rows[0][column];
    int64_t version = 0;
    auto [end, failure] = std::from_chars(text.data(), text.data() + text.size(), version);
    if (failure != std::errc() || end != text.data() + text.size()) {
      return Error(ErrorCode::kProtocol, "DESCRIBE HISTORY answered version \"" + text + "\"");
    }
    DeltaVersion current{version, {}};
    if (const int stamp = history->column("timestamp"); stamp >= 0 && history->rows[0][stamp]) {
      current.committed_at = *history->rows[0][stamp];
    }
    return current;
  }

  Result<std::vector<std::string>> fetch_catalogs(const backend::CancelToken& cancel) {
    auto shown = run(metadata_sql::show_catalogs(), cancel);
    if (!shown) return shown.error();
    std::vector<std::string> names = first_column(shown->rows);
    // SHOW CATALOGS lists only catalogs this session has touched; add the
    // configured ones (SET may be refused on managed services: then skip).
    auto settings = run(metadata_sql::session_settings(), cancel);
    if (!settings && is_transient(settings.error())) return settings.error();
    if (settings) {
      for (std::string& name : configured_catalogs(settings->rows)) {
        if (!contains_ignoring_case(names, name)) names.push_back(std::move(name));
      }
    }
    return names;
  }

  Result<std::vector<TableEntry>> fetch_tables(const std::string& catalog,
                                               const std::string& schema,
                                               const backend::CancelToken& cancel) {
    // SHOW TABLE EXTENDED lists the names, then loads each table: a table
    // dropped in between fails the whole statement (TABLE_OR_VIEW_NOT_FOUND),
    // so try again before settling for SHOW TABLES (no types, no providers).
    Error last;
    for (int attempt = 0; attempt < 3; ++attempt) {
      auto extended = run(metadata_sql::show_tables_extended(catalog, schema), cancel);
      if (extended) {
        return parse_table_listing(extended->rows, extended->column("tableName"),
                                   extended->column("isTemporary"),
                                   extended->column("information"));
      }
      last = extended.error();
      if (is_missing_schema(last)) return schema_not_found(catalog, schema, last);
      if (is_transient(last) || !is_missing(last)) break;
    }
    if (is_transient(last)) return last;
    auto plain = run(metadata_sql::show_tables(catalog, schema), cancel);
    if (!plain) {
      if (is_missing(plain.error())) return schema_not_found(catalog, schema, plain.error());
      return plain.error();
    }
    return parse_table_listing(plain->rows, plain->column("tableName"),
                               plain->column("isTemporary"), -1);
  }

  Result<std::shared_ptr<const TableSchema>> fetch_describe(const TableName& name,
                                                            const backend::CancelToken& cancel) {
    auto described = run(metadata_sql::describe_extended(name), cancel);
    if (!described) {
      if (!is_missing(described.error())) return described.error();
      Error error(ErrorCode::kTableNotFound,
                  "Table \"" + name.display() + "\" does not exist in the database.");
      error.with("table", name.display());
      for (const auto& [key, value] : described.error().context) error.with(key, value);
      return error;
    }
    auto table = parse_describe_extended(described->rows);
    if (!table) return table.error();
    table->name = name;
    // Nullability is not in DESCRIBE: read it from the schema of an empty result.
    auto empty = run(metadata_sql::empty_select(name), cancel);
    if (empty) {
      apply_nullability(*table, empty->schema);
    } else if (is_transient(empty.error())) {
      return empty.error();
    }
    // DESCRIBE's property list is ambiguous when a value holds ",k=v".
    auto properties = run(metadata_sql::show_tblproperties(name), cancel);
    if (properties) {
      table->properties = parse_tblproperties(properties->rows);
    } else if (is_transient(properties.error())) {
      return properties.error();
    }
    return std::shared_ptr<const TableSchema>(std::make_shared<TableSchema>(std::move(*table)));
  }

  Result<void> check_catalog(const std::string& catalog, const backend::CancelToken& cancel) {
    auto names = cached(catalogs, 0, [&] { return fetch_catalogs(cancel); });
    if (!names) return names.error();
    if (!contains_ignoring_case(*names, catalog)) return catalog_not_found(catalog);
    return {};
  }
};

// Names arrive resolved (resolve_table_name); the service gives version_ttl_ms.
MetadataCache::MetadataCache(backend::Backend& backend, const config::ServiceConfig& service,
                             std::chrono::seconds ttl)
    : state_(std::make_shared<State>(backend, ttl,
                                     std::chrono::milliseconds(service.version_ttl_ms))) {}

Result<std::shared_ptr<const TableSchema>> MetadataCache::describe(
    const TableName& name, const backend::CancelToken& cancel) {
  State& state = *state_;
  return state.cached(state.describes, name, [&] { return state.fetch_describe(name, cancel); });
}

Result<std::vector<std::string>> MetadataCache::catalogs(const backend::CancelToken& cancel) {
  State& state = *state_;
  return state.cached(state.catalogs, 0, [&] { return state.fetch_catalogs(cancel); });
}

Result<std::vector<std::string>> MetadataCache::schemas(const std::string& catalog,
                                                        const backend::CancelToken& cancel) {
  State& state = *state_;
  if (auto known = state.check_catalog(catalog, cancel); !known) return known.error();
  return state.cached(state.schemas, catalog, [&]() -> Result<std::vector<std::string>> {
    auto shown = state.run(metadata_sql::show_schemas(catalog), cancel);
    if (!shown) {
      if (is_missing(shown.error())) return catalog_not_found(catalog);
      return shown.error();
    }
    auto names = first_column(shown->rows);
    std::sort(names.begin(), names.end());
    return names;
  });
}

Result<std::vector<TableEntry>> MetadataCache::tables(const std::string& catalog,
                                                      const std::string& schema,
                                                      const backend::CancelToken& cancel) {
  State& state = *state_;
  if (auto known = state.check_catalog(catalog, cancel); !known) return known.error();
  return state.cached(state.tables, std::make_pair(catalog, schema),
                      [&] { return state.fetch_tables(catalog, schema, cancel); });
}

Result<DeltaVersion> MetadataCache::delta_version(const TableName& name,
                                                  const backend::CancelToken& cancel) {
  auto table = describe(name, cancel);
  if (!table) return table.error();
  if (!(*table)->is_delta) {
    return Error(ErrorCode::kBadRequest, "Table \"" + name.display() + "\" is not a Delta table.")
        .with("table", name.display());
  }
  State& state = *state_;
  return state.cached_for(state.versions, name, state.version_ttl,
                          [&] { return state.fetch_version(name, cancel); });
}

void MetadataCache::invalidate_version(const TableName& name) {
  State& state = *state_;
  std::lock_guard lock(state.mutex);
  ++state.generation;
  state.versions.erase(name);
}

void MetadataCache::invalidate_version_of(std::string_view displayed_name) {
  State& state = *state_;
  std::lock_guard lock(state.mutex);
  ++state.generation;
  std::erase_if(state.versions,
                [&](const auto& entry) { return entry.first.display() == displayed_name; });
}

void MetadataCache::invalidate_versions() {
  State& state = *state_;
  std::lock_guard lock(state.mutex);
  ++state.generation;
  state.versions.clear();
}

void MetadataCache::invalidate() {
  State& state = *state_;
  std::lock_guard lock(state.mutex);
  ++state.generation;
  state.catalogs.clear();
  state.schemas.clear();
  state.tables.clear();
  state.describes.clear();
  state.versions.clear();
}

void MetadataCache::invalidate(const TableName& name) {
  State& state = *state_;
  std::lock_guard lock(state.mutex);
  ++state.generation;
  state.describes.erase(name);
  state.versions.erase(name);
  state.tables.erase(std::make_pair(name.catalog, name.schema));
}

}  // namespace lakegate::catalog
