// SASL PLAIN for the HiveServer2 binary transport (hive.server2.authentication
// NONE, LDAP, PAM, CUSTOM), written for lakegate: Apache Thrift C++ has no
// SASL client. open() runs the handshake on the inner transport
//   client → START "PLAIN"; client → COMPLETE "\0user\0password";
//   server → COMPLETE (or BAD/ERROR with a reason)
// where each handshake message is [status u8][length u32 BE][payload]; after
// it every flushed Thrift message travels as one frame [length u32 BE][bytes]
// in each direction (QOP "auth": no integrity or privacy layer).
//
// The frame codec is exposed as pure functions for tests. Failures throw
// TTransportException; an authentication refusal is kind NOT_OPEN with a
// message starting "SASL authentication failed" (never containing the
// password). NoSaslTransport is the NOSASL variant (no handshake, no frames).
// Not thread-safe: one per connection.
#pragma once

#include <thrift/transport/TVirtualTransport.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace lakegate::backend::hive_thrift {

enum class SaslStatus : uint8_t { kStart = 1, kOk = 2, kBad = 3, kError = 4, kComplete = 5 };

// One handshake message: [status][length u32 BE][payload].
std::string encode_sasl_message(SaslStatus status, std::string_view payload);
// The two client messages of a PLAIN handshake, concatenated.
std::string encode_sasl_plain_handshake(std::string_view user, std::string_view password);
// A data frame: [length u32 BE][bytes].
std::string encode_sasl_frame(std::string_view bytes);

class SaslPlainTransport final
    : public apache::thrift::transport::TVirtualTransport<SaslPlainTransport> {
 public:
  SaslPlainTransport(std::shared_ptr<apache::thrift::transport::TTransport> inner, std::string user,
                     std::string password, size_t max_frame_bytes = size_t(1) << 30);

  bool isOpen() const override { return open_ && inner_->isOpen(); }
  void open() override;
  void close() override;
  uint32_t read(uint8_t* buf, uint32_t len);
  void write(const uint8_t* buf, uint32_t len);
  void flush() override;

 private:
  void read_frame();

  std::shared_ptr<apache::thrift::transport::TTransport> inner_;
  std::string user_;
  std::string password_;
  size_t max_frame_bytes_;
  bool open_ = false;
  std::string write_buffer_;
  std::string read_buffer_;
  size_t read_position_ = 0;
};

// NOSASL: Thrift messages straight on the socket, buffered both ways.
class NoSaslTransport final : public apache::thrift::transport::TVirtualTransport<NoSaslTransport> {
 public:
  explicit NoSaslTransport(std::shared_ptr<apache::thrift::transport::TTransport> inner);

  bool isOpen() const override { return inner_->isOpen(); }
  void open() override { inner_->open(); }
  void close() override { inner_->close(); }
  uint32_t read(uint8_t* buf, uint32_t len);
  void write(const uint8_t* buf, uint32_t len);
  void flush() override;

 private:
  std::shared_ptr<apache::thrift::transport::TTransport> inner_;
  std::string write_buffer_;
  std::string read_buffer_;
  size_t read_position_ = 0;
};

}  // namespace lakegate::backend::hive_thrift
