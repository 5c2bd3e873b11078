#include "backend/hive_thrift/http_transport.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <thrift/transport/TTransportException.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <charconv>
#include <climits>
#include <cstring>
#include <optional>
#include <thread>

namespace lakegate::backend::hive_thrift {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Clock = std::chrono::steady_clock;
using apache::thrift::transport::TTransportException;

// A kept-alive connection idle this long is replaced before use: servers and
// proxies close idle connections (nginx after 75 s, Jetty after its idle
// timeout), and a request on a connection closed under it cannot be told
// apart from one the server dropped mid-way.
constexpr auto kMaxIdle = std::chrono::seconds(15);
constexpr auto kFirstBackoff = std::chrono::milliseconds(200);
// Refused connects are retried for at most this long (and never past the
// deadline): long enough to ride out a server restart, short enough that an
// unreachable server answers 503 promptly.
constexpr auto kConnectRetryBudget = std::chrono::seconds(10);
constexpr auto kMaxBackoff = std::chrono::seconds(10);
// Without a deadline, I/O still gives up after this long.
constexpr auto kDefaultIoTimeout = std::chrono::minutes(15);

int retry_after_seconds(std::string_view value) {
  int seconds = -1;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec != std::errc() || end != value.data() + value.size() || seconds < 0) return -1;
  return seconds;
}

}  // namespace

struct HttpTransport::Connection {
  asio::io_context io;
  asio::ssl::context tls{asio::ssl::context::tls_client};
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;

  beast::tcp_stream& lowest() { return secure ? beast::get_lowest_layer(*secure) : *plain; }
};

std::string thrift_method_name(std::string_view message) {
  // Strict binary: i32 version|type, i32 name length, name bytes.
  if (message.size() < 8) return {};
  auto u8 = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(message[i])); };
  const uint32_t version = (u8(0) << 24) | (u8(1) << 16);
  if (version != 0x80010000u) return {};
  const uint32_t length = (u8(4) << 24) | (u8(5) << 16) | (u8(6) << 8) | u8(7);
  if (length > 256 || message.size() < 8 + length) return {};
  return std::string(message.substr(8, length));
}

bool is_idempotent_method(std::string_view method) {
  return method == "GetOperationStatus" || method == "GetResultSetMetadata" ||
         method == "CloseOperation" || method == "CancelOperation" || method == "GetInfo" ||
         method == "CloseSession";
}

HttpTransport::HttpTransport(HttpOptions options)
    : TVirtualTransport(std::make_shared<apache::thrift::TConfiguration>(INT_MAX)),
      options_(std::move(options)) {}

HttpTransport::~HttpTransport() = default;

bool HttpTransport::isOpen() const {
  return connection_ != nullptr;
}

void HttpTransport::open() {
  if (!connection_) connect();
}

void HttpTransport::close() {
  connection_.reset();
}

uint32_t HttpTransport::read(uint8_t* buf, uint32_t len) {
  const size_t available = read_buffer_.size() - read_position_;
  const uint32_t count = static_cast<uint32_t>(std::min<size_t>(available, len));
  std::memcpy(buf, read_buffer_.data() + read_position_, count);
  read_position_ += count;
  return count;
}

void HttpTransport::write(const uint8_t* buf, uint32_t len) {
  write_buffer_.append(reinterpret_cast<const char*>(buf), len);
}

void HttpTransport::connect() {
  const std::string where = options_.host + ":" + std::to_string(options_.port);
  auto connection = std::make_unique<Connection>();
  const auto deadline = std::min(deadline_, Clock::now() + kDefaultIoTimeout);
  beast::error_code ec;
  asio::ip::tcp::resolver resolver(connection->io);
  auto addresses = resolver.resolve(options_.host, std::to_string(options_.port), ec);
  if (ec) {
    failure_ = {HttpFailure::Kind::kConnect, 0, false,
                "cannot resolve " + options_.host + ": " + ec.message()};
    throw TTransportException(TTransportException::NOT_OPEN, failure_.message);
  }
  if (options_.use_tls) {
    auto& tls = connection->tls;
    tls.set_verify_mode(asio::ssl::verify_peer);
    if (options_.ca_file.empty()) {
      tls.set_default_verify_paths(ec);
    } else {
      tls.load_verify_file(options_.ca_file, ec);
    }
    if (ec) {
      failure_ = {HttpFailure::Kind::kTls, 0, false,
                  "TLS setup failed: cannot load CA certificates" +
                      (options_.ca_file.empty() ? std::string() : " from " + options_.ca_file) +
                      ": " + ec.message()};
      throw TTransportException(TTransportException::NOT_OPEN, failure_.message);
    }
    connection->secure.emplace(connection->io, tls);
    connection->secure->set_verify_callback(asio::ssl::host_name_verification(options_.host));
    beast::error_code address_ec;
    (void)asio::ip::make_address(options_.host, address_ec);
    if (address_ec) {  // SNI only for names
      SSL_set_tlsext_host_name(connection->secure->native_handle(), options_.host.c_str());
    }
  } else {
    connection->plain.emplace(connection->io);
  }
  connection->lowest().expires_at(deadline);
  connection->lowest().connect(addresses, ec);
  if (ec) {
    const bool timed_out = ec == beast::error::timeout;
    failure_ = {timed_out ? HttpFailure::Kind::kTimeout : HttpFailure::Kind::kConnect, 0, false,
                "cannot connect to " + where + ": " + ec.message()};
    throw TTransportException(
        timed_out ? TTransportException::TIMED_OUT : TTransportException::NOT_OPEN,
        failure_.message);
  }
  if (connection->secure) {
    connection->secure->handshake(asio::ssl::stream_base::client, ec);
    if (ec) {
      std::string reason = ec.message();
      const long verify = SSL_get_verify_result(connection->secure->native_handle());
      if (verify != X509_V_OK) reason = X509_verify_cert_error_string(verify);
      failure_ = {HttpFailure::Kind::kTls, 0, false,
                  "TLS handshake with " + where + " failed: " + reason};
      throw TTransportException(TTransportException::NOT_OPEN, failure_.message);
    }
  }
  connection_ = std::move(connection);
  last_used_ = Clock::now();
  ++connects_;
}

bool HttpTransport::exchange(int& retry_after) {
  retry_after = -1;
  Connection& connection = *connection_;
  const auto deadline = std::min(deadline_, Clock::now() + kDefaultIoTimeout);
  http::request<http::string_body> request{http::verb::post, options_.path, 11};
  request.set(http::field::host, options_.host + ":" + std::to_string(options_.port));
  request.set(http::field::content_type, "application/x-thrift");
  request.set(http::field::accept, "application/x-thrift");
  request.set(http::field::user_agent, options_.user_agent);
  if (!options_.authorization.empty())
    request.set(http::field::authorization, options_.authorization);
  for (const auto& [name, value] : options_.headers) request.set(name, value);
  request.keep_alive(true);
  request.body() = write_buffer_;
  request.prepare_payload();

  http::response_parser<http::string_body> parser;
  parser.body_limit(options_.max_response_bytes);
  beast::error_code ec;
  connection.lowest().expires_at(deadline);
  if (connection.secure) {
    http::write(*connection.secure, request, ec);
    if (!ec) http::read(*connection.secure, connection.buffer, parser, ec);
  } else {
    http::write(*connection.plain, request, ec);
    if (!ec) http::read(*connection.plain, connection.buffer, parser, ec);
  }
  if (ec) {
    connection_.reset();
    const bool timed_out = ec == beast::error::timeout;
    failure_ = {timed_out ? HttpFailure::Kind::kTimeout : HttpFailure::Kind::kIo, 0, true,
                "HTTP exchange with " + options_.host + ":" + std::to_string(options_.port) +
                    " failed: " + ec.message()};
    return false;
  }
  ++requests_;
  last_used_ = Clock::now();
  auto& response = parser.get();
  if (!response.keep_alive()) connection_.reset();
  const int status = response.result_int();
  if (status == 200) {
    read_buffer_ = std::move(response.body());
    read_position_ = 0;
    failure_ = {};
    return true;
  }
  failure_ = {HttpFailure::Kind::kStatus, status, status != 429 && status != 503,
              "HTTP " + std::to_string(status) + " " + std::string(response.reason())};
  for (const char* header :
       {"x-thriftserver-error-message", "x-databricks-error-or-redirect-message",
        "x-databricks-reason-phrase"}) {
    auto found = response.find(header);
    if (found != response.end() && !found->value().empty()) {
      failure_.message += ": " + std::string(found->value().substr(0, 500));
      break;
    }
  }
  if (status == 429 || status == 503) {
    auto found = response.find(http::field::retry_after);
    if (found != response.end()) retry_after = retry_after_seconds(found->value());
  }
  return false;
}

void HttpTransport::flush() {
  resetConsumedMessageSize();
  const std::string method = thrift_method_name(write_buffer_);
  const bool idempotent = is_idempotent_method(method);
  auto backoff = std::chrono::milliseconds(kFirstBackoff);
  const auto connect_retry_end = Clock::now() + kConnectRetryBudget;
  struct ClearOnExit {
    std::string& buffer;
    ~ClearOnExit() { buffer.clear(); }
  } clear{write_buffer_};
  while (true) {
    if (connection_ && Clock::now() - last_used_ > kMaxIdle) connection_.reset();
    bool retryable = false;
    int retry_after = -1;
    if (!connection_) {
      try {
        connect();
      } catch (const TTransportException&) {
        // Nothing was sent: retry refused connects until the deadline.
        retryable = failure_.kind == HttpFailure::Kind::kConnect;
        if (!retryable || Clock::now() >= connect_retry_end) throw;
      }
    }
    if (connection_) {
      if (exchange(retry_after)) return;
      retryable = failure_.kind == HttpFailure::Kind::kStatus
                      ? (failure_.status == 429 || failure_.status == 503)
                      : (failure_.kind == HttpFailure::Kind::kIo && idempotent);
    }
    auto wait = retry_after >= 0 ? std::chrono::milliseconds(retry_after * 1000) : backoff;
    const auto retry_end = std::min(deadline_, Clock::now() + kDefaultIoTimeout);
    if (!retryable || Clock::now() + wait >= retry_end) {
      throw TTransportException(failure_.kind == HttpFailure::Kind::kTimeout
                                    ? TTransportException::TIMED_OUT
                                    : TTransportException::UNKNOWN,
                                failure_.message);
    }
    std::this_thread::sleep_for(wait);
    backoff = std::min<std::chrono::milliseconds>(backoff * 2, kMaxBackoff);
  }
}

}  // namespace lakegate::backend::hive_thrift
