// TLS (a self-signed certificate made on the fly) and the SIGTERM watcher.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <csignal>
#include <cstdio>
#include <filesystem>

#include "test_client.h"

namespace lakegate::http::testing {
namespace {

namespace asio = boost::asio;

// Writes a self-signed P-256 certificate and its key as PEM files.
bool write_self_signed(const std::string& cert_path, const std::string& key_path) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  if (key == nullptr || cert == nullptr) return false;
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  bool ok = X509_sign(cert, key, EVP_sha256()) > 0;
  FILE* cert_file = std::fopen(cert_path.c_str(), "w");
  FILE* key_file = std::fopen(key_path.c_str(), "w");
  ok = ok && cert_file != nullptr && key_file != nullptr && PEM_write_X509(cert_file, cert) == 1 &&
       PEM_write_PrivateKey(key_file, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
  if (cert_file != nullptr) std::fclose(cert_file);
  if (key_file != nullptr) std::fclose(key_file);
  X509_free(cert);
  EVP_PKEY_free(key);
  return ok;
}

TEST(ServerTls, ServesHttpsRequests) {
  const auto directory = std::filesystem::temp_directory_path();
  const std::string suffix = std::to_string(::getpid());
  const std::string cert = (directory / ("lakegate-test-cert-" + suffix + ".pem")).string();
  const std::string key = (directory / ("lakegate-test-key-" + suffix + ".pem")).string();
  ASSERT_TRUE(write_self_signed(cert, key));
  ServerOptions options = test_options();
  options.tls_cert_file = cert;
  options.tls_key_file = key;
  TestServer server(options, [](const Request& request) {
    return Response::json(200, "\"secure " + request.path + "\"");
  });

  asio::io_context io;
  asio::ssl::context context(asio::ssl::context::tls_client);
  context.set_verify_mode(asio::ssl::verify_none);
  asio::ssl::stream<asio::ip::tcp::socket> stream(io, context);
  stream.next_layer().connect({asio::ip::make_address("127.0.0.1"), server.port()});
  stream.handshake(asio::ssl::stream_base::client);
  const std::string request = "GET /tls HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
  asio::write(stream, asio::buffer(request));
  std::string received;
  boost::system::error_code ec;
  asio::read(stream, asio::dynamic_buffer(received), ec);  // until the server closes
  EXPECT_EQ(received.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << received;
  EXPECT_NE(received.find("\r\n\r\n\"secure /tls\""), std::string::npos) << received;
  std::filesystem::remove(cert);
  std::filesystem::remove(key);
}

TEST(ServerTls, MissingKeyIsAConfigError) {
  ServerOptions options = test_options();
  options.tls_cert_file = "/nonexistent/cert.pem";
  FunctionHandler handler([](const Request&) { return Response::json(200, "{}"); });
  Server server(options, handler);
  const Status started = server.start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, ErrorCode::kBadConfig);
}

TEST(ShutdownSignals, SigtermStopsTheServer) {
  FunctionHandler handler([](const Request&) { return Response::json(200, "{}"); });
  Server server(test_options(), handler);
  ASSERT_TRUE(server.start());
  {
    ShutdownSignals signals(server, 100ms);
    std::thread runner([&] { EXPECT_TRUE(server.run()); });
    std::this_thread::sleep_for(50ms);
    ASSERT_EQ(std::raise(SIGTERM), 0);
    runner.join();  // returns only because the signal stopped the server
  }
}

}  // namespace
}  // namespace lakegate::http::testing
