// The PostgreSQL driver: one libpq connection; '?' placeholders become
// $1..$n (outside string literals, quoted identifiers and comments) and are
// sent with PQexecParams as untyped text, so the server infers each type from
// its context. SQLSTATE 23505 (unique_violation) is kConflict; every other
// failure is kStore with the server's primary message (the DETAIL line, which
// may quote values, is left out; so are data-exception messages, which do).
#include <libpq-fe.h>

#include <memory>
#include <string>

#include "store/database_drivers.h"

namespace lakegate::store {
namespace {

constexpr char kUniqueViolation[] = "23505";
// SQLSTATE class 22 (data exception): these messages quote the offending value.
constexpr char kDataExceptionClass[] = "22";

struct ConnectionCloser {
  void operator()(PGconn* connection) const { PQfinish(connection); }
};
struct ResultClearer {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ConnectionPtr = std::unique_ptr<PGconn, ConnectionCloser>;
using ResultPtr = std::unique_ptr<PGresult, ResultClearer>;

std::string trim_message(const char* text) {
  std::string message = text ? text : "";
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

// Rewrites '?' to $1..$n; counts them in `placeholders`. Skips '…' literals
// (with '' escapes), "…" identifiers, -- line comments and /* */ comments.
std::string number_placeholders(std::string_view sql, size_t& placeholders) {
  std::string out;
  out.reserve(sql.size() + 16);
  placeholders = 0;
  size_t index = 0;
  const auto copy_until = [&](std::string_view terminator) {
    const size_t end = sql.find(terminator, index);
    const size_t stop = end == std::string_view::npos ? sql.size() : end + terminator.size();
    out.append(sql.substr(index, stop - index));
    index = stop;
  };
  while (index < sql.size()) {
    const char c = sql[index];
    if (c == '\'' || c == '"') {
      out.push_back(c);
      ++index;
      copy_until(std::string_view(&c, 1));  // a doubled quote re-enters here as a new literal
    } else if (c == '-' && sql.substr(index, 2) == "--") {
      copy_until("\n");
    } else if (c == '/' && sql.substr(index, 2) == "/*") {
      copy_until("*/");
    } else if (c == '?') {
      out += '$';
      out += std::to_string(++placeholders);
      ++index;
    } else {
      out.push_back(c);
      ++index;
    }
  }
  return out;
}

void ignore_notice(void*, const char*) {}

class PostgresqlDatabase final : public Database {
 public:
  explicit PostgresqlDatabase(ConnectionPtr connection) : connection_(std::move(connection)) {}

  std::string_view dialect() const override { return "postgresql"; }

  Result<std::vector<DbRow>> query(std::string_view sql,
                                   const std::vector<DbValue>& params) override {
    size_t placeholders = 0;
    const std::string text = number_placeholders(sql, placeholders);
    if (placeholders != params.size()) {
      return Error(ErrorCode::kInternal, "postgresql: wrong number of parameters");
    }
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const DbValue& param : params) values.push_back(param ? param->c_str() : nullptr);
    auto result = run_with_reconnect([&] {
      return PQexecParams(connection_.get(), text.c_str(), static_cast<int>(values.size()), nullptr,
                          values.data(), nullptr, nullptr, 0);
    });
    if (!result) return result.error();
    return rows_of(result->get());
  }

  Status execute_script(std::string_view sql) override {
    const std::string text(sql);
    auto result = run_with_reconnect([&] { return PQexec(connection_.get(), text.c_str()); });
    if (!result) return result.error();
    return ok_status();
  }

 private:
  // Runs `send` once; when it failed because the connection broke while no
  // transaction was open (so nothing is lost), resets and runs it once more.
  template <typename Send>
  Result<ResultPtr> run_with_reconnect(Send send) {
    if (PQstatus(connection_.get()) == CONNECTION_BAD) PQreset(connection_.get());
    const bool idle = PQtransactionStatus(connection_.get()) == PQTRANS_IDLE;
    ResultPtr result(send());
    if (!succeeded(result.get()) && idle && PQstatus(connection_.get()) == CONNECTION_BAD) {
      PQreset(connection_.get());
      if (PQstatus(connection_.get()) == CONNECTION_OK) result.reset(send());
    }
    if (!succeeded(result.get())) return driver_error(result.get());
    return result;
  }

  static bool succeeded(const PGresult* result) {
    if (!result) return false;
    const ExecStatusType status = PQresultStatus(result);
    return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
  }

  static std::vector<DbRow> rows_of(const PGresult* result) {
    std::vector<DbRow> rows;
    if (PQresultStatus(result) != PGRES_TUPLES_OK) return rows;
    const int row_count = PQntuples(result);
    const int column_count = PQnfields(result);
    rows.reserve(row_count);
    for (int row_index = 0; row_index < row_count; ++row_index) {
      DbRow& row = rows.emplace_back();
      row.reserve(column_count);
      for (int column = 0; column < column_count; ++column) {
        if (PQgetisnull(result, row_index, column)) {
          row.emplace_back(std::nullopt);
        } else {
          row.emplace_back(std::string(PQgetvalue(result, row_index, column),
                                       PQgetlength(result, row_index, column)));
        }
      }
    }
    return rows;
  }

  Error driver_error(const PGresult* result) const {
    const char* primary = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    std::string message =
        "postgresql: " + trim_message(primary ? primary : PQerrorMessage(connection_.get()));
    const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    if (state && std::string_view(state).starts_with(kDataExceptionClass)) {
      // e.g. 'invalid input syntax for type integer: "<the value>"'
      message = "postgresql: a value does not fit its column's type";
    }
    if (state && std::string_view(state) == kUniqueViolation) {
      return Error(ErrorCode::kConflict, std::move(message));
    }
    Error error(ErrorCode::kStore, std::move(message));
    if (state) error.with("sqlstate", state);
    return error;
  }

  ConnectionPtr connection_;
};

}  // namespace

Result<std::unique_ptr<Database>> open_postgresql_database(const std::string& url) {
  // Later keywords override earlier ones, and dbname expands the URL, so the
  // URL's own connect_timeout or application_name win over these defaults.
  const char* keywords[] = {"connect_timeout", "fallback_application_name", "dbname", nullptr};
  const char* values[] = {"10", "lakegate", url.c_str(), nullptr};
  ConnectionPtr connection(PQconnectdbParams(keywords, values, 1));
  if (!connection) return Error(ErrorCode::kStore, "postgresql: out of memory");
  if (PQstatus(connection.get()) != CONNECTION_OK) {
    return Error(ErrorCode::kStore,
                 "postgresql: cannot connect: " + trim_message(PQerrorMessage(connection.get())));
  }
  PQsetNoticeProcessor(connection.get(), ignore_notice, nullptr);
  return std::unique_ptr<Database>(std::make_unique<PostgresqlDatabase>(std::move(connection)));
}

}  // namespace lakegate::store
