#include "arrow/ipc_message.h"

#include <cstring>
#include <string>

namespace lakegate::arrow::internal {
namespace {

constexpr uint32_t kContinuation = 0xFFFFFFFFu;
// Metadata above this size is refused (Spark's are a few KiB).
constexpr int64_t kMaxMetadataSize = int64_t{64} << 20;

uint32_t load_u32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

}  // namespace

Error protocol_error(std::string message) {
  return Error(ErrorCode::kProtocol, "Arrow IPC: " + std::move(message));
}

Result<bool> read_message(std::string_view bytes, size_t& position, std::vector<uint64_t>& scratch,
                          IpcMessage& out) {
  const size_t remaining = bytes.size() - position;
  if (remaining == 0) return false;
  if (remaining < 4) return protocol_error("truncated message length");
  size_t header = 4;
  uint32_t size_word = load_u32(bytes.data() + position);
  if (size_word == kContinuation) {
    if (remaining < 8) return protocol_error("truncated message length");
    size_word = load_u32(bytes.data() + position + 4);
    header = 8;
  }
  const auto metadata_size = static_cast<int64_t>(static_cast<int32_t>(size_word));
  if (metadata_size == 0) {
    position = bytes.size();  // end-of-stream: anything after it is ignored
    return false;
  }
  if (metadata_size < 0 || metadata_size > kMaxMetadataSize) {
    return protocol_error("invalid metadata size " + std::to_string(metadata_size));
  }
  if (static_cast<uint64_t>(metadata_size) > remaining - header) {
    return protocol_error("metadata size beyond end of input");
  }
  const char* metadata = bytes.data() + position + header;
  if (reinterpret_cast<uintptr_t>(metadata) % 8 != 0) {
    scratch.assign(static_cast<size_t>(metadata_size + 7) / 8, 0);
    std::memcpy(scratch.data(), metadata, static_cast<size_t>(metadata_size));
    metadata = reinterpret_cast<const char*>(scratch.data());
  }
  const auto* data = reinterpret_cast<const uint8_t*>(metadata);
  flatbuffers::Verifier verifier(data, static_cast<size_t>(metadata_size));
  if (!fb::VerifyMessageBuffer(verifier)) return protocol_error("malformed message metadata");
  const fb::Message* message = fb::GetMessage(data);
  const int64_t body_length = message->body_length();
  const size_t body_start = position + header + static_cast<size_t>(metadata_size);
  if (body_length < 0 || static_cast<uint64_t>(body_length) > bytes.size() - body_start) {
    return protocol_error("body length beyond end of input");
  }
  out.message = message;
  out.body = bytes.substr(body_start, static_cast<size_t>(body_length));
  position = body_start + static_cast<size_t>(body_length);
  return true;
}

}  // namespace lakegate::arrow::internal
