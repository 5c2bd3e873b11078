// Internal to lakegate_arrow: splits an Arrow IPC stream into messages
// (continuation marker, metadata size, verified Message flatbuffer, body) and
// checks that every length stays inside the input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "arrow_ipc_generated.h"
#include "util/result.h"

namespace lakegate::arrow::internal {

struct IpcMessage {
  const fb::Message* message = nullptr;  // verified; valid until the next read
  std::string_view body;                 // bodyLength bytes following the metadata
};

// Reads the message starting at `position` and advances it past the body.
// Returns false at the end-of-stream marker or when no bytes are left (a
// missing end-of-stream marker is accepted). `scratch` holds a realigned copy
// of the metadata when it is not 8-byte aligned in memory.
Result<bool> read_message(std::string_view bytes, size_t& position, std::vector<uint64_t>& scratch,
                          IpcMessage& out);

// The error every malformed input yields.
Error protocol_error(std::string message);

}  // namespace lakegate::arrow::internal
