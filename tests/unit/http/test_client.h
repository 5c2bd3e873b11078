// Test support for the server tests: a raw-socket HTTP client with timeouts
// on every read (so a test never hangs), and a server running on an
// ephemeral port with a handler given as a lambda.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "http/server.h"

namespace lakegate::http::testing {

using namespace std::chrono_literals;

struct ClientResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  bool chunked = false;
  const std::string& header(const std::string& name) const;
};

class TestClient {
 public:
  explicit TestClient(uint16_t port);
  ~TestClient();
  bool connected() const { return fd_ >= 0; }
  bool send(std::string_view bytes);
  // Reads one response; nullopt on a timeout, a closed connection or a
  // truncated message (truncated() tells the last).
  std::optional<ClientResponse> read_response(bool head = false,
                                              std::chrono::milliseconds timeout = 5s);
  // True if the server closes the connection (EOF or reset) within `timeout`
  // without sending more bytes.
  bool wait_closed(std::chrono::milliseconds timeout = 3s);
  // Reads whatever arrives for up to `timeout` or `max_bytes`.
  size_t read_some(size_t max_bytes, std::chrono::milliseconds timeout = 3s);
  // Receives until the bytes received so far (and not yet read as a
  // response) contain `needle`; they stay for read_response().
  bool wait_for_bytes(std::string_view needle, std::chrono::milliseconds timeout = 3s);
  bool truncated() const { return truncated_; }
  // Closes the socket with SO_LINGER 0 (the peer sees a reset).
  void reset();

 private:
  // Appends received bytes to pending_; 0 on EOF, -1 on error/timeout.
  long receive(std::chrono::milliseconds timeout);

  int fd_ = -1;
  std::string pending_;
  bool truncated_ = false;
};

class FunctionHandler final : public Handler {
 public:
  explicit FunctionHandler(std::function<Response(const Request&)> function,
                           std::function<WorkLane(const Request&)> lane = {})
      : function_(std::move(function)), lane_(std::move(lane)) {}
  Response handle(const Request& request) override { return function_(request); }
  WorkLane lane(const Request& request) const override {
    return lane_ ? lane_(request) : WorkLane{};
  }

 private:
  std::function<Response(const Request&)> function_;
  std::function<WorkLane(const Request&)> lane_;
};

// Options with short timeouts and no access log.
ServerOptions test_options();

// A Server on 127.0.0.1:<ephemeral>, run() on its own thread.
class TestServer {
 public:
  TestServer(ServerOptions options, std::function<Response(const Request&)> function,
             std::function<WorkLane(const Request&)> lane = {});
  explicit TestServer(std::function<Response(const Request&)> function)
      : TestServer(test_options(), std::move(function)) {}
  ~TestServer();

  uint16_t port() const { return server_.bound_port(); }
  Server& server() { return server_; }
  // Stops and waits for run() to return.
  void stop_and_join(std::chrono::milliseconds grace = 0ms);

 private:
  FunctionHandler handler_;
  Server server_;
  std::thread thread_;
};

}  // namespace lakegate::http::testing
