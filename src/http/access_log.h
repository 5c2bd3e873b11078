// The server's log lines, written to stderr as one JSON object per line
// (structured, greppable, safe for any path bytes) by a background thread:
// logging never blocks the event loop, access lines are batched, an error
// or warning from any other thread is written before the call returns, and
// what is left is written at exit. The access line carries
// no secrets by construction: it has the path but never the query string
// (where api_key may travel) nor any header (Authorization).
#pragma once

#include <cstdint>
#include <string_view>

namespace lakegate::http {

struct AccessRecord {
  std::string_view method;
  std::string_view path;  // decoded path only, never the query string
  int status = 0;
  uint64_t body_bytes = 0;  // response body bytes sent
  double duration_ms = 0;
  std::string_view request_id;
  std::string_view remote_address;
};

// {"ts":"…","level":"info","msg":"access","method":…,"path":…,…}
void log_access(const AccessRecord& record);

// {"ts":"…","level":"error","msg":<what>,"detail":<detail>}
void log_server_error(std::string_view what, std::string_view detail);
// {"ts":"…","level":"info","msg":<what>,"detail":<detail>}
void log_server_info(std::string_view what, std::string_view detail);
// {"ts":"…","level":"warning","msg":<what>,"detail":<detail>}
void log_server_warning(std::string_view what, std::string_view detail);

}  // namespace lakegate::http
