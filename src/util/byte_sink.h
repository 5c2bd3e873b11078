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

// Passes bytes through to another sink and remembers whether anything was
// sent yet (the HTTP status is committed at the first write).
class FirstWriteSink final : public ByteSink {
 public:
  explicit FirstWriteSink(ByteSink& out) : out_(out) {}
  bool write(std::string_view bytes) override {
    if (bytes.empty()) return true;
    wrote_ = true;
    return out_.write(bytes);
  }
  bool wrote() const { return wrote_; }

 private:
  ByteSink& out_;
  bool wrote_ = false;
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
