// The bytes of response heads and chunk framing.
#include "http/response_wire.h"

#include <gtest/gtest.h>

namespace lakegate::http {
namespace {

Request request_with_id() {
  Request request;
  request.request_id = "abc123";
  return request;
}

TEST(ResponseWire, CompleteHeadHasLengthIdAndServer) {
  Response response = Response::json(200, "{}");
  const std::string head =
      response_head(request_with_id(), response, true, BodyFraming::kContentLength, 2);
  EXPECT_EQ(head,
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Request-Id: abc123\r\n"
            "Server: lakegate\r\nContent-Length: 2\r\n\r\n");
}

TEST(ResponseWire, ChunkedHeadWithoutKeepAliveSaysClose) {
  Response response;
  response.status = 404;
  const std::string head = response_head(request_with_id(), response, false, BodyFraming::kChunked);
  EXPECT_NE(head.find("HTTP/1.1 404 Not Found\r\n"), std::string::npos);
  EXPECT_NE(head.find("Transfer-Encoding: chunked\r\n"), std::string::npos);
  EXPECT_NE(head.find("Connection: close\r\n"), std::string::npos);
  EXPECT_EQ(head.find("Content-Length"), std::string::npos);
}

TEST(ResponseWire, HandlerCannotSetFramingOrSmuggleLines) {
  Response response;
  response.headers = {{"Content-Length", "99"},
                      {"transfer-encoding", "gzip"},
                      {"Connection", "keep-alive"},
                      {"X-Request-Id", "forged"},
                      {"Bad Name", "x"},
                      {"Bad:Name", "x"},
                      {"X-Ok", "a\r\nInjected: yes"}};
  const std::string head =
      response_head(request_with_id(), response, true, BodyFraming::kContentLength, 0);
  EXPECT_EQ(head.find("99"), std::string::npos);
  EXPECT_EQ(head.find("gzip"), std::string::npos);
  EXPECT_EQ(head.find("keep-alive"), std::string::npos);
  EXPECT_EQ(head.find("forged"), std::string::npos);
  EXPECT_EQ(head.find("Bad"), std::string::npos);
  EXPECT_NE(head.find("X-Ok: aInjected: yes\r\n"), std::string::npos);
  EXPECT_EQ(head.find("\r\nInjected"), std::string::npos);
}

TEST(ResponseWire, StatusesWithoutBodyHaveNoFraming) {
  Response response;
  response.status = 304;
  const std::string head =
      response_head(request_with_id(), response, true, BodyFraming::kContentLength, 10);
  EXPECT_NE(head.find("HTTP/1.1 304 Not Modified\r\n"), std::string::npos);
  EXPECT_EQ(head.find("Content-Length"), std::string::npos);
  EXPECT_FALSE(status_allows_body(204));
  EXPECT_FALSE(status_allows_body(304));
  EXPECT_FALSE(status_allows_body(101));
  EXPECT_TRUE(status_allows_body(200));
  EXPECT_TRUE(status_allows_body(503));
}

TEST(ResponseWire, UnknownAndOutOfRangeStatuses) {
  Response response;
  response.status = 499;
  EXPECT_EQ(response_head(request_with_id(), response, true, BodyFraming::kContentLength)
                .rfind("HTTP/1.1 499 Client Closed Request\r\n", 0),
            0u);
  response.status = 42;
  EXPECT_EQ(response_head(request_with_id(), response, true, BodyFraming::kContentLength)
                .rfind("HTTP/1.1 500 ", 0),
            0u);
  response.status = 999;
  EXPECT_EQ(response_head(request_with_id(), response, true, BodyFraming::kContentLength)
                .rfind("HTTP/1.1 999 Status\r\n", 0),
            0u);
}

TEST(ResponseWire, ChunkSizeLineIsLowerCaseHex) {
  EXPECT_EQ(chunk_size_line(0), "0\r\n");
  EXPECT_EQ(chunk_size_line(10), "a\r\n");
  EXPECT_EQ(chunk_size_line(4096), "1000\r\n");
  EXPECT_EQ(chunk_size_line(0xdeadbeef), "deadbeef\r\n");
}

}  // namespace
}  // namespace lakegate::http
