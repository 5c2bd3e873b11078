// The Spark Connect implementation of backend::Backend: SQL statements run
// as ExecutePlan(Plan.root = Relation{sql}) with typed, natively bound
// parameters; a root SQL relation executes queries, DDL and DML alike in one
// round trip. Arrow batches are decoded zero-copy and pushed into the sink.
//
// Thread-safe: execute() runs concurrently from many threads, each call on a
// session leased from a bounded pool (ServiceConfig::pool_size). The gRPC
// deadline is the CancelToken's; a background watcher cancels calls whose
// token is cancelled. A call that stops early (sink returned false, token
// cancelled, deadline passed) is cancelled locally and interrupted on the
// server (Interrupt by operation id), then returns kCancelled or kTimeout.
// Every execution is reattachable: a result stream that ends before Spark's
// ResultComplete (the server's stream limits) or breaks on the way (the
// connection reset: UNAVAILABLE) is resumed with ReattachExecute after the
// last response processed — no row lost or repeated — until five
// resumptions in a row receive nothing; a finished execution is released
// (ReleaseExecute) by the background thread. A session-level error (server
// restarted, session expired) replaces the session and retries once if
// nothing was streamed yet. Statements with
// SessionUse kFresh/kReadOnly run on a new session (set up first: USE
// of the service's namespace, the read-only settings) that a background thread
// releases (ReleaseSession) once the call is done; the same thread keeps two
// spare fresh sessions of each kind ready, so requests rarely wait for one.
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <condition_variable>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "backend/spark_connect/connection_string.h"
#include "backend/spark_connect/error_mapping.h"
#include "backend/spark_connect/session_pool.h"
#include "config/service_config.h"
#include "core/backend.h"
#include "spark/connect/base.grpc.pb.h"
#include "util/background_jobs.h"

namespace lakegate::backend::spark_connect {

class SparkConnectBackend final : public Backend {
 public:
  // Validates the config and creates the channel; does not connect yet.
  static Result<std::unique_ptr<SparkConnectBackend>> create(const config::ServiceConfig& config);
  ~SparkConnectBackend() override;

  // AnalyzePlan(spark_version) on a pooled session.
  Result<ConnectionInfo> test() override;
  Result<Summary> execute(const Statement& statement, BatchSink& sink,
                          const CancelToken& cancel) override;
  // Cancels running calls, interrupts all operations and releases sessions.
  // Later calls fail with kBackendUnavailable. Idempotent.
  void shutdown() override;

  const Endpoint& endpoint() const { return endpoint_; }

 private:
  // A call in flight, watched for cancellation.
  struct ActiveCall {
    grpc::ClientContext* context;
    const CancelToken* cancel;
  };
  // What one attempt produced besides its result.
  struct AttemptState {
    bool delivered = false;  // the sink has seen the schema
  };

  SparkConnectBackend(Endpoint endpoint, std::shared_ptr<grpc::Channel> channel, size_t pool_size,
                      int timeout_seconds);

  Result<Summary> execute_on(spark::connect::ExecutePlanRequest request, Session& session,
                             BatchSink& sink, const CancelToken& cancel, AttemptState& state);
  // ReleaseExecute(release_all) of a finished reattachable execution (best
  // effort, short deadline; run by the releaser thread).
  void release_execute(const std::string& session_id, const std::string& operation_id);
  // Interrupts `operation_id`; true if the server reported it interrupted.
  bool interrupt(const std::string& session_id, const std::string& operation_id);
  std::optional<SparkErrorInfo> fetch_error_details(const std::string& session_id,
                                                    const std::string& error_id);
  Error map_status(const grpc::Status& status, const std::string& session_id);
  void fill_user_context(spark::connect::UserContext* user_context) const;
  // ReleaseSession (best effort, short deadline).
  void release_session(const std::string& session_id);
  // What a fresh session runs before anything else: USE of the service's
  // catalog/schema; for read-only sessions, kReadOnlySessionSettings.
  std::vector<std::string> fresh_session_setup(bool read_only) const;
  // Runs fresh_session_setup in `session` (Session::set_up once done).
  Status set_up(Session& session, bool read_only, const CancelToken& cancel);
  // Prepares spare fresh sessions in the background, up to kSpareSessions.
  void refill_spares(bool read_only);
  static constexpr size_t kSpareSessions = 2;

  std::list<ActiveCall>::iterator watch(grpc::ClientContext* context, const CancelToken* cancel);
  void unwatch(std::list<ActiveCall>::iterator call);
  void watch_loop();

  const Endpoint endpoint_;
  const std::string endpoint_text_;  // describe(), no secrets
  const int timeout_seconds_;
  std::string catalog_, schema_;  // the service's namespace, used by fresh sessions
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<spark::connect::SparkConnectService::Stub> stub_;
  SessionPool pool_;
  std::atomic<bool> refilling_[2] = {false, false};  // [read_only]
  util::BackgroundJobs releaser_;  // last but the watcher: its jobs use the members above

  std::mutex calls_mutex_;
  std::condition_variable calls_changed_;
  std::list<ActiveCall> calls_;
  bool shutting_down_ = false;
  bool stop_watcher_ = false;
  std::thread watcher_;
};

}  // namespace lakegate::backend::spark_connect
