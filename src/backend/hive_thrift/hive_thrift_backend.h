// The HiveServer2 (TCLIService) implementation of backend::Backend, for
// Databricks SQL Warehouses ("sql_warehouse": Thrift over HTTPS with a bearer
// token) and the open-source Spark Thrift Server ("thrift": binary TCP with
// SASL PLAIN or NOSASL, or HTTP).
//
// A statement runs as ExecuteStatement (async) + GetOperationStatus polling;
// its result is typed by result_plan.h (DESCRIBE QUERY when the metadata is
// ambiguous — asked once per statement shape and remembered a minute,
// described_types.h; a to_json re-run for nested columns) and streamed rowset by
// rowset (FetchResults until an empty rowset) into the sink as Arrow arrays
// built by column_decoder.h. Parameters become typed literals through the
// one audited renderer (sql/literal.h): the OSS server has no bind
// parameters.
//
// Thread-safe: execute() runs concurrently, each call on a connection leased
// from a bounded pool (ServiceConfig::pool_size). Cancellation (sink stop,
// CancelToken, timeout) sends CancelOperation. A lost session (server
// restarted) is replaced and the statement retried once when it never ran;
// a transport failure empties the pool so the next request reconnects.
// Statements with SessionUse kFresh get a connection with a session of their
// own, closed in the background once the call is done; kReadOnly ones get a
// connection of a pool that only they use, whose session ran
// kReadOnlySessionSettings (backend.h says why it is not fresh). A
// statement's preflight runs first, in the same session.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "backend/hive_thrift/described_types.h"
#include "backend/hive_thrift/endpoint.h"
#include "backend/hive_thrift/session_pool.h"
#include "config/service_config.h"
#include "core/backend.h"

namespace lakegate::backend::hive_thrift {

// Rows asked for per FetchResults.
inline constexpr int64_t kFetchRows = 20000;

class HiveThriftBackend final : public Backend {
 public:
  // `protocol` is "sql_warehouse" or "thrift". Validates the config; does
  // not connect yet.
  static Result<std::unique_ptr<HiveThriftBackend>> create(const config::ServiceConfig& config,
                                                           const std::string& protocol);
  ~HiveThriftBackend() override;

  // Opens (or reuses) a session and asks the server for its version.
  Result<ConnectionInfo> test() override;
  Result<Summary> execute(const Statement& statement, BatchSink& sink,
                          const CancelToken& cancel) override;
  void shutdown() override;

  const Endpoint& endpoint() const { return pool_.endpoint(); }

 private:
  HiveThriftBackend(Endpoint endpoint, std::string protocol, size_t pool_size, int timeout_seconds);

  struct AttemptState {
    bool delivered = false;  // the sink has seen the schema
    bool sent = false;       // ExecuteStatement of the user's statement was sent
  };
  // `shape`: statement_shape() of the statement, for its remembered types.
  Result<Summary> execute_on(Connection& connection, const std::string& sql,
                             const std::string& shape, BatchSink& sink, const CancelToken& cancel,
                             AttemptState& state);
  // Runs a small statement and returns its rows as text (session set-up,
  // DESCRIBE QUERY).
  Result<std::vector<std::vector<std::string>>> run_text_query(Connection& connection,
                                                               const std::string& sql,
                                                               const CancelToken& cancel);
  // SET spark.sql.runSQLOnFiles=false in the connection's session.
  Result<void> make_read_only(Connection& connection, Connection::Clock::time_point deadline);
  Result<void> prepare_session(Connection& connection, Connection::Clock::time_point deadline);

  const std::string protocol_;
  const int timeout_seconds_;
  DescribedTypes described_types_;          // DESCRIBE QUERY answers by statement shape
  std::atomic<bool> shutting_down_{false};  // before pool_: the pool's background jobs read it
  ConnectionPool pool_;
};

// The statement's SQL with its parameters rendered as Spark SQL literals.
Result<std::string> render_statement(const Statement& statement);

}  // namespace lakegate::backend::hive_thrift
