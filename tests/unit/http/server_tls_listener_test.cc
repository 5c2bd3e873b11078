// TLS on the listener, end to end over real sockets: a verified HTTPS GET,
// keep-alive, a streamed (chunked) body, plain HTTP and silent clients on
// the TLS port, the connection limit, graceful stop, and certificate
// loading errors at start().
#include <gtest/gtest.h>

#include <future>

#include "test_client.h"
#include "tls_test_support.h"

namespace lakegate::http::testing {
namespace {

class ServerTlsListener : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(certificate_.ok()); }

  ServerOptions tls_options() const {
    ServerOptions options = test_options();
    options.tls_cert_file = certificate_.cert_file();
    options.tls_key_file = certificate_.key_file();
    return options;
  }
  // Connects a verifying HTTPS client; fails the test if that fails.
  std::unique_ptr<TlsClient> connect(uint16_t port) {
    auto client = std::make_unique<TlsClient>(port, certificate_.cert_file());
    const auto ec = client->connect();
    EXPECT_FALSE(ec) << ec.message();
    return client;
  }
  static Status start_error(ServerOptions options) {
    FunctionHandler handler([](const Request&) { return Response::json(200, "{}"); });
    Server server(std::move(options), handler);
    return server.start();
  }

  TestCertificate certificate_;
};

Response echo_path(const Request& request) {
  return Response::json(200, "\"secure " + request.path + "\"");
}

Response streamed(BodyProducer producer) {
  Response response;
  response.headers.emplace_back("Content-Type", "application/x-ndjson");
  response.producer = std::move(producer);
  return response;
}

TEST_F(ServerTlsListener, GetIsServedAndTheCertificateVerifies) {
  TestServer server(tls_options(), echo_path);
  auto client = connect(server.port());
  auto response = client->get("/hello", /*keep_alive=*/false);
  ASSERT_TRUE(response) << client->error().message();
  EXPECT_EQ(response->result_int(), 200u);
  EXPECT_EQ(response->body(), "\"secure /hello\"");
  EXPECT_EQ((*response)["Server"], "lakegate");
}

TEST_F(ServerTlsListener, KeepAliveServesManyRequestsOnOneConnection) {
  TestServer server(tls_options(), echo_path);
  auto client = connect(server.port());
  for (int round = 0; round < 5; ++round) {
    const std::string path = "/round/" + std::to_string(round);
    auto response = client->get(path);
    ASSERT_TRUE(response) << "round " << round << ": " << client->error().message();
    EXPECT_EQ(response->body(), "\"secure " + path + "\"");
    EXPECT_TRUE(response->keep_alive());
  }
  EXPECT_EQ(server.server().active_connections(), 1u);
}

TEST_F(ServerTlsListener, StreamedChunkedBodyArrivesWhole) {
  const std::string big(200 * 1024, 'x');  // one chunk over a TLS record
  std::string expected;
  for (int line = 0; line < 1000; ++line) expected += "{\"row\":" + std::to_string(line) + "}\n";
  expected += big;
  TestServer server(tls_options(), [&](const Request&) {
    return streamed([&](util::ByteSink& sink) {
      for (int line = 0; line < 1000; ++line) {
        if (!sink.write("{\"row\":" + std::to_string(line) + "}\n")) return StreamEnd::aborted();
      }
      if (!sink.write(big)) return StreamEnd::aborted();
      return StreamEnd::complete();
    });
  });
  auto client = connect(server.port());
  for (int round = 0; round < 2; ++round) {  // keep-alive after the final chunk
    auto response = client->get("/stream");
    ASSERT_TRUE(response) << client->error().message();
    EXPECT_EQ(response->result_int(), 200u);
    EXPECT_TRUE(response->chunked());
    EXPECT_EQ((*response)["Content-Type"], "application/x-ndjson");
    EXPECT_EQ(response->body(), expected);
  }
}

TEST_F(ServerTlsListener, PlainHttpIsClosedAndTlsClientsAreStillServed) {
  TestServer server(tls_options(), echo_path);
  for (int attempt = 0; attempt < 3; ++attempt) {
    TestClient plain(server.port());
    ASSERT_TRUE(plain.connected());
    ASSERT_TRUE(plain.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n"));
    EXPECT_FALSE(plain.read_response(false, 1s));  // no HTTP answer, just a close
  }
  auto client = connect(server.port());
  auto response = client->get("/after");
  ASSERT_TRUE(response) << client->error().message();
  EXPECT_EQ(response->body(), "\"secure /after\"");
}

TEST_F(ServerTlsListener, SilentClientIsClosedAfterTheReadTimeout) {
  TestServer server(tls_options(), echo_path);  // read_timeout 500 ms
  TestClient silent(server.port());
  ASSERT_TRUE(silent.connected());
  const auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(silent.wait_closed(3s));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  auto response = connect(server.port())->get("/ok");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body(), "\"secure /ok\"");
}

TEST_F(ServerTlsListener, ConnectionOverTheLimitIsClosed) {
  ServerOptions options = tls_options();
  options.max_connections = 1;
  TestServer server(options, echo_path);
  auto first = connect(server.port());
  ASSERT_TRUE(first->get("/first"));
  TlsClient second(server.port(), certificate_.cert_file());
  EXPECT_TRUE(second.connect(2s));  // no plaintext 503 on a TLS port: closed
  auto response = first->get("/first-again");
  ASSERT_TRUE(response) << first->error().message();
  EXPECT_EQ(response->body(), "\"secure /first-again\"");
}

TEST_F(ServerTlsListener, StopClosesIdleConnectionsAndLetsStreamsFinish) {
  std::promise<void> streaming;
  TestServer server(tls_options(), [&](const Request& request) {
    if (request.path != "/slow") return echo_path(request);
    return streamed([&](util::ByteSink& sink) {
      for (int part = 0; part < 10; ++part) {
        if (!sink.write("part " + std::to_string(part) + "\n")) return StreamEnd::aborted();
        if (part == 0) streaming.set_value();
        std::this_thread::sleep_for(30ms);
      }
      return StreamEnd::complete();
    });
  });
  auto idle = connect(server.port());
  ASSERT_TRUE(idle->get("/idle"));
  auto busy = connect(server.port());
  auto body = std::async(std::launch::async, [&]() -> std::string {
    auto response = busy->get("/slow");
    return response ? response->body() : "failed: " + busy->error().message();
  });
  streaming.get_future().wait();
  const auto started = std::chrono::steady_clock::now();
  server.stop_and_join(5s);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
  std::string expected;
  for (int part = 0; part < 10; ++part) expected += "part " + std::to_string(part) + "\n";
  EXPECT_EQ(body.get(), expected);
  EXPECT_TRUE(idle->wait_closed(1s));
}

TEST_F(ServerTlsListener, MissingCertificateFileIsABadConfigError) {
  ServerOptions options = tls_options();
  options.tls_cert_file = certificate_.directory() + "/absent-cert.pem";
  const Status started = start_error(options);
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, ErrorCode::kBadConfig);
  EXPECT_NE(started.error().message.find("absent-cert.pem"), std::string::npos)
      << started.error().message;
}

TEST_F(ServerTlsListener, MissingKeyFileIsABadConfigError) {
  ServerOptions options = tls_options();
  options.tls_key_file = certificate_.directory() + "/absent-key.pem";
  const Status started = start_error(options);
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, ErrorCode::kBadConfig);
  EXPECT_NE(started.error().message.find("absent-key.pem"), std::string::npos)
      << started.error().message;
}

TEST_F(ServerTlsListener, KeyWithoutCertificateIsABadConfigError) {
  ServerOptions options = tls_options();
  options.tls_cert_file.clear();
  const Status started = start_error(options);
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, ErrorCode::kBadConfig);
}

TEST_F(ServerTlsListener, KeyOfAnotherCertificateIsABadConfigError) {
  TestCertificate other;
  ASSERT_TRUE(other.ok());
  ServerOptions options = tls_options();
  options.tls_key_file = other.key_file();
  const Status started = start_error(options);
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, ErrorCode::kBadConfig);
  EXPECT_NE(started.error().message.find(other.key_file()), std::string::npos)
      << started.error().message;
}

TEST_F(ServerTlsListener, CertificateErrorLeavesThePortFree) {
  // A failed start() must not keep the port bound: a corrected retry binds it.
  ServerOptions options = tls_options();
  options.port = 0;
  options.tls_cert_file = certificate_.key_file();  // a key is not a certificate
  FunctionHandler handler(echo_path);
  Server server(options, handler);
  const Status started = server.start();
  ASSERT_FALSE(started);
  EXPECT_EQ(server.bound_port(), 0);
}

}  // namespace
}  // namespace lakegate::http::testing
