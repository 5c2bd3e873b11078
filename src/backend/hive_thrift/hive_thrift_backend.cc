#include "backend/hive_thrift/hive_thrift_backend.h"

#include <optional>

#include "backend/hive_thrift/column_decoder.h"
#include "backend/hive_thrift/error_mapping.h"
#include "backend/hive_thrift/operation.h"
#include "backend/hive_thrift/result_plan.h"
#include "sql/literal.h"
#include "util/sql_identifier.h"

namespace lakegate::backend::hive_thrift {
namespace {

using Clock = Connection::Clock;

// The first Databricks protocol version (SPARK_CLI_SERVICE_PROTOCOL_V1).
constexpr int64_t kDatabricksV1 = 0xA501;

Result<std::string> literal_of(const Value& value) {
  switch (value.kind) {
    case Value::Kind::kNull:
      return sql::null_literal();
    case Value::Kind::kBool:
      return sql::boolean_literal(value.bool_value);
    case Value::Kind::kInt64:
      return sql::bigint_literal(value.int_value);
    case Value::Kind::kDouble:
      return sql::double_literal(value.double_value);
    case Value::Kind::kDecimal:
      return sql::decimal_literal(value.text);
    case Value::Kind::kString:
      return sql::string_literal(value.text);
    case Value::Kind::kBinary:
      return sql::binary_literal(value.text);
  }
  return Error(ErrorCode::kUnsupportedType, "unknown parameter kind");
}

// The text of column `index` of a rowset, "" for NULL.
std::vector<std::string> text_column(const tcli::TRowSet& rows, size_t index) {
  if (index >= rows.columns.size() || !rows.columns[index].__isset.stringVal) return {};
  const auto& column = rows.columns[index].stringVal;
  std::vector<std::string> out = column.values;
  for (size_t row = 0; row < out.size(); ++row) {
    if (row / 8 < column.nulls.size() &&
        (static_cast<uint8_t>(column.nulls[row / 8]) >> (row % 8)) & 1) {
      out[row].clear();
    }
  }
  return out;
}

}  // namespace

Result<std::string> render_statement(const Statement& statement) {
  std::vector<std::string> positional;
  positional.reserve(statement.positional.size());
  for (const Value& value : statement.positional) {
    auto literal = literal_of(value);
    if (!literal) return literal.error();
    positional.push_back(std::move(*literal));
  }
  std::vector<std::pair<std::string, std::string>> named;
  for (const auto& [name, value] : statement.named) {
    auto literal = literal_of(value);
    if (!literal) return literal.error();
    named.emplace_back(name, std::move(*literal));
  }
  return sql::substitute_markers(statement.sql, positional, named);
}

Result<std::unique_ptr<HiveThriftBackend>> HiveThriftBackend::create(
    const config::ServiceConfig& config, const std::string& protocol) {
  auto endpoint = endpoint_from_config(config, protocol);
  if (!endpoint) return endpoint.error();
  size_t pool_size = config.pool_size > 0 ? static_cast<size_t>(config.pool_size) : 1;
  return std::unique_ptr<HiveThriftBackend>(
      new HiveThriftBackend(std::move(*endpoint), protocol, pool_size, config.timeout_seconds));
}

HiveThriftBackend::HiveThriftBackend(Endpoint endpoint, std::string protocol, size_t pool_size,
                                     int timeout_seconds)
    : protocol_(std::move(protocol)),
      timeout_seconds_(timeout_seconds > 0 ? timeout_seconds : 120),
      pool_(std::move(endpoint), pool_size,
            [this](Connection& connection, Clock::time_point deadline) {
              return prepare_session(connection, deadline);
            }) {}

Result<void> HiveThriftBackend::make_read_only(Connection& connection, Clock::time_point deadline) {
  CancelToken token(deadline);
  for (const char* setting : kReadOnlySessionSettings) {
    if (auto set = run_text_query(connection, setting, token); !set) return set.error();
  }
  connection.read_only_ready = true;
  return {};
}

HiveThriftBackend::~HiveThriftBackend() {
  shutdown();
}

void HiveThriftBackend::shutdown() {
  if (shutting_down_.exchange(true)) return;
  pool_.close();
}

Result<void> HiveThriftBackend::prepare_session(Connection& connection,
                                                Clock::time_point deadline) {
  CancelToken token(deadline);
  const Endpoint& endpoint = connection.endpoint();
  // Databricks servers took the initial namespace in OpenSession; Hive-style
  // servers (a Spark Thrift Server, even behind a warehouse-style front) did not.
  const bool namespace_set = endpoint.databricks && connection.server_protocol() >= kDatabricksV1;
  if (!namespace_set && (!endpoint.catalog.empty() || !endpoint.schema.empty())) {
    std::string use;
    if (!endpoint.catalog.empty() && !endpoint.schema.empty()) {
      use = "USE " + util::quote_sql_identifier(endpoint.catalog) + "." +
            util::quote_sql_identifier(endpoint.schema);
    } else if (!endpoint.catalog.empty()) {
      use = "USE CATALOG " + util::quote_sql_identifier(endpoint.catalog);
    } else {
      use = "USE " + util::quote_sql_identifier(endpoint.schema);
    }
    if (auto used = run_text_query(connection, use, token); !used) return used.error();
  }
  auto zone = run_text_query(connection, "SET spark.sql.session.timeZone", token);
  if (!zone) return zone.error();
  connection.time_zone = !zone->empty() && zone->front().size() >= 2 ? zone->front()[1] : "UTC";
  return {};
}

Result<std::vector<std::vector<std::string>>> HiveThriftBackend::run_text_query(
    Connection& connection, const std::string& sql, const CancelToken& cancel) {
  auto operation = Operation::start(connection, sql, cancel, &shutting_down_);
  if (!operation) return operation.error();
  if (auto done = operation->wait(); !done) return done.error();
  std::vector<std::vector<std::string>> rows;
  bool more = true;
  while (more) {
    tcli::TRowSet row_set;
    if (auto fetched = operation->fetch(kFetchRows, row_set, more); !fetched) {
      return fetched.error();
    }
    std::vector<std::vector<std::string>> columns;
    for (size_t i = 0; i < row_set.columns.size(); ++i) columns.push_back(text_column(row_set, i));
    const size_t count = columns.empty() ? 0 : columns[0].size();
    for (size_t row = 0; row < count; ++row) {
      std::vector<std::string> values;
      for (auto& column : columns) values.push_back(row < column.size() ? column[row] : "");
      rows.push_back(std::move(values));
    }
  }
  operation->close();
  return rows;
}

Result<ConnectionInfo> HiveThriftBackend::test() {
  CancelToken token(Clock::now() + std::chrono::seconds(timeout_seconds_));
  auto lease = pool_.acquire(token);
  if (!lease) return lease.error();
  Connection& connection = lease->connection();
  tcli::TGetInfoReq request;
  request.sessionHandle = connection.session();
  request.infoType = tcli::TGetInfoType::CLI_DBMS_VER;
  tcli::TGetInfoResp response;
  auto called = connection.call("GetInfo", token.deadline(), [&](tcli::TCLIServiceClient& client) {
    client.GetInfo(response, request);
  });
  if (!called) return called.error();
  if (auto ok = Connection::check(response.status, "GetInfo"); !ok) return ok.error();
  return ConnectionInfo{protocol_, response.infoValue.stringValue,
                        connection.endpoint().describe()};
}

Result<Summary> HiveThriftBackend::execute(const Statement& statement, BatchSink& sink,
                                           const CancelToken& cancel) {
  auto sql = render_statement(statement);
  if (!sql) return sql.error();
  const std::string shape = statement_shape(statement);
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool read_only = statement.session == SessionUse::kReadOnly;
    auto lease = statement.session == SessionUse::kFresh ? pool_.acquire_fresh(cancel)
                                                         : pool_.acquire(cancel, read_only);
    if (!lease) return lease.error();
    AttemptState state;
    if (read_only && !lease->connection().read_only_ready) {
      if (auto set = make_read_only(lease->connection(), cancel.deadline()); !set) {
        return set.error();
      }
    }
    if (statement.preflight) {
      // Runs in this session before the caller's statement; an error stops it.
      auto run_before = [&](const Statement& before, BatchSink& before_sink) -> Result<Summary> {
        auto before_sql = render_statement(before);
        if (!before_sql) return before_sql.error();
        AttemptState before_state;
        return execute_on(lease->connection(), *before_sql, statement_shape(before), before_sink,
                          cancel, before_state);
      };
      if (Status checked = statement.preflight(run_before); !checked) return checked.error();
    }
    auto result = execute_on(lease->connection(), *sql, shape, sink, cancel, state);
    if (result) return result;
    const Error& error = result.error();
    const bool lost = is_session_lost(error);
    if (lost || lease->connection().broken()) {
      lease->discard();
      pool_.drop_idle();  // the server restarted or went away: the others are dead too
    }
    // A lost session before the server took the statement: it never ran.
    if (!lost || state.sent || state.delivered || attempt == 1) return result;
  }
  return Error(ErrorCode::kInternal, "unreachable");
}

Result<Summary> HiveThriftBackend::execute_on(Connection& connection, const std::string& sql,
                                              const std::string& shape, BatchSink& sink,
                                              const CancelToken& cancel, AttemptState& state) {
  std::optional<Operation> operation;
  {
    auto started = Operation::start(connection, sql, cancel, &shutting_down_);
    if (!started) return started.error();
    operation.emplace(std::move(*started));
  }
  state.sent = true;
  if (auto done = operation->wait(); !done) return done.error();
  auto metadata = operation->metadata();
  if (!metadata) return metadata.error();

  std::vector<std::string> spark_types;
  if (needs_spark_types(*metadata)) {
    std::vector<std::string> names;
    for (const auto& column : metadata->columns) names.push_back(column.columnName);
    if (auto remembered = described_types_.find(shape, names)) {
      spark_types = std::move(*remembered);
    } else {
      // Analysis only: DESCRIBE QUERY runs nothing. It fails for commands,
      // which then keep the metadata's types.
      auto described = run_text_query(connection, "DESCRIBE QUERY " + sql, cancel);
      if (described && described->size() == metadata->columns.size()) {
        for (const auto& row : *described) spark_types.push_back(row.size() > 1 ? row[1] : "");
        described_types_.store(shape, std::move(names), spark_types);
      } else if (!described && connection.broken()) {
        return described.error();
      }
    }
  }
  auto plan = plan_result(*metadata, spark_types, connection.time_zone, sql);
  if (!plan) return plan.error();
  if (!plan->rerun_sql.empty()) {
    operation->close();
    operation.reset();
    auto started = Operation::start(connection, plan->rerun_sql, cancel, &shutting_down_);
    if (!started) return started.error();
    operation.emplace(std::move(*started));
    if (auto done = operation->wait(); !done) return done.error();
  }

  state.delivered = true;
  if (!sink.on_schema(schema_of(*plan))) {
    operation->cancel();
    return Error(ErrorCode::kCancelled, "the statement was cancelled");
  }
  int64_t rows = 0;
  OwnedBatch batch;
  bool more = true;
  while (more) {
    tcli::TRowSet row_set;
    if (auto fetched = operation->fetch(kFetchRows, row_set, more); !fetched) {
      Error error = fetched.error();
      error.with("operationId", operation->id());
      return error;
    }
    if (auto decoded = decode_row_set(row_set, plan->columns, batch); !decoded) {
      operation->cancel();
      return decoded.error();
    }
    if (batch.num_rows == 0) continue;
    rows += batch.num_rows;
    if (!sink.on_batch(batch.view())) {
      operation->cancel();
      Error error(ErrorCode::kCancelled, "the statement was cancelled");
      error.with("operationId", operation->id());
      return error;
    }
  }
  const std::string id = operation->id();
  operation->close();
  return Summary{rows, id};
}

}  // namespace lakegate::backend::hive_thrift
