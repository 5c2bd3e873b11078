// The event-driven server under the loads that took the thread-per-
// connection one down: many idle connections, slowloris clients, a full
// lane, long keep-alive connections; and inline lanes staying responsive
// while every worker is busy. Handler::start on the event loop (no
// blocking there) and the rest on a worker.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <fstream>
#include <memory>
#include <mutex>
#include <vector>

#include "http/server.h"
#include "test_client.h"
#include "util/blocking_guard.h"

namespace lakegate::http::testing {
namespace {

std::string get(std::string_view target, std::string_view extra_headers = "") {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n" + std::string(extra_headers) +
         "\r\n";
}

// Threads of this process (the server runs in it).
int thread_count() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Threads:", 0) == 0) return std::stoi(line.substr(8));
  }
  return -1;
}

// Handlers of /slow wait here until the test opens it.
struct Gate {
  std::mutex mutex;
  std::condition_variable changed;
  bool open = false;
  int waiting = 0;
  void wait() {
    std::unique_lock lock(mutex);
    ++waiting;
    changed.notify_all();
    changed.wait(lock, [&] { return open; });
  }
  bool wait_for_waiters(int count) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, 5s, [&] { return waiting >= count; });
  }
  void release() {
    std::lock_guard lock(mutex);
    open = true;
    changed.notify_all();
  }
};

WorkLane lane_by_path(const Request& request) {
  if (request.path == "/health") return WorkLane::inline_lane();
  if (request.path.rfind("/svc", 0) == 0) return WorkLane::queue("svc", 1, 1);
  return WorkLane::queue("other");
}

TEST(ServerWork, HeadersOneByteAtATimeAreCutAtTheHeaderTimeout) {
  ServerOptions options = test_options();
  options.header_timeout = 300ms;
  options.read_timeout = 5s;
  TestServer server(options, [](const Request&) { return Response::json(200, "{}"); });
  TestClient slow(server.port());
  const auto started = std::chrono::steady_clock::now();
  const std::string request = get("/slowloris", "X-Padding: aaaaaaaaaaaaaaaaaaaaaaaa\r\n");
  std::optional<ClientResponse> answer;
  for (char c : request) {
    if (!slow.send(std::string(1, c))) break;
    // Meanwhile others are served at once.
    TestClient other(server.port());
    ASSERT_TRUE(other.send(get("/other")));
    auto response = other.read_response(false, 1s);
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200);
    std::this_thread::sleep_for(20ms);
    if (std::chrono::steady_clock::now() - started > 600ms) break;
  }
  answer = slow.read_response(false, 2s);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 408);
  EXPECT_NE(answer->body.find("header timeout"), std::string::npos);
  EXPECT_TRUE(slow.wait_closed());
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
}

TEST(ServerWork, TrickledBodyIsCutAtTheReadTimeout) {
  ServerOptions options = test_options();
  options.header_timeout = 5s;
  options.read_timeout = 400ms;
  std::atomic<bool> handled{false};
  TestServer server(options, [&](const Request&) {
    handled = true;
    return Response::json(200, "{}");
  });
  TestClient slow(server.port());
  ASSERT_TRUE(slow.send("POST /p HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n"));
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 10 && slow.send("x"); ++i) std::this_thread::sleep_for(60ms);
  auto answer = slow.read_response(false, 2s);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 408);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  EXPECT_FALSE(handled.load());
}

TEST(ServerWork, KeepAliveEndsAfterMaxRequestsPerConnection) {
  ServerOptions options = test_options();
  options.max_requests_per_connection = 3;
  TestServer server(options, [](const Request&) { return Response::json(200, "{}"); });
  TestClient client(server.port());
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(client.send(get("/n")));
    auto response = client.read_response();
    ASSERT_TRUE(response) << i;
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->header("connection"), i == 3 ? "close" : "") << i;
  }
  EXPECT_TRUE(client.wait_closed());
}

TEST(ServerWork, FullLaneAnswers503WithRetryAfterAndOtherLanesGoOn) {
  Gate gate;
  ServerOptions options = test_options();
  options.write_timeout = 5s;
  TestServer server(
      options,
      [&](const Request& request) {
        if (request.path == "/svc/slow") gate.wait();
        return Response::json(200, "{\"path\":\"" + request.path + "\"}");
      },
      lane_by_path);
  TestClient first(server.port()), second(server.port()), third(server.port());
  ASSERT_TRUE(first.send(get("/svc/slow")));
  ASSERT_TRUE(gate.wait_for_waiters(1));
  ASSERT_TRUE(second.send(get("/svc/slow")));  // waits in the lane's queue
  std::this_thread::sleep_for(50ms);
  const auto sent = std::chrono::steady_clock::now();
  ASSERT_TRUE(third.send(get("/svc/slow")));
  auto refused = third.read_response(false, 2s);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503);
  EXPECT_EQ(refused->header("retry-after"), "1");
  EXPECT_NE(refused->body.find("\"status_code\":503"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - sent, 1s);
  // Same connection, another lane: served while "svc" is full.
  ASSERT_TRUE(third.send(get("/elsewhere")));
  auto other = third.read_response(false, 2s);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 200);
  gate.release();
  auto one = first.read_response(false, 3s);
  auto two = second.read_response(false, 3s);
  ASSERT_TRUE(one);
  ASSERT_TRUE(two);
  EXPECT_EQ(one->status, 200);
  EXPECT_EQ(two->status, 200);
}

TEST(ServerWork, InlineLaneIsAnsweredWhileEveryWorkerIsBusy) {
  Gate gate;
  ServerOptions options = test_options();
  options.worker_threads = 1;
  options.write_timeout = 5s;
  TestServer server(
      options,
      [&](const Request& request) {
        if (request.path == "/busy") gate.wait();
        return Response::json(200, "{}");
      },
      lane_by_path);
  TestClient busy(server.port());
  ASSERT_TRUE(busy.send(get("/busy")));
  ASSERT_TRUE(gate.wait_for_waiters(1));
  TestClient health(server.port());
  ASSERT_TRUE(health.send(get("/health")));
  auto response = health.read_response(false, 1s);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  gate.release();
  ASSERT_TRUE(busy.read_response(false, 3s));
}

TEST(ServerWork, ThousandsOfIdleConnectionsCostNoThreads) {
  ServerOptions options = test_options();
  options.max_connections = 3000;
  options.idle_timeout = 30s;
  TestServer server(options, [](const Request&) { return Response::json(200, "{}"); });
  const int threads_before = thread_count();
  std::vector<std::unique_ptr<TestClient>> idle;
  for (int i = 0; i < 2000; ++i) {
    idle.push_back(std::make_unique<TestClient>(server.port()));
    ASSERT_TRUE(idle.back()->connected()) << i;
  }
  // Some of them served a request first, then went idle.
  for (int i = 0; i < 2000; i += 100) {
    ASSERT_TRUE(idle[i]->send(get("/warm")));
    ASSERT_TRUE(idle[i]->read_response()) << i;
  }
  for (int attempt = 0; attempt < 100 && server.server().active_connections() < 2000; ++attempt) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(server.server().active_connections(), 2000u);
  EXPECT_LE(thread_count(), threads_before + 2);
  TestClient fresh(server.port());
  ASSERT_TRUE(fresh.send(get("/fresh")));
  auto response = fresh.read_response(false, 1s);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  for (int i = 50; i < 2000; i += 100) {
    ASSERT_TRUE(idle[i]->send(get("/later")));
    auto later = idle[i]->read_response();
    ASSERT_TRUE(later) << i;
    EXPECT_EQ(later->status, 200);
  }
}

TEST(ServerWork, StopClosesThousandsOfIdleConnectionsPromptly) {
  ServerOptions options = test_options();
  options.max_connections = 3000;
  options.idle_timeout = 30s;
  auto server = std::make_unique<TestServer>(
      options, [](const Request&) { return Response::json(200, "{}"); });
  std::vector<std::unique_ptr<TestClient>> idle;
  for (int i = 0; i < 2000; ++i) idle.push_back(std::make_unique<TestClient>(server->port()));
  for (int attempt = 0; attempt < 100 && server->server().active_connections() < 2000; ++attempt) {
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_EQ(server->server().active_connections(), 2000u);
  const auto started = std::chrono::steady_clock::now();
  server->stop_and_join(10s);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  EXPECT_TRUE(idle.front()->wait_closed(1s));
  EXPECT_TRUE(idle.back()->wait_closed(1s));
}

TEST(ServerWork, StreamedHeadLeavesWithTheFirstChunk) {
  Gate gate;
  ServerOptions options = test_options();
  options.write_timeout = 5s;
  TestServer server(options, [&](const Request&) {
    Response response;
    response.headers.emplace_back("Content-Type", "text/plain");
    response.producer = [&](util::ByteSink& sink) {
      if (!sink.write("first")) return StreamEnd::aborted();
      gate.wait();
      if (!sink.write("second")) return StreamEnd::aborted();
      return StreamEnd::complete();
    };
    return response;
  });
  TestClient client(server.port());
  ASSERT_TRUE(client.send(get("/stream")));
  // Before the producer goes on, the head and the first chunk are there.
  ASSERT_TRUE(gate.wait_for_waiters(1));
  EXPECT_TRUE(client.wait_for_bytes("\r\n\r\n5\r\nfirst\r\n", 1s));
  gate.release();
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body, "firstsecond");
}

}  // namespace
}  // namespace lakegate::http::testing

namespace lakegate::http::testing {
namespace {

// Answers /fast in start() on the event loop; hands everything else to a
// worker; records where blocking was allowed.
class SplitHandler final : public Handler {
 public:
  Response handle(const Request&) override { return Response::json(500, "{}"); }
  Start start(const Request& request) override {
    start_may_block = util::may_block();
    start_thread = std::this_thread::get_id();
    Start start;
    if (request.path == "/fast") {
      start.answer = Response::json(200, "{\"on\":\"loop\"}");
      return start;
    }
    start.lane = WorkLane::queue("slow", 1, 0);
    start.rest = [this] {
      rest_may_block = util::may_block();
      rest_thread = std::this_thread::get_id();
      return Response::json(200, "{\"on\":\"worker\"}");
    };
    return start;
  }
  std::atomic<bool> start_may_block{true};
  std::atomic<bool> rest_may_block{false};
  std::thread::id start_thread;
  std::thread::id rest_thread;
};

TEST(ServerStart, StartRunsOnTheEventLoopWhereNothingMayBlockAndTheRestOnAWorker) {
  SplitHandler handler;
  Server server(test_options(), handler);
  ASSERT_TRUE(server.start());
  std::thread loop([&] { (void)server.run(); });
  {
    TestClient client(server.bound_port());
    ASSERT_TRUE(client.send(get("/fast")));
    auto fast = client.read_response();
    ASSERT_TRUE(fast);
    EXPECT_EQ(fast->body, "{\"on\":\"loop\"}");
    EXPECT_FALSE(handler.start_may_block.load());  // inside the NonBlockingScope
    const std::thread::id loop_thread = handler.start_thread;

    ASSERT_TRUE(client.send(get("/slow")));  // same connection: same loop
    auto slow = client.read_response();
    ASSERT_TRUE(slow);
    EXPECT_EQ(slow->body, "{\"on\":\"worker\"}");
    EXPECT_TRUE(handler.rest_may_block.load());  // a worker may block
    EXPECT_EQ(handler.start_thread, loop_thread);
    EXPECT_NE(handler.rest_thread, loop_thread);
  }
  EXPECT_TRUE(util::may_block());  // the test's own thread never was in a scope
  server.stop(0ms);
  loop.join();
}

}  // namespace
}  // namespace lakegate::http::testing
