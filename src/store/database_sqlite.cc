// The SQLite driver: one sqlite3 connection, '?' parameters bound as text or
// NULL, rows read back as text. A unique or primary-key violation is
// kConflict; every other failure is kStore with SQLite's message.
#include <sqlite3.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>

#include "store/database_drivers.h"

namespace lakegate::store {
namespace {

constexpr int kBusyTimeoutMs = 5000;

struct ConnectionCloser {
  void operator()(sqlite3* connection) const { sqlite3_close_v2(connection); }
};
struct StatementFinalizer {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using ConnectionPtr = std::unique_ptr<sqlite3, ConnectionCloser>;
using StatementPtr = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

// Switches the file to WAL. The switch needs an exclusive lock and SQLite
// answers SQLITE_BUSY at once (without the busy handler) while another
// connection holds the file, e.g. several nodes creating it at the same
// time, so it is retried here for up to the busy timeout.
int enable_wal(sqlite3* connection) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
  while (true) {
    const int code = sqlite3_exec(connection, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
    if ((code & 0xFF) != SQLITE_BUSY || std::chrono::steady_clock::now() >= deadline) return code;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

bool is_blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n;") == std::string_view::npos;
}

class SqliteDatabase final : public Database {
 public:
  explicit SqliteDatabase(ConnectionPtr connection) : connection_(std::move(connection)) {}

  std::string_view dialect() const override { return "sqlite"; }

  Result<std::vector<DbRow>> query(std::string_view sql,
                                   const std::vector<DbValue>& params) override {
    auto prepared = prepare(sql);
    if (!prepared) return prepared.error();
    sqlite3_stmt* statement_handle = *prepared;
    // Ready for the next use whatever happens below (the statement is cached);
    // the bindings are cleared before `params` goes (SQLITE_STATIC: no copy).
    struct ResetOnExit {
      sqlite3_stmt* statement;
      ~ResetOnExit() {
        sqlite3_reset(statement);
        sqlite3_clear_bindings(statement);
      }
    } reset_on_exit{statement_handle};
    struct Borrowed {
      sqlite3_stmt* handle;
      sqlite3_stmt* get() const { return handle; }
    } statement{statement_handle};
    if (sqlite3_bind_parameter_count(statement.get()) != static_cast<int>(params.size())) {
      return Error(ErrorCode::kInternal, "sqlite: wrong number of parameters");
    }
    for (size_t index = 0; index < params.size(); ++index) {
      const int position = static_cast<int>(index) + 1;
      const int code = params[index]
                           ? sqlite3_bind_text64(statement.get(), position, params[index]->data(),
                                                 params[index]->size(), SQLITE_STATIC, SQLITE_UTF8)
                           : sqlite3_bind_null(statement.get(), position);
      if (code != SQLITE_OK) return driver_error(code);
    }
    std::vector<DbRow> rows;
    const int column_count = sqlite3_column_count(statement.get());
    while (true) {
      const int code = sqlite3_step(statement.get());
      if (code == SQLITE_DONE) break;
      if (code != SQLITE_ROW) return driver_error(sqlite3_extended_errcode(connection_.get()));
      DbRow& row = rows.emplace_back();
      row.reserve(column_count);
      for (int column = 0; column < column_count; ++column) {
        if (sqlite3_column_type(statement.get(), column) == SQLITE_NULL) {
          row.emplace_back(std::nullopt);
          continue;
        }
        const auto* text =
            reinterpret_cast<const char*>(sqlite3_column_text(statement.get(), column));
        const int length = sqlite3_column_bytes(statement.get(), column);
        row.emplace_back(std::string(text ? text : "", text ? length : 0));
      }
    }
    return rows;
  }

  Status execute_script(std::string_view sql) override {
    const std::string text(sql);  // sqlite3_exec needs a terminating NUL
    char* message = nullptr;
    const int code = sqlite3_exec(connection_.get(), text.c_str(), nullptr, nullptr, &message);
    if (message) sqlite3_free(message);
    if (code != SQLITE_OK) return driver_error(sqlite3_extended_errcode(connection_.get()));
    return ok_status();
  }

 private:
  ConnectionPtr connection_;  // declared first: destroyed after the cached statements
  // Statements are prepared once per SQL text and reused (the store's SQL is
  // a small fixed set; parsing it again per audit row cost more than the insert).
  Result<sqlite3_stmt*> prepare(std::string_view sql) {
    auto cached = statements_.find(sql);
    if (cached != statements_.end()) return cached->second.get();
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    if (sqlite3_prepare_v2(connection_.get(), sql.data(), static_cast<int>(sql.size()), &raw,
                           &tail) != SQLITE_OK) {
      return driver_error(sqlite3_extended_errcode(connection_.get()));
    }
    StatementPtr statement(raw);
    if (!statement) return Error(ErrorCode::kInternal, "sqlite: empty statement");
    if (!is_blank(std::string_view(tail, sql.data() + sql.size() - tail))) {
      return Error(ErrorCode::kInternal, "sqlite: query() takes a single statement");
    }
    if (statements_.size() >= kMaxCachedStatements) statements_.clear();
    return statements_.emplace(std::string(sql), std::move(statement)).first->second.get();
  }

  static constexpr size_t kMaxCachedStatements = 128;
  // Looked up by string_view: no allocation per query.
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  std::unordered_map<std::string, StatementPtr, TextHash, std::equal_to<>> statements_;

  Error driver_error(int extended_code) const {
    std::string message = "sqlite: ";
    message += sqlite3_errmsg(connection_.get());
    if (extended_code == SQLITE_CONSTRAINT_UNIQUE ||
        extended_code == SQLITE_CONSTRAINT_PRIMARYKEY) {
      return Error(ErrorCode::kConflict, std::move(message));
    }
    return Error(ErrorCode::kStore, std::move(message));
  }
};

}  // namespace

Result<std::unique_ptr<Database>> open_sqlite_database(const std::string& path) {
  if (path.empty()) return Error(ErrorCode::kBadConfig, "sqlite: empty database path");
  sqlite3* raw = nullptr;
  const int code =
      sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  ConnectionPtr connection(raw);
  if (code != SQLITE_OK) {
    std::string message = "sqlite: cannot open database: ";
    message += connection ? sqlite3_errmsg(connection.get()) : sqlite3_errstr(code);
    return Error(ErrorCode::kStore, std::move(message));
  }
  sqlite3_extended_result_codes(connection.get(), 1);
  sqlite3_busy_timeout(connection.get(), kBusyTimeoutMs);
  if (enable_wal(connection.get()) != SQLITE_OK ||
      sqlite3_exec(connection.get(), "PRAGMA foreign_keys=ON", nullptr, nullptr, nullptr) !=
          SQLITE_OK) {
    return Error(ErrorCode::kStore, std::string("sqlite: ") + sqlite3_errmsg(connection.get()));
  }
  return std::unique_ptr<Database>(std::make_unique<SqliteDatabase>(std::move(connection)));
}

}  // namespace lakegate::store
