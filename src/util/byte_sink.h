// Where a streamed response body goes. The HTTP layer implements it over the
// socket (one chunk per write, blocking: a slow client slows the producer, so
// memory stays bounded); tests implement it over a string.
#pragma once

#include <string>
#include <string_view>

namespace lakegate::util {

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  // Writes `bytes`; returns false once the peer is gone (stop producing).
  virtual bool write(std::string_view bytes) = 0;
};

// Collects everything written (tests, small bodies).
class StringSink final : public ByteSink {
 public:
  bool write(std::string_view bytes) override {
    data.append(bytes);
    return true;
  }
  std::string data;
};

}  // namespace lakegate::util
