// One HiveServer2 operation on a leased connection: ExecuteStatement
// (asynchronous), GetOperationStatus polling with backoff until it
// finishes, GetResultSetMetadata, FetchResults (FETCH_NEXT, columnar) and
// CancelOperation/CloseOperation. The destructor closes the operation on the
// server (best effort) unless close() or cancel() already did.
//
// wait() and fetch() watch the CancelToken: once it is cancelled or its
// deadline passes they cancel the operation on the server and return
// kCancelled or kTimeout. Not thread-safe (the connection is leased).
#pragma once

#include <atomic>
#include <string>

#include "core/backend.h"
#include "backend/hive_thrift/connection.h"

namespace lakegate::backend::hive_thrift {

class Operation {
 public:
  // Sends ExecuteStatement. `stop` (may be null) is an extra cancellation
  // flag (backend shutdown).
  static Result<Operation> start(Connection& connection, const std::string& sql,
                                 const CancelToken& cancel, const std::atomic<bool>* stop);
  Operation(Operation&& other) noexcept;
  Operation& operator=(Operation&&) = delete;
  ~Operation();

  // Polls until FINISHED; errors for ERROR/CANCELED/TIMEDOUT/CLOSED states.
  Result<void> wait();
  Result<tcli::TTableSchema> metadata();
  // Next rowset of at most `max_rows`; `more` = false once the server has no
  // more rows (an empty rowset, or hasMoreRows=false from servers where it
  // is meaningful).
  Result<void> fetch(int64_t max_rows, tcli::TRowSet& rows, bool& more);
  // CancelOperation then CloseOperation (best effort).
  void cancel();
  void close();
  // The operation id as 32 hex digits.
  std::string id() const;
  // kCancelled / kTimeout / kBackendUnavailable if the token says stop, else ok.
  Result<void> check_stop() const;

 private:
  Operation(Connection& connection, tcli::TOperationHandle handle, const CancelToken& cancel,
            const std::atomic<bool>* stop)
      : connection_(&connection), handle_(std::move(handle)), cancel_(&cancel), stop_(stop) {}

  Connection* connection_;
  tcli::TOperationHandle handle_;
  const CancelToken* cancel_;
  const std::atomic<bool>* stop_;
  bool open_ = true;
};

}  // namespace lakegate::backend::hive_thrift
