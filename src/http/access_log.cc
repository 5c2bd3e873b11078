#include "http/access_log.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>

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

void emit(std::string& line) {
  static std::mutex stderr_mutex;
  line += '\n';
  std::lock_guard lock(stderr_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
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
  emit(line);
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
