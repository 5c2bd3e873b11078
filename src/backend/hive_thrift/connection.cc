#include "backend/hive_thrift/connection.h"

#include <thrift/TApplicationException.h>
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/protocol/TProtocolException.h>
#include <thrift/transport/TSocket.h>
#include <thrift/transport/TTransportException.h>

#include <algorithm>
#include <climits>

#include "backend/hive_thrift/error_mapping.h"
#include "backend/hive_thrift/http_transport.h"
#include "backend/hive_thrift/sasl_transport.h"
#include "util/json_text.h"

namespace lakegate::backend::hive_thrift {
namespace {

using apache::thrift::TApplicationException;
using apache::thrift::protocol::TProtocolException;
using apache::thrift::transport::TTransportException;

constexpr auto kCloseTimeout = std::chrono::seconds(3);
// Without a deadline, socket reads still give up after this long.
constexpr int kDefaultSocketTimeoutMs = 15 * 60 * 1000;
// Hive V10: the newest version Spark 3/4 Thrift servers document; the
// server answers min(its own, ours).
constexpr auto kHiveProtocol = tcli::TProtocolVersion::HIVE_CLI_SERVICE_PROTOCOL_V10;
// Databricks: the extended version field (SPARK_CLI_SERVICE_PROTOCOL_V8).
constexpr int64_t kDatabricksProtocol = tcli::TProtocolVersion::SPARK_CLI_SERVICE_PROTOCOL_V8;

int remaining_ms(Connection::Clock::time_point deadline) {
  if (deadline == Connection::Clock::time_point::max()) return kDefaultSocketTimeoutMs;
  auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Connection::Clock::now())
          .count();
  return static_cast<int>(std::clamp<int64_t>(left, 1, kDefaultSocketTimeoutMs));
}

}  // namespace

Connection::Connection(const Endpoint& endpoint)
    : endpoint_(endpoint), endpoint_text_(endpoint.describe()) {}

Connection::~Connection() {
  try {
    if (transport_ && transport_->isOpen()) transport_->close();
  } catch (...) {
  }
}

Result<std::unique_ptr<Connection>> Connection::open(const Endpoint& endpoint,
                                                     Clock::time_point deadline) {
  std::unique_ptr<Connection> connection(new Connection(endpoint));
  if (auto connected = connection->connect(deadline); !connected) return connected.error();
  if (auto opened = connection->open_session(deadline); !opened) return opened.error();
  connection->last_used = Clock::now();
  return connection;
}

void Connection::set_deadline(Clock::time_point deadline) {
  if (socket_) {
    const int ms = remaining_ms(deadline);
    socket_->setConnTimeout(ms);
    socket_->setRecvTimeout(ms);
    socket_->setSendTimeout(ms);
  }
  if (http_) http_->set_deadline(deadline);
}

Result<void> Connection::connect(Clock::time_point deadline) {
  auto config = std::make_shared<apache::thrift::TConfiguration>(INT_MAX);
  if (endpoint_.transport == TransportKind::kHttp) {
    HttpOptions options;
    options.host = endpoint_.host;
    options.port = endpoint_.port;
    options.path = endpoint_.path;
    options.use_tls = endpoint_.use_tls;
    options.ca_file = endpoint_.ca_file;
    options.user_agent = endpoint_.user_agent;
    if (!endpoint_.bearer_token.empty()) {
      options.authorization = "Bearer " + endpoint_.bearer_token;
    } else {
      std::string basic;
      util::append_base64(basic, endpoint_.user + ":" + endpoint_.password);
      options.authorization = "Basic " + basic;
    }
    http_ = std::make_shared<HttpTransport>(std::move(options));
    transport_ = http_;
  } else {
    socket_ = std::make_shared<apache::thrift::transport::TSocket>(endpoint_.host, endpoint_.port,
                                                                   config);
    socket_->setNoDelay(true);
    socket_->setKeepAlive(true);
    if (endpoint_.sasl) {
      transport_ =
          std::make_shared<SaslPlainTransport>(socket_, endpoint_.user, endpoint_.password);
    } else {
      transport_ = std::make_shared<NoSaslTransport>(socket_);
    }
  }
  auto protocol = std::make_shared<apache::thrift::protocol::TBinaryProtocol>(transport_);
  client_ = std::make_unique<tcli::TCLIServiceClient>(protocol);
  return call("connect", deadline, [this](tcli::TCLIServiceClient&) { transport_->open(); });
}

Result<void> Connection::open_session(Clock::time_point deadline) {
  tcli::TOpenSessionReq request;
  request.__set_client_protocol(kHiveProtocol);
  request.__set_username(endpoint_.user);
  if (endpoint_.databricks) {
    request.__set_client_protocol_i64(kDatabricksProtocol);
    request.__set_canUseMultipleCatalogs(true);
  }
  // Databricks takes the initial namespace here; Hive-style servers get USE
  // statements from the backend once the session is open.
  if (endpoint_.databricks && (!endpoint_.catalog.empty() || !endpoint_.schema.empty())) {
    tcli::TNamespace initial;
    if (!endpoint_.catalog.empty()) initial.__set_catalogName(endpoint_.catalog);
    if (!endpoint_.schema.empty()) initial.__set_schemaName(endpoint_.schema);
    request.__set_initialNamespace(initial);
  }
  tcli::TOpenSessionResp response;
  auto called = call("OpenSession", deadline, [&](tcli::TCLIServiceClient& client) {
    client.OpenSession(response, request);
  });
  if (!called) return called;
  if (auto ok = check(response.status, "OpenSession"); !ok) {
    broken_ = true;
    return ok;
  }
  session_ = response.sessionHandle;
  session_open_ = true;
  server_protocol_ = response.serverProtocolVersion;
  return {};
}

Result<void> Connection::check(const tcli::TStatus& status, std::string_view what) {
  if (status.statusCode == tcli::TStatusCode::SUCCESS_STATUS ||
      status.statusCode == tcli::TStatusCode::SUCCESS_WITH_INFO_STATUS ||
      status.statusCode == tcli::TStatusCode::STILL_EXECUTING_STATUS) {
    return {};
  }
  std::string message = status.errorMessage;
  if (!status.displayMessage.empty()) message = status.displayMessage;
  return map_server_error(static_cast<int>(status.statusCode), message, status.sqlState, what);
}

Result<void> Connection::call(std::string_view what, Clock::time_point deadline,
                              const std::function<void(tcli::TCLIServiceClient&)>& rpc) {
  if (broken_) {
    return Error(ErrorCode::kBackendUnavailable,
                 "the connection to the Thrift server (" + endpoint_text_ + ") is broken");
  }
  set_deadline(deadline);
  try {
    rpc(*client_);
    last_used = Clock::now();
    return {};
  } catch (const TTransportException& e) {
    broken_ = true;
    return map_exception(what, e, true);
  } catch (const TProtocolException& e) {
    broken_ = true;
    return map_exception(what, e, false);
  } catch (const TApplicationException& e) {
    return map_exception(what, e, false);
  } catch (const std::exception& e) {
    broken_ = true;
    return map_exception(what, e, true);
  }
}

Error Connection::map_exception(std::string_view what, const std::exception& e,
                                bool transport_failure) {
  const std::string where = " (" + endpoint_text_ + ")";
  std::string detail = e.what();
  if (http_ && transport_failure) {
    const HttpFailure& failure = http_->last_failure();
    if (failure.kind == HttpFailure::Kind::kStatus &&
        (failure.status == 401 || failure.status == 403)) {
      return authentication_failed(endpoint_text_, "HTTP " + std::to_string(failure.status));
    }
    if (failure.kind == HttpFailure::Kind::kTls) {
      return Error(ErrorCode::kBackendUnavailable, failure.message + where);
    }
    if (failure.kind == HttpFailure::Kind::kTimeout) {
      return Error(ErrorCode::kTimeout,
                   "the Thrift call " + std::string(what) + " exceeded the service timeout");
    }
    if (failure.kind != HttpFailure::Kind::kNone) detail = failure.message;
  }
  if (detail.starts_with("SASL authentication failed")) {
    return authentication_failed(endpoint_text_, detail);
  }
  if (!transport_failure) {
    return Error(ErrorCode::kProtocol,
                 "malformed reply to " + std::string(what) + where + ": " + detail);
  }
  if (const auto* transport = dynamic_cast<const TTransportException*>(&e);
      transport != nullptr && transport->getType() == TTransportException::TIMED_OUT) {
    return Error(ErrorCode::kTimeout,
                 "the Thrift call " + std::string(what) + " exceeded the service timeout");
  }
  return Error(ErrorCode::kBackendUnavailable, "Thrift server unavailable" + where + " during " +
                                                   std::string(what) + ": " + detail);
}

void Connection::close() {
  if (session_open_ && !broken_) {
    tcli::TCloseSessionReq request;
    request.sessionHandle = session_;
    tcli::TCloseSessionResp response;
    (void)call("CloseSession", Clock::now() + kCloseTimeout,
               [&](tcli::TCLIServiceClient& client) { client.CloseSession(response, request); });
  }
  session_open_ = false;
  try {
    if (transport_ && transport_->isOpen()) transport_->close();
  } catch (...) {
  }
}

}  // namespace lakegate::backend::hive_thrift
