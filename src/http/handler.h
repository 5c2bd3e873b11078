// The contract between the HTTP server (http/server.*) and the resources
// that answer requests (api/). The server parses a request into `Request`
// and starts it on the event loop (Handler::start, where nothing may block:
// util/blocking_guard.h); what cannot be answered there waits in its
// WorkLane and finishes on a worker thread. The server writes the `Response`:
// either a complete body, or a streaming producer that writes the body in
// chunks (Transfer-Encoding: chunked) while results arrive from Spark. The
// handler never touches the socket.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/byte_sink.h"

namespace lakegate::http {

struct Request {
  std::string method;    // upper case, after verb tunnelling (X-HTTP-Method)
  std::string path;      // percent-decoded path, without the query string
  std::string raw_path;  // the path as received (percent-encoded); Router matches on it
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  std::map<std::string, std::string> headers;              // lower-case names
  std::string body;
  std::string remote_address;
  std::string request_id;  // assigned by the server, echoed as X-Request-Id
  bool head_only = false;  // a HEAD request: `method` is "GET", the server drops the body

  // First query parameter named `name`, or nullptr.
  const std::string* query_param(std::string_view name) const {
    for (const auto& [key, value] : query) {
      if (key == name) return &value;
    }
    return nullptr;
  }
  // Header value by lower-case name, or nullptr.
  const std::string* header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? nullptr : &it->second;
  }
};

// How a streamed body ended.
struct StreamEnd {
  enum class Kind {
    kComplete,  // body finished; the server ends the chunked stream
    kAborted,   // failed mid-body or client gone; the server drops the connection
                // without the final chunk, so the client sees a truncated transfer
    kReplaced,  // failed before writing anything: send `status` + `body` instead
  };
  Kind kind = Kind::kComplete;
  int status = 0;    // kReplaced only
  std::string body;  // kReplaced only (a JSON error envelope)

  static StreamEnd complete() { return StreamEnd{}; }
  static StreamEnd aborted() {
    StreamEnd end;
    end.kind = Kind::kAborted;
    return end;
  }
  static StreamEnd replaced(int status, std::string body) {
    StreamEnd end;
    end.kind = Kind::kReplaced;
    end.status = status;
    end.body = std::move(body);
    return end;
  }
};

// Produces a streamed body. The server sends the status line and headers
// lazily, at the first write to the sink, so a producer that fails before
// writing (e.g. Spark rejects the statement) can still answer with a proper
// error status by returning kReplaced.
using BodyProducer = std::function<StreamEnd(util::ByteSink&)>;

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. Content-Type
  std::string body;                                          // used when `producer` is empty
  BodyProducer producer;                                     // streamed body when set

  static Response json(int status, std::string body) {
    Response r;
    r.status = status;
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = std::move(body);
    return r;
  }
};

// Where a request waits for a worker thread, decided from the request
// alone before anything runs. Requests of one lane (a service) run at most
// `max_running` at once and at most `max_queued` more wait; one more is
// answered 503 with Retry-After at once. Lanes are the handler's names; it
// must draw them from a fixed set (its services), never from raw input.
struct WorkLane {
  std::string name = "default";
  size_t max_running = 0;  // 0: only the worker pool bounds it
  // Requests waiting beyond max_running; unset: ServerOptions::default_max_queued.
  std::optional<size_t> max_queued;
  // Answer on the event-loop thread, without queueing: only for handlers
  // that never block (/health).
  bool run_inline = false;

  static WorkLane inline_lane() {
    WorkLane lane;
    lane.name.clear();
    lane.run_inline = true;
    return lane;
  }
  static WorkLane queue(std::string name, size_t max_running = 0,
                        std::optional<size_t> max_queued = std::nullopt) {
    WorkLane lane;
    lane.name = std::move(name);
    lane.max_running = max_running;
    lane.max_queued = max_queued;
    return lane;
  }
};

// How a request began on the event loop: answered there, or the rest of it
// waits in `lane` for a worker.
struct Start {
  std::optional<Response> answer;  // complete (an inline answer never streams)
  WorkLane lane;                   // when there is no answer
  std::function<Response()> rest;  // when there is no answer: run on a worker
};

// Answers requests. The server calls start() on the event loop; the simple
// handlers only implement handle() (and lane()), and by default handle()
// runs on a worker thread, or on the event loop for an inline lane.
class Handler {
 public:
  virtual ~Handler() = default;
  virtual Response handle(const Request& request) = 0;
  // Called on the event loop before handle(); must be quick and never block.
  virtual WorkLane lane(const Request& /*request*/) const { return WorkLane{}; }
  // Called on the event loop inside a util::NonBlockingScope. `request`
  // outlives `rest`.
  virtual Start start(const Request& request) {
    Start start;
    start.lane = lane(request);
    if (start.lane.run_inline) {
      start.answer = handle(request);
    } else {
      start.rest = [this, &request] { return handle(request); };
    }
    return start;
  }
};

}  // namespace lakegate::http
