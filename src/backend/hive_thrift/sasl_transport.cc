#include "backend/hive_thrift/sasl_transport.h"

#include <thrift/transport/TTransportException.h>

#include <algorithm>
#include <climits>
#include <cstring>

namespace lakegate::backend::hive_thrift {
namespace {

using apache::thrift::transport::TTransportException;

void append_u32(std::string& out, uint32_t value) {
  out.push_back(static_cast<char>(value >> 24));
  out.push_back(static_cast<char>(value >> 16));
  out.push_back(static_cast<char>(value >> 8));
  out.push_back(static_cast<char>(value));
}

uint32_t read_u32(apache::thrift::transport::TTransport& inner) {
  uint8_t bytes[4];
  inner.readAll(bytes, 4);
  return (uint32_t(bytes[0]) << 24) | (uint32_t(bytes[1]) << 16) | (uint32_t(bytes[2]) << 8) |
         uint32_t(bytes[3]);
}

}  // namespace

std::string encode_sasl_message(SaslStatus status, std::string_view payload) {
  std::string out;
  out.reserve(5 + payload.size());
  out.push_back(static_cast<char>(status));
  append_u32(out, static_cast<uint32_t>(payload.size()));
  out.append(payload);
  return out;
}

std::string encode_sasl_plain_handshake(std::string_view user, std::string_view password) {
  std::string credentials;
  credentials.push_back('\0');  // no authorization id
  credentials.append(user);
  credentials.push_back('\0');
  credentials.append(password);
  return encode_sasl_message(SaslStatus::kStart, "PLAIN") +
         encode_sasl_message(SaslStatus::kComplete, credentials);
}

std::string encode_sasl_frame(std::string_view bytes) {
  std::string out;
  out.reserve(4 + bytes.size());
  append_u32(out, static_cast<uint32_t>(bytes.size()));
  out.append(bytes);
  return out;
}

SaslPlainTransport::SaslPlainTransport(std::shared_ptr<apache::thrift::transport::TTransport> inner,
                                       std::string user, std::string password,
                                       size_t max_frame_bytes)
    : TVirtualTransport(std::make_shared<apache::thrift::TConfiguration>(INT_MAX)),
      inner_(std::move(inner)),
      user_(std::move(user)),
      password_(std::move(password)),
      max_frame_bytes_(max_frame_bytes) {}

void SaslPlainTransport::open() {
  if (!inner_->isOpen()) inner_->open();
  const std::string handshake = encode_sasl_plain_handshake(user_, password_);
  inner_->write(reinterpret_cast<const uint8_t*>(handshake.data()),
                static_cast<uint32_t>(handshake.size()));
  inner_->flush();
  uint8_t status = 0;
  inner_->readAll(&status, 1);
  const uint32_t length = read_u32(*inner_);
  if (length > 64 * 1024) {
    inner_->close();
    throw TTransportException(TTransportException::CORRUPTED_DATA,
                              "SASL handshake reply too long (not a SASL server?)");
  }
  std::string payload(length, '\0');
  if (length > 0) inner_->readAll(reinterpret_cast<uint8_t*>(payload.data()), length);
  if (status == static_cast<uint8_t>(SaslStatus::kComplete)) {
    open_ = true;
    return;
  }
  inner_->close();
  if (status == static_cast<uint8_t>(SaslStatus::kBad) ||
      status == static_cast<uint8_t>(SaslStatus::kError)) {
    throw TTransportException(TTransportException::NOT_OPEN,
                              "SASL authentication failed: " + payload.substr(0, 300));
  }
  throw TTransportException(TTransportException::CORRUPTED_DATA,
                            "unexpected SASL handshake status " + std::to_string(status));
}

void SaslPlainTransport::close() {
  open_ = false;
  inner_->close();
}

void SaslPlainTransport::read_frame() {
  const uint32_t length = read_u32(*inner_);
  if (length > max_frame_bytes_) {
    throw TTransportException(TTransportException::CORRUPTED_DATA,
                              "SASL frame of " + std::to_string(length) + " bytes over the limit");
  }
  read_buffer_.resize(length);
  read_position_ = 0;
  if (length > 0) inner_->readAll(reinterpret_cast<uint8_t*>(read_buffer_.data()), length);
}

uint32_t SaslPlainTransport::read(uint8_t* buf, uint32_t len) {
  if (read_position_ == read_buffer_.size()) read_frame();
  const size_t available = read_buffer_.size() - read_position_;
  const uint32_t count = static_cast<uint32_t>(std::min<size_t>(available, len));
  std::memcpy(buf, read_buffer_.data() + read_position_, count);
  read_position_ += count;
  return count;
}

void SaslPlainTransport::write(const uint8_t* buf, uint32_t len) {
  write_buffer_.append(reinterpret_cast<const char*>(buf), len);
}

void SaslPlainTransport::flush() {
  resetConsumedMessageSize();
  std::string frame = encode_sasl_frame(write_buffer_);
  write_buffer_.clear();
  inner_->write(reinterpret_cast<const uint8_t*>(frame.data()),
                static_cast<uint32_t>(frame.size()));
  inner_->flush();
}

NoSaslTransport::NoSaslTransport(std::shared_ptr<apache::thrift::transport::TTransport> inner)
    : TVirtualTransport(std::make_shared<apache::thrift::TConfiguration>(INT_MAX)),
      inner_(std::move(inner)) {}

uint32_t NoSaslTransport::read(uint8_t* buf, uint32_t len) {
  if (read_position_ == read_buffer_.size()) {
    read_buffer_.resize(64 * 1024);
    const uint32_t got =
        inner_->read(reinterpret_cast<uint8_t*>(read_buffer_.data()), read_buffer_.size());
    read_buffer_.resize(got);
    read_position_ = 0;
    if (got == 0) return 0;
  }
  const size_t available = read_buffer_.size() - read_position_;
  const uint32_t count = static_cast<uint32_t>(std::min<size_t>(available, len));
  std::memcpy(buf, read_buffer_.data() + read_position_, count);
  read_position_ += count;
  return count;
}

void NoSaslTransport::write(const uint8_t* buf, uint32_t len) {
  write_buffer_.append(reinterpret_cast<const char*>(buf), len);
}

void NoSaslTransport::flush() {
  resetConsumedMessageSize();
  inner_->write(reinterpret_cast<const uint8_t*>(write_buffer_.data()),
                static_cast<uint32_t>(write_buffer_.size()));
  write_buffer_.clear();
  inner_->flush();
}

}  // namespace lakegate::backend::hive_thrift
