// Graceful shutdown: in-flight requests finish, new connections are refused,
// idle keep-alive connections close at once, the deadline force-closes
// never-ending streams.
#include <gtest/gtest.h>

#include <future>

#include "test_client.h"

namespace lakegate::http::testing {
namespace {

using Clock = std::chrono::steady_clock;

std::string get(std::string_view target) {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n\r\n";
}

TEST(ServerStop, InFlightRequestCompletesAndNewConnectionsAreRefused) {
  std::promise<void> entered;
  TestServer server([&](const Request&) {
    entered.set_value();
    std::this_thread::sleep_for(300ms);
    return Response::json(200, "\"done\"");
  });
  const uint16_t port = server.port();
  TestClient client(port);
  ASSERT_TRUE(client.send(get("/slow")));
  ASSERT_EQ(entered.get_future().wait_for(2s), std::future_status::ready);
  server.server().stop(5s);
  std::this_thread::sleep_for(50ms);
  TestClient late(port);
  EXPECT_FALSE(late.connected());
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "\"done\"");
  EXPECT_EQ(response->header("connection"), "close");
  const auto before_join = Clock::now();
  server.stop_and_join();
  EXPECT_LT(Clock::now() - before_join, 2s);
}

TEST(ServerStop, IdleKeepAliveConnectionsCloseAtOnce) {
  TestServer server([](const Request&) { return Response::json(200, "{}"); });
  TestClient client(server.port());
  ASSERT_TRUE(client.send(get("/a")));
  ASSERT_TRUE(client.read_response());
  const auto started = Clock::now();
  server.stop_and_join(10s);
  EXPECT_LT(Clock::now() - started, 2s);
  EXPECT_TRUE(client.wait_closed(1s));
}

TEST(ServerStop, DeadlineForceClosesNeverEndingStream) {
  std::promise<void> producer_stopped;
  TestServer server([&](const Request&) {
    Response response;
    response.producer = [&](util::ByteSink& sink) {
      while (sink.write("tick\n")) std::this_thread::sleep_for(10ms);
      producer_stopped.set_value();
      return StreamEnd::aborted();
    };
    return response;
  });
  TestClient client(server.port());
  ASSERT_TRUE(client.send(get("/ticks")));
  ASSERT_GT(client.read_some(10, 2s), 0u);
  const auto started = Clock::now();
  server.stop_and_join(300ms);
  const auto took = Clock::now() - started;
  EXPECT_GE(took, 250ms);
  EXPECT_LT(took, 2s);
  EXPECT_EQ(producer_stopped.get_future().wait_for(1s), std::future_status::ready);
  EXPECT_TRUE(client.wait_closed(1s));
}

TEST(ServerStop, StopBeforeRunReturnsPromptly) {
  ServerOptions options = test_options();
  FunctionHandler handler([](const Request&) { return Response::json(200, "{}"); });
  Server server(options, handler);
  server.stop(0ms);
  EXPECT_TRUE(server.run());
}

TEST(ServerStop, BadListenAddressIsAConfigError) {
  ServerOptions options = test_options();
  options.host = "not-an-ip";
  FunctionHandler handler([](const Request&) { return Response::json(200, "{}"); });
  Server server(options, handler);
  const Status started = server.start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, ErrorCode::kBadConfig);
}

}  // namespace
}  // namespace lakegate::http::testing
