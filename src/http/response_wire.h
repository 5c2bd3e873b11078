// The bytes of a response on the wire, built as strings so that a response
// leaves in as few writes as possible: the head together with a complete
// body or with the first chunk of a streamed one (one write, one TCP
// segment for small answers), then one write per chunk. Pure functions; the
// connection writes what they return.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "http/handler.h"

namespace lakegate::http {

enum class BodyFraming {
  kContentLength,  // a complete body of the given length
  kChunked,        // Transfer-Encoding: chunked
};

// Status line and headers, ending with the blank line. The framing headers
// (Content-Length, Transfer-Encoding, Connection) are the server's: those a
// handler set are dropped, as are header names with a separator or line
// break; CR and LF are removed from values. Adds X-Request-Id, Server and,
// without keep-alive, `Connection: close`. A status outside 100..999 is 500.
std::string response_head(const Request& request, const Response& response, bool keep_alive,
                          BodyFraming framing, uint64_t content_length = 0);

// False for 1xx, 204 and 304: their responses end after the head.
bool status_allows_body(int status);

// "<hex size>\r\n" — what precedes a chunk's bytes (followed by "\r\n").
std::string chunk_size_line(size_t size);

inline constexpr std::string_view kChunkEnd = "\r\n";
inline constexpr std::string_view kLastChunk = "0\r\n\r\n";

}  // namespace lakegate::http
