// The one seam between lakegate's REST layer and a Spark protocol. One
// Backend per configured service; implementations (spark_connect/,
// hive_thrift/) are thread-safe and pool their own sessions. Results are
// pushed batch by batch into a BatchSink, never materialised whole.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/record_batch.h"
#include "core/value.h"
#include "util/result.h"

namespace lakegate::backend {

// Which Spark session a statement runs in. lakegate's own statements share
// pooled sessions, whose state nothing changes; a caller's raw SQL (`_query`)
// may change session state (temp views, SET, USE, variables, functions), so
// it runs in a session no other statement used before or will use after.
// Sandboxed read-only queries cannot change session state (nothing but a
// query parses where they run); they get sessions with kReadOnlySessionSettings
// that nothing else uses: a fresh one per statement on Spark Connect, pooled
// ones on HiveServer2 (the OSS Thrift server keeps every closed session's
// memory, ~0.3 MB each, so a session per request would fill its driver).
enum class SessionUse {
  kShared,    // a pooled session (lakegate-built SQL only)
  kFresh,     // a new session, closed afterwards
  kReadOnly,  // a read-only session (see above)
};

class BatchSink;
struct Summary;
struct Statement;
// Runs a statement in the session a preflight was given.
using SessionRunner = std::function<Result<Summary>(const Statement&, BatchSink&)>;

struct Statement {
  std::string sql;
  std::vector<Value> positional;
  std::vector<std::pair<std::string, Value>> named;
  SessionUse session = SessionUse::kShared;
  // When set (fresh sessions only), runs first in the statement's own
  // session (e.g. EXPLAIN and its checks); an error is returned instead of
  // running the statement.
  std::function<Result<void>(const SessionRunner&)> preflight;
};

// What every kReadOnly session sets before the caller's SQL: SQL on
// files (`csv.`/path``) off, and plan lists printed in full (else "... N more
// fields" could hide a function from the sandbox's checks).
inline constexpr std::array<const char*, 2> kReadOnlySessionSettings = {
    "SET spark.sql.runSQLOnFiles=false", "SET spark.sql.debug.maxToStringFields=1000000"};

// Receives one result: the schema once, then batches. Returning false from
// either call means "stop" (e.g. the HTTP client went away); the backend then
// interrupts the operation and returns ErrorCode::kCancelled.
class BatchSink {
 public:
  virtual ~BatchSink() = default;
  virtual bool on_schema(const arrow::Schema& schema) = 0;
  // `batch` views memory valid only during the call.
  virtual bool on_batch(const arrow::RecordBatch& batch) = 0;
};

// Cooperative cancellation plus a deadline, shared by the request and the
// backend. `cancel()` may be called from any thread.
class CancelToken {
 public:
  using Clock = std::chrono::steady_clock;
  explicit CancelToken(Clock::time_point deadline = Clock::time_point::max())
      : deadline_(deadline) {}
  void cancel() { cancelled_.store(true, std::memory_order_relaxed); }
  bool cancelled() const { return cancelled_.load(std::memory_order_relaxed); }
  Clock::time_point deadline() const { return deadline_; }
  bool expired() const { return Clock::now() >= deadline_; }

 private:
  std::atomic<bool> cancelled_{false};
  Clock::time_point deadline_;
};

struct Summary {
  int64_t rows = 0;
  std::string operation_id;  // the backend's id for the operation (for audit)
};

struct ConnectionInfo {
  std::string connection_type;  // "spark_connect", "sql_warehouse", "thrift"
  std::string server_version;   // e.g. Spark's version string
  std::string detail;           // endpoint, without secrets
};

class Backend {
 public:
  virtual ~Backend() = default;

  // Checks the connection end to end (opens a session, asks the server).
  virtual Result<ConnectionInfo> test() = 0;

  // Runs `statement`, streaming its result into `sink`.
  virtual Result<Summary> execute(const Statement& statement, BatchSink& sink,
                                  const CancelToken& cancel) = 0;

  // Interrupts every running operation and closes sessions (shutdown).
  virtual void shutdown() = 0;
};

}  // namespace lakegate::backend
