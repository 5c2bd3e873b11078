// One connection to a HiveServer2 server with one open session: the
// transport stack for the endpoint (HTTP, SASL PLAIN or NOSASL TCP) under
// TBinaryProtocol, the generated TCLIService client, and the session handle
// with what the server said about it (negotiated protocol version).
//
// call() runs one RPC under a deadline and turns every exception the Thrift
// runtime throws into an Error (error_mapping.h), marking the connection
// broken on transport failures; nothing throws past this class. Not
// thread-safe: a connection is leased to one request at a time
// (session_pool.h).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "backend/hive_thrift/endpoint.h"
#include "tcli/TCLIService.h"
#include "util/result.h"

namespace apache::thrift::transport {
class TSocket;
class TTransport;
}  // namespace apache::thrift::transport

namespace lakegate::backend::hive_thrift {

class HttpTransport;

class Connection {
 public:
  using Clock = std::chrono::steady_clock;

  // Connects and opens a session (OpenSession with the protocol version the
  // server kind expects, initial catalog/schema from the endpoint).
  static Result<std::unique_ptr<Connection>> open(const Endpoint& endpoint,
                                                  Clock::time_point deadline);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs `rpc` (which calls client()) with `deadline`; `what` names the call
  // in errors. A transport failure marks the connection broken.
  Result<void> call(std::string_view what, Clock::time_point deadline,
                    const std::function<void(tcli::TCLIServiceClient&)>& rpc);

  // Checks a TStatus; SUCCESS and SUCCESS_WITH_INFO are OK.
  static Result<void> check(const tcli::TStatus& status, std::string_view what);

  const tcli::TSessionHandle& session() const { return session_; }
  int64_t server_protocol() const { return server_protocol_; }
  bool broken() const { return broken_; }
  void mark_broken() { broken_ = true; }
  const Endpoint& endpoint() const { return endpoint_; }
  // Set by the backend after OpenSession: the session time zone.
  std::string time_zone;
  Clock::time_point last_used;
  // Set by the backend: spark.sql.runSQLOnFiles=false holds in this session.
  bool read_only_ready = false;
  const Clock::time_point opened = Clock::now();

  // CloseSession (best effort, short deadline) and disconnects.
  void close();

 private:
  explicit Connection(const Endpoint& endpoint);
  Result<void> connect(Clock::time_point deadline);
  Result<void> open_session(Clock::time_point deadline);
  void set_deadline(Clock::time_point deadline);
  Error map_exception(std::string_view what, const std::exception& e, bool transport_failure);

  const Endpoint endpoint_;
  const std::string endpoint_text_;
  std::shared_ptr<apache::thrift::transport::TSocket> socket_;        // binary only
  std::shared_ptr<HttpTransport> http_;                               // HTTP only
  std::shared_ptr<apache::thrift::transport::TTransport> transport_;  // top of the stack
  std::unique_ptr<tcli::TCLIServiceClient> client_;
  tcli::TSessionHandle session_;
  bool session_open_ = false;
  int64_t server_protocol_ = 0;
  bool broken_ = false;
};

}  // namespace lakegate::backend::hive_thrift
