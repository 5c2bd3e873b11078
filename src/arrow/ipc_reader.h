// Reader of one Arrow IPC *stream* held in memory (Schema message, then
// RecordBatch messages, then end-of-stream), as Spark Connect sends in each
// ArrowBatch. Decoding is zero-copy: RecordBatch views point into `bytes`,
// which must outlive the reader and every batch it yields. Corrupt or
// truncated input yields an Error (ErrorCode::kProtocol); the reader never
// reads out of bounds. Not thread-safe; one reader per stream.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/record_batch.h"
#include "util/result.h"

namespace lakegate::arrow {

class IpcStreamReader {
 public:
  // Parses the framing and the leading Schema message.
  static Result<IpcStreamReader> open(std::string_view bytes);

  const Schema& schema() const { return schema_; }

  // Decodes the next RecordBatch into `batch`; returns false at end of stream
  // (the end-of-stream marker, or the end of `bytes`). `batch` is reused: its
  // vectors keep their capacity. After an error, next() returns false.
  // Dictionary batches and compressed bodies are errors (Spark sends neither).
  Result<bool> next(RecordBatch& batch);

 private:
  IpcStreamReader(std::string_view bytes, size_t position, Schema schema)
      : bytes_(bytes), position_(position), schema_(std::move(schema)) {}

  std::string_view bytes_;
  size_t position_ = 0;
  Schema schema_;
  std::vector<uint64_t> scratch_;  // realigned metadata when misaligned in memory
};

}  // namespace lakegate::arrow
