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
  // Connections served at once (one thread each); one more is answered 503
  // and closed. Default: 256.
  size_t max_connections = 256;
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
