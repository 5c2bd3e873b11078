#include "test_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cctype>

namespace lakegate::http::testing {

namespace bhttp = boost::beast::http;

const std::string& ClientResponse::header(const std::string& name) const {
  static const std::string kEmpty;
  auto it = headers.find(name);
  return it == headers.end() ? kEmpty : it->second;
}

TestClient::TestClient(uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

TestClient::~TestClient() {
  if (fd_ >= 0) ::close(fd_);
}

bool TestClient::send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(sent));
  }
  return true;
}

long TestClient::receive(std::chrono::milliseconds timeout) {
  pollfd descriptor{fd_, POLLIN, 0};
  if (::poll(&descriptor, 1, static_cast<int>(timeout.count())) <= 0) return -1;
  char buffer[16384];
  const ssize_t received = ::recv(fd_, buffer, sizeof buffer, 0);
  if (received > 0) pending_.append(buffer, static_cast<size_t>(received));
  return received;
}

std::optional<ClientResponse> TestClient::read_response(bool head,
                                                        std::chrono::milliseconds timeout) {
  truncated_ = false;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.eager(true);
  parser.skip(head);
  parser.body_limit(1ull << 32);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool got_bytes = false;
  while (true) {
    if (!pending_.empty()) {
      got_bytes = true;
      boost::system::error_code ec;
      const size_t used = parser.put(boost::asio::buffer(pending_), ec);
      pending_.erase(0, used);
      if (ec && ec != bhttp::error::need_more) return std::nullopt;
      if (parser.is_done()) break;
      if (used > 0 && !ec) continue;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    const long received = receive(left);
    if (received <= 0) {
      truncated_ = got_bytes;
      if (received == 0 && got_bytes) {
        boost::system::error_code ec;
        parser.put_eof(ec);
        if (!ec && parser.is_done()) break;
      }
      return std::nullopt;
    }
  }
  ClientResponse response;
  const auto& message = parser.get();
  response.status = static_cast<int>(message.result_int());
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    response.headers[name] = std::string(field.value());
  }
  response.body = message.body();
  response.chunked = parser.chunked();
  return response;
}

bool TestClient::wait_closed(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    pending_.clear();
    const long received = receive(std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now()));
    if (received == 0) return true;
    if (received < 0) return errno == ECONNRESET;
  }
  return false;
}

size_t TestClient::read_some(size_t max_bytes, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  size_t total = 0;
  while (total < max_bytes && std::chrono::steady_clock::now() < deadline) {
    const size_t before = pending_.size();
    const long received = receive(std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now()));
    if (received <= 0) break;
    total += pending_.size() - before;
    pending_.clear();
  }
  return total;
}

bool TestClient::wait_for_bytes(std::string_view needle, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (pending_.find(needle) == std::string::npos) {
    const auto left = deadline - std::chrono::steady_clock::now();
    if (left <= 0ms) return false;
    if (receive(std::chrono::duration_cast<std::chrono::milliseconds>(left)) <= 0) return false;
  }
  return true;
}

void TestClient::reset() {
  linger option{1, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &option, sizeof option);
  ::close(fd_);
  fd_ = -1;
}

ServerOptions test_options() {
  ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.read_timeout = 500ms;
  options.idle_timeout = 3s;
  options.write_timeout = 500ms;
  options.max_connections = 32;
  options.worker_threads = 8;
  options.access_log = false;
  return options;
}

TestServer::TestServer(ServerOptions options, std::function<Response(const Request&)> function,
                       std::function<WorkLane(const Request&)> lane)
    : handler_(std::move(function), std::move(lane)), server_(std::move(options), handler_) {
  const Status started = server_.start();
  EXPECT_TRUE(started) << (started ? "" : started.error().message);
  thread_ = std::thread([this] { (void)server_.run(); });
}

TestServer::~TestServer() {
  stop_and_join();
}

void TestServer::stop_and_join(std::chrono::milliseconds grace) {
  server_.stop(grace);
  if (thread_.joinable()) thread_.join();
}

}  // namespace lakegate::http::testing
