// The log writer: lines leave through a background thread, so the event
// loop never waits on stderr; an error or warning from a thread that may
// block is on stderr when the call returns, one from the event loop soon
// after; access lines arrive within the writer's linger, in order.
#include "http/access_log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "util/blocking_guard.h"

namespace lakegate::http {
namespace {

using namespace std::chrono_literals;

// Sends this process's stderr to a temporary file while alive.
class CapturedStderr {
 public:
  CapturedStderr() {
    char name[] = "/tmp/lakegate-log-test-XXXXXX";
    const int fd = mkstemp(name);
    path_ = name;
    saved_ = dup(STDERR_FILENO);
    dup2(fd, STDERR_FILENO);
    close(fd);
  }
  ~CapturedStderr() {
    dup2(saved_, STDERR_FILENO);
    close(saved_);
    std::remove(path_.c_str());
  }
  std::string text() const {
    std::ifstream in(path_);
    std::stringstream all;
    all << in.rdbuf();
    return all.str();
  }
  // Waits up to `timeout` for `needle`.
  bool wait_for(const std::string& needle, std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (text().find(needle) != std::string::npos) return true;
      std::this_thread::sleep_for(2ms);
    }
    return text().find(needle) != std::string::npos;
  }

 private:
  std::string path_;
  int saved_ = -1;
};

TEST(LogWriter, AWarningFromAThreadThatMayBlockIsWrittenBeforeTheCallReturns) {
  CapturedStderr captured;
  log_server_warning("warned-now", "detail-1");
  const std::string text = captured.text();
  EXPECT_NE(text.find("\"msg\":\"warned-now\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"level\":\"warning\""), std::string::npos) << text;
}

TEST(LogWriter, AnErrorOnTheEventLoopIsNotWrittenThereButArrivesAtOnce) {
  CapturedStderr captured;
  const auto started = std::chrono::steady_clock::now();
  {
    util::NonBlockingScope event_loop;
    log_server_error("loop-error", "detail-2");
  }
  EXPECT_TRUE(captured.wait_for("loop-error", 2s));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
}

TEST(LogWriter, AccessLinesArriveInOrderWithoutTheCallerWriting) {
  CapturedStderr captured;
  for (int i = 0; i < 200; ++i) {
    const std::string path = "/ordered/" + std::to_string(i);
    log_access({.method = "GET", .path = path, .status = 200, .request_id = "r"});
  }
  ASSERT_TRUE(captured.wait_for("/ordered/199\"", 2s));
  const std::string text = captured.text();
  size_t last = 0;
  for (int i = 0; i < 200; ++i) {
    const size_t at = text.find("\"/ordered/" + std::to_string(i) + "\"");
    ASSERT_NE(at, std::string::npos) << i;
    EXPECT_GE(at, last) << i;
    last = at;
  }
  // The query string never reaches the log: only the path was given.
  EXPECT_EQ(text.find("api_key"), std::string::npos);
}

}  // namespace
}  // namespace lakegate::http
