#include "backend/hive_thrift/operation.h"

#include <algorithm>
#include <thread>

namespace lakegate::backend::hive_thrift {
namespace {

using Clock = Connection::Clock;

constexpr auto kControlTimeout = std::chrono::seconds(5);
constexpr auto kFirstPoll = std::chrono::milliseconds(1);
constexpr auto kMaxPoll = std::chrono::milliseconds(100);
// Spark's OSS server leaves hasMoreRows false always; only trust it from
// Databricks (protocol versions 0xA501 and up).
constexpr int64_t kFirstDatabricksProtocol = 0xA501;

}  // namespace

Result<Operation> Operation::start(Connection& connection, const std::string& sql,
                                   const CancelToken& cancel, const std::atomic<bool>* stop) {
  if (cancel.cancelled()) return Error(ErrorCode::kCancelled, "cancelled before it started");
  if (cancel.expired()) {
    return Error(ErrorCode::kTimeout, "the service timeout passed before the statement started");
  }
  tcli::TExecuteStatementReq request;
  request.sessionHandle = connection.session();
  request.statement = sql;
  request.__set_runAsync(true);
  tcli::TExecuteStatementResp response;
  auto called = connection.call(
      "ExecuteStatement", cancel.deadline(),
      [&](tcli::TCLIServiceClient& client) { client.ExecuteStatement(response, request); });
  if (!called) return called.error();
  if (auto ok = Connection::check(response.status, "ExecuteStatement"); !ok) return ok.error();
  if (!response.__isset.operationHandle) {
    return Error(ErrorCode::kProtocol, "ExecuteStatement returned no operation handle");
  }
  return Operation(connection, response.operationHandle, cancel, stop);
}

Operation::Operation(Operation&& other) noexcept
    : connection_(other.connection_),
      handle_(std::move(other.handle_)),
      cancel_(other.cancel_),
      stop_(other.stop_),
      open_(other.open_) {
  other.open_ = false;
}

Operation::~Operation() {
  close();
}

Result<void> Operation::check_stop() const {
  if (stop_ != nullptr && stop_->load()) {
    return Error(ErrorCode::kBackendUnavailable, "the backend is shutting down");
  }
  if (cancel_->cancelled()) return Error(ErrorCode::kCancelled, "the statement was cancelled");
  if (cancel_->expired()) {
    return Error(ErrorCode::kTimeout, "the statement exceeded the service timeout");
  }
  return {};
}

std::string Operation::id() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char byte : handle_.operationId.guid) {
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 15]);
  }
  return out;
}

Result<void> Operation::wait() {
  auto interval = std::chrono::milliseconds(kFirstPoll);
  while (true) {
    tcli::TGetOperationStatusReq request;
    request.operationHandle = handle_;
    tcli::TGetOperationStatusResp response;
    auto called = connection_->call(
        "GetOperationStatus", cancel_->deadline(),
        [&](tcli::TCLIServiceClient& client) { client.GetOperationStatus(response, request); });
    if (!called) {
      if (called.error().code == ErrorCode::kTimeout) cancel();
      return called;
    }
    if (auto ok = Connection::check(response.status, "GetOperationStatus"); !ok) return ok;
    switch (response.operationState) {
      case tcli::TOperationState::FINISHED_STATE:
        return {};
      case tcli::TOperationState::ERROR_STATE: {
        open_ = true;
        tcli::TStatus status;
        status.statusCode = tcli::TStatusCode::ERROR_STATUS;
        status.errorMessage = response.__isset.displayMessage && !response.displayMessage.empty()
                                  ? response.displayMessage
                                  : response.errorMessage;
        status.sqlState = response.sqlState;
        return Connection::check(status, "the statement");
      }
      case tcli::TOperationState::CANCELED_STATE:
        return Error(ErrorCode::kCancelled, "the Thrift server cancelled the statement");
      case tcli::TOperationState::TIMEDOUT_STATE:
        return Error(ErrorCode::kTimeout, "the Thrift server timed the statement out");
      case tcli::TOperationState::CLOSED_STATE:
        open_ = false;
        return Error(ErrorCode::kBackendUnavailable, "the Thrift server closed the operation");
      default:
        break;
    }
    if (auto stop = check_stop(); !stop) {
      cancel();
      return stop;
    }
    std::this_thread::sleep_for(
        std::min<Clock::duration>(interval, cancel_->deadline() - Clock::now()));
    interval = std::min<std::chrono::milliseconds>(interval * 2, kMaxPoll);
  }
}

Result<tcli::TTableSchema> Operation::metadata() {
  tcli::TGetResultSetMetadataReq request;
  request.operationHandle = handle_;
  tcli::TGetResultSetMetadataResp response;
  auto called = connection_->call(
      "GetResultSetMetadata", cancel_->deadline(),
      [&](tcli::TCLIServiceClient& client) { client.GetResultSetMetadata(response, request); });
  if (!called) return called.error();
  if (auto ok = Connection::check(response.status, "GetResultSetMetadata"); !ok) return ok.error();
  return response.schema;
}

Result<void> Operation::fetch(int64_t max_rows, tcli::TRowSet& rows, bool& more) {
  if (auto stop = check_stop(); !stop) {
    cancel();
    return stop;
  }
  tcli::TFetchResultsReq request;
  request.operationHandle = handle_;
  request.orientation = tcli::TFetchOrientation::FETCH_NEXT;
  request.maxRows = max_rows;
  tcli::TFetchResultsResp response;
  auto called = connection_->call(
      "FetchResults", cancel_->deadline(),
      [&](tcli::TCLIServiceClient& client) { client.FetchResults(response, request); });
  if (!called) return called;
  if (auto ok = Connection::check(response.status, "FetchResults"); !ok) return ok;
  rows = std::move(response.results);
  const bool empty = rows.columns.empty() || [&] {
    const auto& first = rows.columns[0];
    if (first.__isset.boolVal) return first.boolVal.values.empty();
    if (first.__isset.byteVal) return first.byteVal.values.empty();
    if (first.__isset.i16Val) return first.i16Val.values.empty();
    if (first.__isset.i32Val) return first.i32Val.values.empty();
    if (first.__isset.i64Val) return first.i64Val.values.empty();
    if (first.__isset.doubleVal) return first.doubleVal.values.empty();
    if (first.__isset.stringVal) return first.stringVal.values.empty();
    if (first.__isset.binaryVal) return first.binaryVal.values.empty();
    return true;
  }();
  more = !empty;
  if (connection_->server_protocol() >= kFirstDatabricksProtocol && response.__isset.hasMoreRows &&
      !response.hasMoreRows) {
    more = false;
  }
  return {};
}

void Operation::cancel() {
  if (!open_) return;
  tcli::TCancelOperationReq request;
  request.operationHandle = handle_;
  tcli::TCancelOperationResp response;
  (void)connection_->call(
      "CancelOperation", Clock::now() + kControlTimeout,
      [&](tcli::TCLIServiceClient& client) { client.CancelOperation(response, request); });
  close();
}

void Operation::close() {
  if (!open_) return;
  open_ = false;
  if (connection_->broken()) return;
  tcli::TCloseOperationReq request;
  request.operationHandle = handle_;
  tcli::TCloseOperationResp response;
  (void)connection_->call(
      "CloseOperation", Clock::now() + kControlTimeout,
      [&](tcli::TCLIServiceClient& client) { client.CloseOperation(response, request); });
}

}  // namespace lakegate::backend::hive_thrift
