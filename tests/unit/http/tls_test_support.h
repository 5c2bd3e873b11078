// Test support for TLS on the listener: a self-signed certificate made at
// test time (OpenSSL APIs, no openssl binary needed) in a private temporary
// directory, and a Beast HTTPS client that verifies the server against that
// certificate, with a timeout on every operation (a test never hangs).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <optional>
#include <string>

namespace lakegate::http::testing {

// A self-signed P-256 certificate for CN=127.0.0.1 (subjectAltName
// IP:127.0.0.1 and DNS:localhost), valid for a day, and its private key, as
// PEM files in a fresh temporary directory removed by the destructor.
class TestCertificate {
 public:
  TestCertificate();
  ~TestCertificate();
  TestCertificate(const TestCertificate&) = delete;
  TestCertificate& operator=(const TestCertificate&) = delete;

  // False when generation failed (the files are then absent).
  bool ok() const { return ok_; }
  const std::string& cert_file() const { return cert_file_; }
  const std::string& key_file() const { return key_file_; }
  const std::string& directory() const { return directory_; }

 private:
  std::string directory_;
  std::string cert_file_;
  std::string key_file_;
  bool ok_ = false;
};

// One HTTPS connection to 127.0.0.1:`port`, trusting only `ca_file` and
// checking that the certificate names 127.0.0.1.
class TlsClient {
 public:
  using Response = boost::beast::http::response<boost::beast::http::string_body>;

  TlsClient(uint16_t port, const std::string& ca_file);
  // TCP connect + TLS handshake; the error (empty on success).
  boost::system::error_code connect(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Sends GET `target` and reads the response; nullopt on any failure
  // (error() tells which).
  std::optional<Response> get(const std::string& target, bool keep_alive = true,
                              std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // True if the server ends the connection (close_notify, EOF or reset)
  // within `timeout` without sending a response.
  bool wait_closed(std::chrono::milliseconds timeout = std::chrono::seconds(3));
  const boost::system::error_code& error() const { return error_; }

 private:
  // Runs the io_context until the operations started before finish.
  void run();

  uint16_t port_;
  boost::asio::io_context io_;
  boost::asio::ssl::context ssl_;
  boost::beast::ssl_stream<boost::beast::tcp_stream> stream_;
  boost::beast::flat_buffer buffer_;
  boost::system::error_code error_;
};

}  // namespace lakegate::http::testing
