// Writes a result as an Arrow IPC *stream* (application/vnd.apache.arrow.stream):
// a Schema message, one RecordBatch message per batch, then the end-of-stream
// marker. lakegate's own encoder: the metadata flatbuffers are built with the
// code flatc generates from fbs/arrow_ipc.fbs, and every column is re-encoded
// from the RecordBatch views, so sliced views (non-zero offsets, batches
// shorter than their columns, offsets buffers not starting at 0) come out as
// compact, zero-based arrays that any Arrow reader (pyarrow, arrow-rs,
// lakegate's own IpcStreamReader) reads. Bodies are uncompressed, buffers
// 8-byte aligned and padded, metadata version V5, little-endian.
#pragma once

#include <string>

#include "format/result_writer.h"

namespace lakegate::format {

class ArrowIpcWriter final : public ResultWriter {
 public:
  explicit ArrowIpcWriter(util::ByteSink& sink, WriterOptions options = {})
      : ResultWriter(sink, options) {}
  std::string_view content_type() const override { return "application/vnd.apache.arrow.stream"; }

 private:
  void prepare(const arrow::Schema&) override {}
  void begin(TextBuffer& out) override;
  void append_row(TextBuffer&, const arrow::RecordBatch&, int64_t) override {}
  void end(TextBuffer& out) override;
  bool renders_batches() const override { return true; }
  void append_batch(TextBuffer& out, const arrow::RecordBatch& batch) override;
};

// The encapsulated Schema message of `schema` (continuation marker, length,
// flatbuffer, padding). Exposed for tests.
std::string encode_schema_message(const arrow::Schema& schema);
// The encapsulated RecordBatch message (metadata + body) of rows
// [0, batch.num_rows) of `batch`. REQUIRES: batch matches `schema`.
std::string encode_batch_message(const arrow::Schema& schema, const arrow::RecordBatch& batch);
// The end-of-stream marker (0xFFFFFFFF, 0).
std::string_view end_of_stream_marker();

}  // namespace lakegate::format
