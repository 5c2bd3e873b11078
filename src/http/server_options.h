// Settings of the HTTP server (http::Server). Every field has its default;
// config/ fills this struct from lakegate.yaml, tests shorten the timeouts.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace lakegate::http {

struct ServerOptions {
  // Address to listen on (IPv4 or IPv6 literal). Default: "0.0.0.0".
  std::string host = "0.0.0.0";
  // TCP port; 0 picks an ephemeral port (see Server::bound_port). Default: 8080.
  uint16_t port = 8080;
  // Limit on a request's start line + headers; over it → 431 and close.
  // Default: 16 KiB.
  uint32_t max_header_bytes = 16 * 1024;
  // Limit on a request body; over it → 413 (JSON envelope) and close.
  // Default: 8 MiB.
  uint64_t max_body_bytes = 8 * 1024 * 1024;
  // Time allowed to receive one request's start line and headers, counted
  // from its first byte; over it → 408 and close (a slowloris client that
  // sends a byte now and then is cut off here). Default: 10 s.
  std::chrono::milliseconds header_timeout{10'000};
  // Time allowed to receive one request's headers and body, counted from its
  // first byte; over it → 408 and close. Default: 30 s.
  std::chrono::milliseconds read_timeout{30'000};
  // Time a keep-alive connection may wait for the next request's first byte;
  // then it is closed silently. Default: 60 s.
  std::chrono::milliseconds idle_timeout{60'000};
  // Time allowed for any single write (a response, one chunk); a client that
  // stops reading that long is dropped, and the producer's write returns
  // false. Default: 60 s.
  std::chrono::milliseconds write_timeout{60'000};
  // Connections open at once. An idle keep-alive connection costs a few
  // kilobytes and no thread; one more is answered 503 and closed. The
  // process's file-descriptor limit must allow it (`lakegate serve` raises
  // its soft limit to the hard one). Default: 20 000.
  size_t max_connections = 20'000;
  // Requests served on one keep-alive connection; the last one's response
  // carries `Connection: close`. Default: 1000.
  size_t max_requests_per_connection = 1000;
  // Threads that run handlers (which block on Spark). Requests wait for
  // one in their lane's queue (see WorkLane in handler.h). Default: 64.
  size_t worker_threads = 64;
  // Event loops, a thread each (accept, TLS, reading and writing, and the
  // requests answered without blocking: see Handler::start); connections
  // are dealt to them in turn. 0: one per core, at most 8. Default: 0.
  size_t io_threads = 0;
  // Queue of a lane whose handler names no limits of its own. Default: 1024.
  size_t default_max_queued = 1024;
  // TLS on the listener: PEM files of the certificate chain (leaf first) and
  // its private key; both or neither (one alone fails start() with
  // kBadConfig, as does a file that does not load). When set, every
  // connection completes a TLS 1.2+ handshake within read_timeout before its
  // first request; a client that fails it (e.g. plain HTTP) is closed.
  // Default: "" and "" (plain HTTP).
  std::string tls_cert_file;
  std::string tls_key_file;
  // One access-log line per request on stderr. Default: true.
  bool access_log = true;
};

}  // namespace lakegate::http
