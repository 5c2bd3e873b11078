// Streamed (chunked) responses: many chunks, replaced before the first
// write, aborted mid-body, and a client that goes away mid-stream.
#include <gtest/gtest.h>

#include <future>

#include "test_client.h"

namespace lakegate::http::testing {
namespace {

std::string get(std::string_view target) {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n\r\n";
}

Response streamed(BodyProducer producer) {
  Response response;
  response.headers.emplace_back("Content-Type", "application/x-ndjson");
  response.producer = std::move(producer);
  return response;
}

TEST(ServerStream, ManyChunksReassemble) {
  std::string expected;
  for (int line = 0; line < 2000; ++line) expected += "{\"row\":" + std::to_string(line) + "}\n";
  TestServer server([&](const Request&) {
    return streamed([&](util::ByteSink& sink) {
      for (int line = 0; line < 2000; ++line) {
        if (!sink.write("{\"row\":" + std::to_string(line) + "}\n")) return StreamEnd::aborted();
      }
      return StreamEnd::complete();
    });
  });
  TestClient client(server.port());
  ASSERT_TRUE(client.send(get("/stream")));
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_TRUE(response->chunked);
  EXPECT_EQ(response->header("content-type"), "application/x-ndjson");
  EXPECT_EQ(response->header("x-request-id").size(), 16u);
  EXPECT_EQ(response->body, expected);
  ASSERT_TRUE(client.send(get("/stream")));  // keep-alive after the final chunk
  EXPECT_EQ(client.read_response()->body, expected);
}

TEST(ServerStream, ReplacedBeforeWritingIsAnOrdinaryResponse) {
  TestServer server([](const Request&) {
    return streamed([](util::ByteSink&) {
      StreamEnd end;
      end.kind = StreamEnd::Kind::kReplaced;
      end.status = 400;
      end.body = R"({"error":{"code":400}})";
      return end;
    });
  });
  TestClient client(server.port());
  ASSERT_TRUE(client.send(get("/bad")));
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_FALSE(response->chunked);
  EXPECT_EQ(response->header("content-length"), std::to_string(response->body.size()));
  EXPECT_EQ(response->header("content-type"), "application/json");
  EXPECT_EQ(response->body, R"({"error":{"code":400}})");
  ASSERT_TRUE(client.send(get("/bad")));  // connection still usable
  EXPECT_EQ(client.read_response()->status, 400);
}

TEST(ServerStream, CompleteWithoutWritesIsAnEmptyBody) {
  TestServer server([](const Request&) {
    return streamed([](util::ByteSink&) { return StreamEnd::complete(); });
  });
  TestClient client(server.port());
  ASSERT_TRUE(client.send(get("/empty")));
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_TRUE(response->body.empty());
}

TEST(ServerStream, AbortedDropsTheConnectionWithoutFinalChunk) {
  TestServer server([](const Request&) {
    return streamed([](util::ByteSink& sink) {
      sink.write("part one\n");
      sink.write("part two\n");
      return StreamEnd::aborted();
    });
  });
  TestClient client(server.port());
  ASSERT_TRUE(client.send(get("/abort")));
  EXPECT_FALSE(client.read_response());
  EXPECT_TRUE(client.truncated());
}

TEST(ServerStream, ClientGoneMakesWriteReturnFalseQuickly) {
  std::promise<std::chrono::steady_clock::time_point> write_failed;
  TestServer server([&](const Request&) {
    return streamed([&](util::ByteSink& sink) {
      const std::string piece(64 * 1024, 'x');
      while (sink.write(piece)) {
      }
      write_failed.set_value(std::chrono::steady_clock::now());
      return StreamEnd::aborted();
    });
  });
  TestClient client(server.port());
  ASSERT_TRUE(client.send(get("/forever")));
  ASSERT_GT(client.read_some(256 * 1024), 0u);
  const auto closed_at = std::chrono::steady_clock::now();
  client.reset();
  auto future = write_failed.get_future();
  ASSERT_EQ(future.wait_for(3s), std::future_status::ready);
  EXPECT_LT(future.get() - closed_at, 1s);
}

TEST(ServerStream, ReaderThatStopsReadingIsDroppedAfterWriteTimeout) {
  std::promise<void> write_failed;
  TestServer server([&](const Request&) {  // write_timeout 500 ms
    return streamed([&](util::ByteSink& sink) {
      const std::string piece(64 * 1024, 'x');
      while (sink.write(piece)) {
      }
      write_failed.set_value();
      return StreamEnd::aborted();
    });
  });
  TestClient client(server.port());
  ASSERT_TRUE(client.send(get("/forever")));  // and never read
  auto future = write_failed.get_future();
  EXPECT_EQ(future.wait_for(5s), std::future_status::ready);
}

TEST(ServerStream, HeadDoesNotRunTheProducer) {
  std::atomic<bool> ran{false};
  TestServer server([&](const Request& request) {
    EXPECT_TRUE(request.head_only);
    return streamed([&](util::ByteSink& sink) {
      ran = true;
      sink.write("x");
      return StreamEnd::complete();
    });
  });
  TestClient client(server.port());
  ASSERT_TRUE(client.send("HEAD /s HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto response = client.read_response(/*head=*/true);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_FALSE(ran.load());
}

}  // namespace
}  // namespace lakegate::http::testing
