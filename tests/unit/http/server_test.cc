// The server's request/response cycle over real sockets: keep-alive, limits,
// malformed input, request mapping, HEAD, request ids, timeouts, overload.
#include "http/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <random>

#include "test_client.h"

namespace lakegate::http::testing {
namespace {

Response echo(const Request& request) {
  std::string body = request.method + " " + request.path;
  for (const auto& [key, value] : request.query) body += "|" + key + "=" + value;
  if (!request.body.empty()) body += "|body=" + request.body;
  return Response::json(200, body);
}

std::string get(std::string_view target, std::string_view extra_headers = "") {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n" + std::string(extra_headers) +
         "\r\n";
}

TEST(Server, KeepAliveServesTwoRequestsOnOneConnection) {
  TestServer server(echo);
  TestClient client(server.port());
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.send(get("/a")));
  auto first = client.read_response();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(first->body, "GET /a");
  EXPECT_EQ(first->header("content-length"), "6");
  EXPECT_EQ(first->header("x-request-id").size(), 16u);
  ASSERT_TRUE(client.send(get("/b")));
  auto second = client.read_response();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->body, "GET /b");
  EXPECT_NE(first->header("x-request-id"), second->header("x-request-id"));
}

TEST(Server, PipelinedRequestsAreAnsweredInOrder) {
  TestServer server(echo);
  TestClient client(server.port());
  ASSERT_TRUE(client.send(get("/one") + get("/two")));
  EXPECT_EQ(client.read_response()->body, "GET /one");
  EXPECT_EQ(client.read_response()->body, "GET /two");
}

TEST(Server, ConnectionCloseIsHonoured) {
  TestServer server(echo);
  TestClient client(server.port());
  ASSERT_TRUE(client.send(get("/a", "Connection: close\r\n")));
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->header("connection"), "close");
  EXPECT_TRUE(client.wait_closed());
}

TEST(Server, BodyOverLimitIs413) {
  ServerOptions options = test_options();
  options.max_body_bytes = 1024;
  TestServer server(options, echo);
  TestClient client(server.port());
  ASSERT_TRUE(client.send("POST /q HTTP/1.1\r\nHost: t\r\nContent-Length: 4096\r\n\r\n" +
                          std::string(4096, 'x')));
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  EXPECT_EQ(response->body,
            R"({"error":{"code":413,"status_code":413,"message":"request body exceeds 1024 bytes",)"
            R"("context":null}})");
  EXPECT_TRUE(client.wait_closed());
}

TEST(Server, BodyWithinLimitReachesHandler) {
  TestServer server(echo);
  TestClient client(server.port());
  ASSERT_TRUE(client.send("POST /q HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"));
  EXPECT_EQ(client.read_response()->body, "POST /q|body=hello");
}

TEST(Server, ExpectContinueGetsInterimResponse) {
  TestServer server(echo);
  TestClient client(server.port());
  ASSERT_TRUE(client.send(
      "POST /q HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n"));
  auto interim = client.read_response();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(client.send("hi"));
  EXPECT_EQ(client.read_response()->body, "POST /q|body=hi");
}

TEST(Server, HugeHeadersAre431) {
  TestServer server(echo);
  TestClient client(server.port());
  ASSERT_TRUE(client.send(get("/a", "X-Big: " + std::string(20000, 'a') + "\r\n")));
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 431);
  EXPECT_NE(response->body.find("\"status_code\":431"), std::string::npos);
}

TEST(Server, GarbageBytesAre400AndServerSurvives) {
  TestServer server(echo);
  {
    TestClient client(server.port());
    ASSERT_TRUE(client.send("\x01\x02 garbage \xff\r\n\r\n"));
    auto response = client.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 400);
    EXPECT_TRUE(client.wait_closed());
  }
  std::mt19937 random(42);
  for (int round = 0; round < 40; ++round) {
    TestClient client(server.port());
    std::string bytes(1 + random() % 3000, '\0');
    for (char& c : bytes) c = static_cast<char>(random());
    if (round % 2 == 0) bytes = "GET /" + bytes;  // garbage after a plausible start
    client.send(bytes);
    client.send("\r\n\r\n");
    client.read_response(false, 2s);
  }
  TestClient client(server.port());
  ASSERT_TRUE(client.send(get("/still-alive")));
  EXPECT_EQ(client.read_response()->body, "GET /still-alive");
}

TEST(Server, BadPercentEncodingIs400) {
  TestServer server(echo);
  for (const char* target : {"/a%zz", "/a%00b", "/a?x=%G1", "/a%4"}) {
    TestClient client(server.port());
    ASSERT_TRUE(client.send(get(target)));
    auto response = client.read_response();
    ASSERT_TRUE(response) << target;
    EXPECT_EQ(response->status, 400) << target;
    EXPECT_NE(response->body.find("percent-encoding"), std::string::npos);
  }
}

TEST(Server, VerbTunnelling) {
  TestServer server(echo);
  TestClient client(server.port());
  const std::string post = "POST /t HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n";
  ASSERT_TRUE(client.send(post + "X-HTTP-Method: MERGE\r\n\r\n"));
  EXPECT_EQ(client.read_response()->body, "PATCH /t");
  ASSERT_TRUE(client.send(post + "X-Method-Override: delete\r\n\r\n"));
  EXPECT_EQ(client.read_response()->body, "DELETE /t");
  ASSERT_TRUE(client.send("POST /t?method=put HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n"));
  EXPECT_EQ(client.read_response()->body, "PUT /t|method=put");
  ASSERT_TRUE(client.send(get("/t", "X-HTTP-Method: DELETE\r\n")));  // only POST tunnels
  EXPECT_EQ(client.read_response()->body, "GET /t");
}

TEST(Server, MapsPathQueryAndHeaders) {
  std::mutex mutex;
  Request seen;
  TestServer server([&](const Request& request) {
    std::lock_guard lock(mutex);
    seen = request;
    return Response::json(200, "{}");
  });
  TestClient client(server.port());
  ASSERT_TRUE(client.send(get("/api/v2/db/_table/main.s.t%20x?filter=a%3D1+and+b&limit=5",
                              "X-Custom-Header: Value\r\nAuthorization: Bearer secret\r\n")));
  ASSERT_TRUE(client.read_response());
  std::lock_guard lock(mutex);
  EXPECT_EQ(seen.method, "GET");
  EXPECT_EQ(seen.path, "/api/v2/db/_table/main.s.t x");
  EXPECT_EQ(seen.raw_path, "/api/v2/db/_table/main.s.t%20x");
  ASSERT_NE(seen.query_param("filter"), nullptr);
  EXPECT_EQ(*seen.query_param("filter"), "a=1 and b");
  EXPECT_EQ(*seen.query_param("limit"), "5");
  ASSERT_NE(seen.header("x-custom-header"), nullptr);
  EXPECT_EQ(*seen.header("x-custom-header"), "Value");
  EXPECT_EQ(seen.remote_address, "127.0.0.1");
}

TEST(Server, HeadSendsHeadersWithoutBody) {
  TestServer server(echo);
  TestClient client(server.port());
  ASSERT_TRUE(client.send("HEAD /h HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto head = client.read_response(/*head=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("content-length"), "6");  // "GET /h"
  EXPECT_TRUE(head->body.empty());
  ASSERT_TRUE(client.send(get("/next")));  // no stray body bytes before this answer
  EXPECT_EQ(client.read_response()->body, "GET /next");
}

TEST(Server, RequestIdIsReusedWhenSane) {
  TestServer server(echo);
  TestClient client(server.port());
  ASSERT_TRUE(client.send(get("/a", "X-Request-Id: trace-42\r\n")));
  EXPECT_EQ(client.read_response()->header("x-request-id"), "trace-42");
  ASSERT_TRUE(client.send(get("/a", "X-Request-Id: bad id<>\r\n")));
  const std::string replaced = client.read_response()->header("x-request-id");
  EXPECT_EQ(replaced.size(), 16u);
}

TEST(Server, HandlerExceptionIs500) {
  TestServer server([](const Request&) -> Response { throw std::runtime_error("boom"); });
  TestClient client(server.port());
  ASSERT_TRUE(client.send(get("/a")));
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 500);
  EXPECT_EQ(response->header("content-type"), "application/json");
}

TEST(Server, SlowRequestIs408) {
  TestServer server(echo);  // read_timeout 500 ms
  TestClient client(server.port());
  const auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(client.send("GET /slow HTTP/1.1\r\nHost: t\r\n"));  // never finishes
  auto response = client.read_response(false, 3s);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 408);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  EXPECT_TRUE(client.wait_closed());
}

TEST(Server, IdleKeepAliveConnectionIsClosedSilently) {
  ServerOptions options = test_options();
  options.idle_timeout = 200ms;
  TestServer server(options, echo);
  TestClient client(server.port());
  ASSERT_TRUE(client.send(get("/a")));
  ASSERT_TRUE(client.read_response());
  EXPECT_TRUE(client.wait_closed(2s));
}

TEST(Server, ConnectionsOverTheLimitGet503) {
  ServerOptions options = test_options();
  options.max_connections = 2;
  TestServer server(options, echo);
  TestClient first(server.port());
  TestClient second(server.port());
  ASSERT_TRUE(first.send(get("/1")));
  ASSERT_TRUE(first.read_response());
  ASSERT_TRUE(second.send(get("/2")));
  ASSERT_TRUE(second.read_response());
  EXPECT_EQ(server.server().active_connections(), 2u);
  TestClient third(server.port());
  ASSERT_TRUE(third.send(get("/3")));
  auto response = third.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 503);
  EXPECT_NE(response->body.find("\"status_code\":503"), std::string::npos);
  EXPECT_TRUE(third.wait_closed());
  ASSERT_TRUE(first.send(get("/again")));  // the served ones are unaffected
  EXPECT_EQ(first.read_response()->body, "GET /again");
}

}  // namespace
}  // namespace lakegate::http::testing
