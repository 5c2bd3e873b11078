#include "backend/spark_connect/spark_connect_backend.h"

#include <algorithm>
#include <thread>

#include "arrow/ipc_reader.h"
#include "backend/spark_connect/channel.h"
#include "backend/spark_connect/literal_binding.h"
#include "backend/spark_connect/schema_conversion.h"
#include "backend/spark_connect/uuid.h"
#include "util/json_text.h"
#include "util/sql_identifier.h"

namespace lakegate::backend::spark_connect {
namespace {

namespace sc = ::spark::connect;
using Clock = std::chrono::steady_clock;

// How often the watcher looks at the CancelTokens of running calls.
constexpr auto kWatchInterval = std::chrono::milliseconds(50);
// Deadline of the small control calls (Interrupt, FetchErrorDetails, release).
constexpr auto kControlCallTimeout = std::chrono::seconds(5);
// Tag on every operation lakegate starts (Interrupt by TAG, server UI).
constexpr const char* kOperationTag = "lakegate";
// Resumptions in a row that receive nothing before a stream's error is
// returned (a stream that makes progress may be resumed again and again).
constexpr int kMaxFruitlessReattaches = 5;

// A stream that broke on the way rather than failed: the connection went
// (UNAVAILABLE), or the server lost the cursor of a stream it was still
// sending (INTERNAL … INVALID_CURSOR.DISCONNECTED). Either may be resumed.
bool is_broken_stream(const grpc::Status& status) {
  return status.error_code() == grpc::StatusCode::UNAVAILABLE ||
         (status.error_code() == grpc::StatusCode::INTERNAL &&
          status.error_message().find("INVALID_CURSOR.DISCONNECTED") != std::string::npos);
}

bool is_transport_error(const Error& error) {
  return error.code == ErrorCode::kBackendUnavailable;
}

// Takes a result no one reads (a session setting's echo).
class DiscardSink final : public BatchSink {
 public:
  bool on_schema(const arrow::Schema&) override { return true; }
  bool on_batch(const arrow::RecordBatch&) override { return true; }
};

}  // namespace

Result<std::unique_ptr<SparkConnectBackend>> SparkConnectBackend::create(
    const config::ServiceConfig& config) {
  auto endpoint = endpoint_from_config(config);
  if (!endpoint) return endpoint.error();
  auto channel = make_channel(*endpoint);
  if (!channel) return channel.error();
  size_t pool_size = config.pool_size > 0 ? static_cast<size_t>(config.pool_size) : 1;
  auto backend = std::unique_ptr<SparkConnectBackend>(new SparkConnectBackend(
      std::move(*endpoint), std::move(*channel), pool_size, config.timeout_seconds));
  backend->catalog_ = config.catalog;
  backend->schema_ = config.schema;
  return backend;
}

SparkConnectBackend::SparkConnectBackend(Endpoint endpoint, std::shared_ptr<grpc::Channel> channel,
                                         size_t pool_size, int timeout_seconds)
    : endpoint_(std::move(endpoint)),
      endpoint_text_(endpoint_.describe()),
      timeout_seconds_(timeout_seconds > 0 ? timeout_seconds : 120),
      channel_(std::move(channel)),
      stub_(sc::SparkConnectService::NewStub(channel_)),
      pool_(pool_size, endpoint_.session_id),
      watcher_([this] { watch_loop(); }) {
  pool_.on_retire([this](const std::string& session_id) {
    releaser_.post([this, session_id] { release_session(session_id); });
  });
}

SparkConnectBackend::~SparkConnectBackend() {
  shutdown();
  releaser_.drain();  // its jobs use the members below it
  {
    std::lock_guard lock(calls_mutex_);
    stop_watcher_ = true;
  }
  calls_changed_.notify_all();
  watcher_.join();
}

void SparkConnectBackend::fill_user_context(sc::UserContext* user_context) const {
  user_context->set_user_id(endpoint_.user_id);
  user_context->set_user_name(endpoint_.user_id);
}

Result<ConnectionInfo> SparkConnectBackend::test() {
  CancelToken token(Clock::now() + std::chrono::seconds(timeout_seconds_));
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto lease = pool_.acquire(token);
    if (!lease) return lease.error();
    sc::AnalyzePlanRequest request;
    request.set_session_id(lease->session().session_id);
    fill_user_context(request.mutable_user_context());
    request.set_client_type(endpoint_.user_agent);
    request.mutable_spark_version();
    sc::AnalyzePlanResponse response;
    grpc::ClientContext context;
    prepare_context(context, endpoint_, token.deadline());
    grpc::Status status = stub_->AnalyzePlan(&context, request, &response);
    if (status.ok()) {
      lease->session().server_side_session_id = response.server_side_session_id();
      return ConnectionInfo{"spark_connect", response.spark_version().version(), endpoint_text_};
    }
    Error error = map_status(status, lease->session().session_id);
    if (is_session_error(error) || is_transport_error(error)) lease->discard();
    if (!is_session_error(error) || attempt == 1) return error;
  }
  return Error(ErrorCode::kInternal, "unreachable");
}

Result<Summary> SparkConnectBackend::execute(const Statement& statement, BatchSink& sink,
                                             const CancelToken& cancel) {
  sc::ExecutePlanRequest request;
  if (auto bound =
          bind_statement(statement, *request.mutable_plan()->mutable_root()->mutable_sql());
      !bound) {
    return bound.error();
  }
  const bool fresh = statement.session != SessionUse::kShared;
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool read_only = statement.session == SessionUse::kReadOnly;
    auto lease = fresh ? pool_.acquire_fresh(cancel, read_only) : pool_.acquire(cancel);
    if (!lease) return lease.error();
    if (fresh) refill_spares(read_only);
    // Statements before the caller's, in the same session: errors there mean
    // the caller's statement never ran.
    auto run_before = [&](const Statement& before, BatchSink& before_sink) -> Result<Summary> {
      sc::ExecutePlanRequest before_request;
      if (auto bound =
              bind_statement(before, *before_request.mutable_plan()->mutable_root()->mutable_sql());
          !bound) {
        return bound.error();
      }
      AttemptState before_state;
      return execute_on(before_request, lease->session(), before_sink, cancel, before_state);
    };
    Status prepared;
    if (fresh && !lease->session().set_up) prepared = set_up(lease->session(), read_only, cancel);
    if (prepared && statement.preflight) prepared = statement.preflight(run_before);
    if (!prepared) {
      const Error& error = prepared.error();
      if (is_session_error(error) || is_transport_error(error)) lease->discard();
      if (!is_session_error(error) || attempt == 1) return error;
      continue;
    }
    AttemptState state;
    auto result = execute_on(request, lease->session(), sink, cancel, state);
    if (result) return result;
    const Error& error = result.error();
    if (is_session_error(error) || is_transport_error(error)) lease->discard();
    // A session error means the statement never ran: retry on a fresh session.
    if (!is_session_error(error) || state.delivered || attempt == 1) return result;
  }
  return Error(ErrorCode::kInternal, "unreachable");
}

Result<Summary> SparkConnectBackend::execute_on(sc::ExecutePlanRequest request, Session& session,
                                                BatchSink& sink, const CancelToken& cancel,
                                                AttemptState& state) {
  if (cancel.cancelled()) return Error(ErrorCode::kCancelled, "cancelled before it started");
  if (cancel.expired())
    return Error(ErrorCode::kTimeout, "the service timeout passed before the statement started");
  const std::string operation_id = new_uuid_v4();
  request.set_session_id(session.session_id);
  fill_user_context(request.mutable_user_context());
  request.set_client_type(endpoint_.user_agent);
  request.set_operation_id(operation_id);
  request.add_tags(kOperationTag);
  ++session.operations;

  // Reattachable: a stream cut short (a network blip, a proxy reset, the
  // server's own stream limits) is resumed after the last response processed,
  // so no row is lost or repeated.
  request.add_request_options()->mutable_reattach_options()->set_reattachable(true);

  // One stream (ExecutePlan, then ReattachExecute after a cut) at a time.
  struct Stream {
    grpc::ClientContext context;
    std::unique_ptr<grpc::ClientReader<sc::ExecutePlanResponse>> reader;
  };
  auto open_stream = [&](const std::string& last_response_id, bool first) {
    auto stream = std::make_unique<Stream>();
    prepare_context(stream->context, endpoint_, cancel.deadline());
    if (first) {
      stream->reader = stub_->ExecutePlan(&stream->context, request);
    } else {
      sc::ReattachExecuteRequest reattach;
      reattach.set_session_id(session.session_id);
      fill_user_context(reattach.mutable_user_context());
      reattach.set_client_type(endpoint_.user_agent);
      reattach.set_operation_id(operation_id);
      if (!last_response_id.empty()) reattach.set_last_response_id(last_response_id);
      if (!session.server_side_session_id.empty()) {
        reattach.set_client_observed_server_side_session_id(session.server_side_session_id);
      }
      stream->reader = stub_->ReattachExecute(&stream->context, reattach);
    }
    return stream;
  };

  std::unique_ptr<Stream> stream = open_stream("", true);
  sc::ExecutePlanResponse response;
  std::optional<sc::DataType> declared_schema;
  std::optional<Error> local_error;  // decoding failure
  bool stopped_by_sink = false;
  bool complete = false;
  std::string last_response_id;
  std::string resumed_after;  // last_response_id when the stream was last resumed
  int reattaches = 0;
  int fruitless = 0;  // resumptions in a row that received nothing
  int64_t rows = 0;
  arrow::RecordBatch batch;
  grpc::Status status;
  while (true) {
    {
      auto watched = watch(&stream->context, &cancel);
      struct Unwatch {
        SparkConnectBackend* backend;
        std::list<ActiveCall>::iterator call;
        ~Unwatch() { backend->unwatch(call); }
      } unwatch_on_exit{this, watched};
      while (!stopped_by_sink && !local_error && stream->reader->Read(&response)) {
        if (!response.server_side_session_id().empty()) {
          session.server_side_session_id = response.server_side_session_id();
        }
        if (!response.response_id().empty()) last_response_id = response.response_id();
        if (response.has_result_complete()) complete = true;
        if (response.has_schema()) declared_schema = response.schema();
        if (!response.has_arrow_batch()) continue;  // progress, metrics, completion
        // `response` owns the bytes the reader and batch view; both die before
        // the next Read.
        auto ipc = arrow::IpcStreamReader::open(response.arrow_batch().data());
        if (!ipc) {
          local_error = ipc.error();
          break;
        }
        if (!state.delivered) {
          state.delivered = true;
          if (!sink.on_schema(ipc->schema())) {
            stopped_by_sink = true;
            break;
          }
        }
        while (true) {
          auto more = ipc->next(batch);
          if (!more) {
            local_error = more.error();
            break;
          }
          if (!*more) break;
          rows += batch.num_rows;
          if (!sink.on_batch(batch)) {
            stopped_by_sink = true;
            break;
          }
        }
        if (cancel.cancelled()) break;
      }
      if (stopped_by_sink || local_error || cancel.cancelled()) stream->context.TryCancel();
      status = stream->reader->Finish();
    }
    if (stopped_by_sink || local_error || cancel.cancelled() || complete) break;
    // The stream ended without ResultComplete (the server's stream limits),
    // or broke on the way: resume it, within the deadline.
    // A stream that made progress since the last resumption starts a new
    // count; one that keeps breaking before any response gives up.
    if (last_response_id != resumed_after) fruitless = 0;
    const bool resumable = status.ok() || is_broken_stream(status);
    if (!resumable || cancel.expired() || fruitless >= kMaxFruitlessReattaches) break;
    if (fruitless > 0) std::this_thread::sleep_for(std::chrono::milliseconds(50) * fruitless);
    ++fruitless;
    ++reattaches;
    resumed_after = last_response_id;
    stream = open_stream(last_response_id, false);
  }
  if (reattaches > 0 && last_response_id.empty() &&
      status.error_message().find("INVALID_HANDLE.OPERATION_NOT_FOUND") != std::string::npos) {
    // The connection broke before the statement reached Spark: nothing ran.
    status = grpc::Status(grpc::StatusCode::UNAVAILABLE,
                          "the connection to Spark broke before the statement reached it");
  }
  const bool stopped_early = stopped_by_sink || local_error || cancel.cancelled();
  if (complete && status.ok()) {
    // The server keeps a reattachable execution's responses until released.
    releaser_.post([this, session_id = session.session_id, operation_id] {
      release_execute(session_id, operation_id);
    });
  }
  if (!stopped_early && status.ok() && !complete) {
    status = grpc::Status(grpc::StatusCode::UNAVAILABLE,
                          "the result stream kept ending before its end (" +
                              std::to_string(reattaches) + " reattaches)");
  }

  bool shutting_down;
  {
    std::lock_guard lock(calls_mutex_);
    shutting_down = shutting_down_;
  }
  if (stopped_early ||
      (!status.ok() && (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ||
                        status.error_code() == grpc::StatusCode::CANCELLED))) {
    bool interrupted = interrupt(session.session_id, operation_id);
    Error error;
    if (local_error) {
      error = *local_error;
    } else if (shutting_down) {
      error = Error(ErrorCode::kBackendUnavailable, "the backend is shutting down");
    } else if (stopped_by_sink || cancel.cancelled()) {
      error = Error(ErrorCode::kCancelled, "the statement was cancelled");
    } else if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED || cancel.expired()) {
      error = Error(ErrorCode::kTimeout, "the statement exceeded the service timeout");
    } else {
      error = map_status(status, session.session_id);
    }
    error.with("operationId", operation_id).with("interrupted", interrupted ? "true" : "false");
    return error;
  }
  if (!status.ok()) return map_status(status, session.session_id);

  if (!state.delivered) {
    // No batch at all: still announce the (typed, empty) result.
    state.delivered = true;
    arrow::Schema schema = declared_schema ? to_arrow_schema(*declared_schema) : arrow::Schema{};
    if (!sink.on_schema(schema)) {
      return Error(ErrorCode::kCancelled, "the statement was cancelled");
    }
  }
  return Summary{rows, operation_id};
}

void SparkConnectBackend::release_execute(const std::string& session_id,
                                          const std::string& operation_id) {
  sc::ReleaseExecuteRequest request;
  request.set_session_id(session_id);
  fill_user_context(request.mutable_user_context());
  request.set_client_type(endpoint_.user_agent);
  request.set_operation_id(operation_id);
  request.mutable_release_all();
  sc::ReleaseExecuteResponse response;
  grpc::ClientContext context;
  prepare_context(context, endpoint_, Clock::now() + kControlCallTimeout);
  (void)stub_->ReleaseExecute(&context, request, &response);  // best effort
}

bool SparkConnectBackend::interrupt(const std::string& session_id,
                                    const std::string& operation_id) {
  sc::InterruptRequest request;
  request.set_session_id(session_id);
  fill_user_context(request.mutable_user_context());
  request.set_client_type(endpoint_.user_agent);
  request.set_interrupt_type(sc::InterruptRequest::INTERRUPT_TYPE_OPERATION_ID);
  request.set_operation_id(operation_id);
  sc::InterruptResponse response;
  grpc::ClientContext context;
  prepare_context(context, endpoint_, Clock::now() + kControlCallTimeout);
  if (!stub_->Interrupt(&context, request, &response).ok()) return false;
  const auto& ids = response.interrupted_ids();
  return std::find(ids.begin(), ids.end(), operation_id) != ids.end();
}

std::optional<SparkErrorInfo> SparkConnectBackend::fetch_error_details(
    const std::string& session_id, const std::string& error_id) {
  sc::FetchErrorDetailsRequest request;
  request.set_session_id(session_id);
  fill_user_context(request.mutable_user_context());
  request.set_client_type(endpoint_.user_agent);
  request.set_error_id(error_id);
  sc::FetchErrorDetailsResponse response;
  grpc::ClientContext context;
  prepare_context(context, endpoint_, Clock::now() + kControlCallTimeout);
  if (!stub_->FetchErrorDetails(&context, request, &response).ok() || response.errors().empty()) {
    return std::nullopt;
  }
  int index = response.has_root_error_idx() ? response.root_error_idx() : 0;
  if (index < 0 || index >= response.errors_size()) index = 0;
  const auto& root = response.errors(index);
  SparkErrorInfo info;
  if (!root.error_type_hierarchy().empty()) info.exception_class = root.error_type_hierarchy(0);
  info.message = root.message();
  if (root.has_spark_throwable()) {
    const auto& throwable = root.spark_throwable();
    info.error_class = throwable.error_class();
    info.sql_state = throwable.sql_state();
    if (!throwable.message_parameters().empty()) {
      // Sorted for a stable text.
      std::vector<std::pair<std::string, std::string>> parameters(
          throwable.message_parameters().begin(), throwable.message_parameters().end());
      std::sort(parameters.begin(), parameters.end());
      std::string json = "{";
      for (const auto& [key, value] : parameters) {
        if (json.size() > 1) json += ",";
        util::append_json_string(json, key);
        json += ":";
        util::append_json_string(json, value);
      }
      info.message_parameters = json + "}";
    }
  }
  return info;
}

Error SparkConnectBackend::map_status(const grpc::Status& status, const std::string& session_id) {
  return map_grpc_status(status, endpoint_text_, [this, &session_id](const std::string& error_id) {
    return fetch_error_details(session_id, error_id);
  });
}

std::vector<std::string> SparkConnectBackend::fresh_session_setup(bool read_only) const {
  std::vector<std::string> setup;
  if (!catalog_.empty() && !schema_.empty()) {
    setup.push_back("USE " + util::quote_sql_identifier(catalog_) + "." +
                    util::quote_sql_identifier(schema_));
  } else if (!catalog_.empty()) {
    setup.push_back("USE CATALOG " + util::quote_sql_identifier(catalog_));
  } else if (!schema_.empty()) {
    setup.push_back("USE " + util::quote_sql_identifier(schema_));
  }
  if (read_only)
    setup.insert(setup.end(), kReadOnlySessionSettings.begin(), kReadOnlySessionSettings.end());
  return setup;
}

Status SparkConnectBackend::set_up(Session& session, bool read_only, const CancelToken& cancel) {
  std::vector<std::string> setup = fresh_session_setup(read_only);
  // Even with nothing to set, a statement makes the server create the
  // session and its state (what a spare is made for).
  if (setup.empty()) setup.push_back("SELECT 1");
  for (const std::string& sql : setup) {
    sc::ExecutePlanRequest request;
    if (auto bound = bind_statement(Statement{.sql = sql},
                                    *request.mutable_plan()->mutable_root()->mutable_sql());
        !bound) {
      return bound.error();
    }
    DiscardSink discard;
    AttemptState state;
    if (auto ran = execute_on(request, session, discard, cancel, state); !ran) return ran.error();
  }
  session.set_up = true;
  return {};
}

void SparkConnectBackend::refill_spares(bool read_only) {
  if (refilling_[read_only].exchange(true)) return;
  releaser_.post([this, read_only] {
    while (pool_.spare_count(read_only) < kSpareSessions) {
      std::unique_ptr<Session> spare = pool_.new_spare();
      if (!set_up(*spare, read_only, CancelToken(Clock::now() + kControlCallTimeout))) {
        release_session(spare->session_id);
        break;  // the next fresh request tries again
      }
      pool_.add_spare(read_only, std::move(spare));
    }
    refilling_[read_only] = false;
  });
}

void SparkConnectBackend::release_session(const std::string& session_id) {
  sc::ReleaseSessionRequest release;
  release.set_session_id(session_id);
  fill_user_context(release.mutable_user_context());
  release.set_client_type(endpoint_.user_agent);
  sc::ReleaseSessionResponse released;
  grpc::ClientContext context;
  prepare_context(context, endpoint_, Clock::now() + kControlCallTimeout);
  (void)stub_->ReleaseSession(&context, release, &released);
}

void SparkConnectBackend::shutdown() {
  {
    std::lock_guard lock(calls_mutex_);
    if (shutting_down_) return;
    shutting_down_ = true;
  }
  calls_changed_.notify_all();  // the watcher cancels every running call
  for (const std::string& session_id : pool_.close()) {
    sc::InterruptRequest interrupt_all;
    interrupt_all.set_session_id(session_id);
    fill_user_context(interrupt_all.mutable_user_context());
    interrupt_all.set_client_type(endpoint_.user_agent);
    interrupt_all.set_interrupt_type(sc::InterruptRequest::INTERRUPT_TYPE_ALL);
    sc::InterruptResponse interrupted;
    grpc::ClientContext interrupt_context;
    prepare_context(interrupt_context, endpoint_, Clock::now() + kControlCallTimeout);
    if (!stub_->Interrupt(&interrupt_context, interrupt_all, &interrupted).ok()) {
      continue;  // server gone: nothing to release either
    }
    release_session(session_id);
  }
}

std::list<SparkConnectBackend::ActiveCall>::iterator SparkConnectBackend::watch(
    grpc::ClientContext* context, const CancelToken* cancel) {
  std::list<ActiveCall>::iterator call;
  {
    std::lock_guard lock(calls_mutex_);
    call = calls_.insert(calls_.end(), ActiveCall{context, cancel});
    if (shutting_down_) context->TryCancel();
  }
  calls_changed_.notify_all();
  return call;
}

void SparkConnectBackend::unwatch(std::list<ActiveCall>::iterator call) {
  std::lock_guard lock(calls_mutex_);
  calls_.erase(call);
}

void SparkConnectBackend::watch_loop() {
  std::unique_lock lock(calls_mutex_);
  while (!stop_watcher_) {
    if (calls_.empty()) {
      calls_changed_.wait(lock, [this] { return stop_watcher_ || !calls_.empty(); });
      continue;
    }
    for (ActiveCall& call : calls_) {
      if (shutting_down_ || call.cancel->cancelled()) call.context->TryCancel();
    }
    calls_changed_.wait_for(lock, kWatchInterval);
  }
}

}  // namespace lakegate::backend::spark_connect
