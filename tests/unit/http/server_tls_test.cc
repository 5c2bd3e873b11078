// TLS with an unverifying raw client, and the SIGTERM watcher. The TLS
// listener in depth: server_tls_listener_test.cc.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <csignal>

#include "test_client.h"
#include "tls_test_support.h"

namespace lakegate::http::testing {
namespace {

namespace asio = boost::asio;

TEST(ServerTls, ServesHttpsRequests) {
  TestCertificate certificate;
  ASSERT_TRUE(certificate.ok());
  ServerOptions options = test_options();
  options.tls_cert_file = certificate.cert_file();
  options.tls_key_file = certificate.key_file();
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
