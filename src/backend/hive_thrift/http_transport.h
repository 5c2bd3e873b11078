// A Thrift transport that sends each flushed message as one HTTP/1.1 POST
// (Content-Type application/x-thrift) and reads the reply body back:
// Apache Thrift's own THttpClient can send neither Authorization nor other
// headers, and loses Retry-After. Keep-alive; optional TLS with certificate
// and host-name verification (system roots or a PEM `ca_file`).
//
// Retries, bounded by the deadline (set_deadline): a refused or failed
// connect, and HTTP 429/503 (the server did not take the request), honouring
// Retry-After, else exponential backoff. A message that may have reached the
// server is re-sent only when its method is idempotent (never
// ExecuteStatement or FetchResults): the method name is read from the
// message itself.
//
// Failures throw apache::thrift::transport::TTransportException (Thrift's
// generated client is exception-based); last_failure() tells the caller what
// happened (HTTP status, TLS, timeout) for error mapping. Secrets (the
// Authorization value) never appear in a failure text. Not thread-safe: one
// per connection.
#pragma once

#include <thrift/transport/TVirtualTransport.h>

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace lakegate::backend::hive_thrift {

struct HttpOptions {
  std::string host;
  int port = 80;
  std::string path = "/";
  bool use_tls = false;
  std::string ca_file;        // PEM roots; empty: system roots.
  std::string authorization;  // Authorization header value (secret); empty: none.
  std::string user_agent;
  std::vector<std::pair<std::string, std::string>> headers;  // extra request headers
  size_t max_response_bytes = size_t(1) << 30;
};

// What went wrong in the last failed flush().
struct HttpFailure {
  enum class Kind { kNone, kConnect, kTls, kTimeout, kStatus, kIo };
  Kind kind = Kind::kNone;
  int status = 0;  // kStatus: the HTTP status
  bool may_have_reached_server = false;
  std::string message;  // without secrets
};

class HttpTransport final : public apache::thrift::transport::TVirtualTransport<HttpTransport> {
 public:
  explicit HttpTransport(HttpOptions options);
  ~HttpTransport() override;

  bool isOpen() const override;
  // Connects (no request is sent). Throws on failure.
  void open() override;
  void close() override;
  uint32_t read(uint8_t* buf, uint32_t len);
  void write(const uint8_t* buf, uint32_t len);
  // POSTs the buffered message and reads the reply.
  void flush() override;

  void set_deadline(std::chrono::steady_clock::time_point deadline) { deadline_ = deadline; }
  const HttpFailure& last_failure() const { return failure_; }
  // Requests answered (diagnostics and tests).
  int64_t requests() const { return requests_; }
  int64_t connects() const { return connects_; }

 private:
  struct Connection;
  void connect();
  // One request/response; false with failure_ set on a failure that may be retried.
  bool exchange(int& retry_after_seconds);

  HttpOptions options_;
  std::unique_ptr<Connection> connection_;
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
  std::chrono::steady_clock::time_point last_used_{};
  std::string write_buffer_;
  std::string read_buffer_;
  size_t read_position_ = 0;
  HttpFailure failure_;
  int64_t requests_ = 0;
  int64_t connects_ = 0;
};

// The method name of a TBinaryProtocol (strict) message, or empty.
std::string thrift_method_name(std::string_view message);

// True for TCLIService methods that are safe to send twice.
bool is_idempotent_method(std::string_view method);

}  // namespace lakegate::backend::hive_thrift
