// Base of lakegate's streaming result writers (JSON envelope, NDJSON, CSV,
// Arrow IPC stream):
// a backend::BatchSink that renders rows into one reusable buffer and hands
// it to a util::ByteSink in chunks of about `chunk_bytes`. Nothing reaches
// the sink before the first batch (or finish()), because the HTTP layer
// commits the response status at its first write. Not thread-safe.
//
// Use: on_schema(), on_batch()… (from the backend), then finish() once.
// A false return means the sink refused a write (client gone): stop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/record_batch.h"
#include "core/backend.h"
#include "format/text_buffer.h"
#include "util/byte_sink.h"

namespace lakegate::format {

struct WriterOptions {
  // Bytes buffered before they are written to the sink. Default: 64 KiB.
  size_t chunk_bytes = 64 * 1024;
};

class ResultWriter : public backend::BatchSink {
 public:
  ResultWriter(util::ByteSink& sink, WriterOptions options);

  // Keeps a copy of `schema` (a batch's schema may die with its IPC stream).
  bool on_schema(const arrow::Schema& schema) final;
  // Renders every row of `batch`. REQUIRES: on_schema() was called.
  bool on_batch(const arrow::RecordBatch& batch) final;
  // Closes the output and writes everything still buffered. Idempotent.
  bool finish();

  // Rows rendered so far.
  int64_t rows() const { return rows_; }
  // The HTTP Content-Type of this format.
  virtual std::string_view content_type() const = 0;

 protected:
  // Called when the schema is (re)set: precompute per-column text.
  virtual void prepare(const arrow::Schema& schema) = 0;
  // Appends what precedes the first row (once, before it or at finish()).
  virtual void begin(TextBuffer& out) = 0;
  // Appends row `row` of `batch`; `rows()` is the number already written.
  virtual void append_row(TextBuffer& out, const arrow::RecordBatch& batch, int64_t row) = 0;
  // Appends what follows the last row.
  virtual void end(TextBuffer& out) = 0;
  // Binary formats (Arrow IPC) encode whole batches: when this returns true,
  // on_batch() calls append_batch() once per batch instead of append_row().
  virtual bool renders_batches() const { return false; }
  virtual void append_batch(TextBuffer& /*out*/, const arrow::RecordBatch& /*batch*/) {}

  const arrow::Schema& schema() const { return schema_; }

 private:
  bool start();
  bool write_buffer();

  util::ByteSink& sink_;
  WriterOptions options_;
  arrow::Schema schema_;
  TextBuffer buffer_;
  int64_t rows_ = 0;
  bool started_ = false;
  bool finished_ = false;
  bool failed_ = false;
};

enum class OutputFormat { kJson, kNdjson, kCsv, kArrow };

// A writer of `format` (JSON = the envelope with default options).
std::unique_ptr<ResultWriter> make_writer(OutputFormat format, util::ByteSink& sink,
                                          WriterOptions options = {});

}  // namespace lakegate::format
