#include "http/access_log.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <string>
#include <thread>

#include "util/blocking_guard.h"
#include "util/json_text.h"

namespace lakegate::http {
namespace {

// RFC 3339 UTC timestamp with milliseconds.
std::string now_text() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(millis));
  return text;
}

// Lines leave through one background thread: a caller (the event loop
// above all) only appends to a buffer, so a slow stderr (a file behind a
// disk flush, a pipe nobody reads) never stalls a request. The buffer is
// bounded; lines beyond it are dropped and counted in a warning line.
// Access lines reach stderr within kLinger; other lines at once (emit).
// std::atexit writes what is left.
class LineWriter {
 public:
  static LineWriter& instance() {
    static LineWriter* writer = [] {
      auto* created = new LineWriter();  // never destroyed: usable until exit
      std::atexit([] { LineWriter::instance().drain(); });
      return created;
    }();
    return *writer;
  }

  void append(const std::string& line, bool urgent) {
    bool wake = false;
    {
      std::lock_guard lock(mutex_);
      if (pending_.size() + line.size() > kMaxPendingBytes) {
        ++dropped_;
        return;
      }
      const bool was_empty = pending_.empty();
      const bool was_short = pending_.size() < kBatchBytes;
      pending_ += line;
      wake = was_empty || (was_short && pending_.size() >= kBatchBytes);
      if (urgent) {
        urgent_ = true;
        wake = true;
      }
    }
    if (wake) ready_.notify_one();
  }

  // Writes everything appended so far, on the calling thread.
  void drain() {
    std::lock_guard write_lock(write_mutex_);
    write_all(take());
  }

 private:
  static constexpr size_t kMaxPendingBytes = 8u << 20;
  // A woken writer lets lines gather this long (or this many bytes) first:
  // one write and one wake-up per batch, not per request.
  static constexpr auto kLinger = std::chrono::milliseconds(10);
  static constexpr size_t kBatchBytes = 256u << 10;

  LineWriter() {
    std::thread([this] { run(); }).detach();
  }

  std::string take() {
    std::lock_guard lock(mutex_);
    std::string out;
    out.swap(pending_);
    if (dropped_ > 0) {
      out += "{\"level\":\"warning\",\"msg\":\"log lines dropped\",\"detail\":\"" +
             std::to_string(dropped_) + " lines: the log could not keep up\"}\n";
      dropped_ = 0;
    }
    return out;
  }

  void run() {
    while (true) {
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [&] { return !pending_.empty() || dropped_ > 0; });
        ready_.wait_for(lock, kLinger, [&] { return urgent_ || pending_.size() >= kBatchBytes; });
        urgent_ = false;
      }
      drain();
    }
  }

  static void write_all(const std::string& bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::write(STDERR_FILENO, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;  // stderr gone: nothing else to tell
      done += static_cast<size_t>(n);
    }
  }

  std::mutex mutex_;        // pending_, dropped_
  std::mutex write_mutex_;  // one writer at a time keeps lines in order
  std::condition_variable ready_;
  std::string pending_;
  uint64_t dropped_ = 0;
  bool urgent_ = false;  // a line that must not linger is pending
};

// Access lines gather; any other line (rare: errors, warnings, start and
// stop) is written before the call returns where the caller may block (its
// reader sees it at once), else woken out at once.
void emit(std::string& line, bool urgent = false) {
  line += '\n';
  LineWriter& writer = LineWriter::instance();
  writer.append(line, urgent);
  if (urgent && util::may_block()) writer.drain();
}

void append_field(std::string& line, std::string_view key, std::string_view value) {
  line += ',';
  util::append_json_string(line, key);
  line += ':';
  util::append_json_string(line, value);
}

}  // namespace

void log_access(const AccessRecord& record) {
  std::string line = "{\"ts\":\"" + now_text() + "\",\"level\":\"info\",\"msg\":\"access\"";
  append_field(line, "method", record.method);
  append_field(line, "path", record.path);
  line += ",\"status\":" + std::to_string(record.status);
  line += ",\"bytes\":" + std::to_string(record.body_bytes);
  char duration[32];
  std::snprintf(duration, sizeof duration, "%.3f", record.duration_ms);
  line += ",\"ms\":";
  line += duration;
  append_field(line, "request_id", record.request_id);
  append_field(line, "remote", record.remote_address);
  line += '}';
  emit(line);
}

static void log_event(std::string_view level, std::string_view what, std::string_view detail) {
  std::string line = "{\"ts\":\"" + now_text() + "\"";
  append_field(line, "level", level);
  append_field(line, "msg", what);
  append_field(line, "detail", detail);
  line += '}';
  emit(line, /*urgent=*/true);
}

void log_server_error(std::string_view what, std::string_view detail) {
  log_event("error", what, detail);
}

void log_server_info(std::string_view what, std::string_view detail) {
  log_event("info", what, detail);
}

void log_server_warning(std::string_view what, std::string_view detail) {
  log_event("warning", what, detail);
}

}  // namespace lakegate::http
