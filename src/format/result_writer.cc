#include "format/result_writer.h"

#include "format/arrow_ipc_writer.h"
#include "format/csv_writer.h"
#include "format/json_envelope_writer.h"
#include "format/ndjson_writer.h"

namespace lakegate::format {

ResultWriter::ResultWriter(util::ByteSink& sink, WriterOptions options)
    : sink_(sink), options_(options) {
  if (options_.chunk_bytes == 0) options_.chunk_bytes = 1;
}

bool ResultWriter::on_schema(const arrow::Schema& schema) {
  schema_ = schema;
  prepare(schema_);
  return !failed_;
}

bool ResultWriter::start() {
  if (!started_) {
    started_ = true;
    buffer_.reserve(options_.chunk_bytes + 16 * 1024);  // grows later only for huge cells
    begin(buffer_);
  }
  return !failed_;
}

bool ResultWriter::write_buffer() {
  if (!buffer_.empty() && !failed_) failed_ = !sink_.write(buffer_.view());
  buffer_.clear();
  return !failed_;
}

bool ResultWriter::on_batch(const arrow::RecordBatch& batch) {
  if (finished_ || !start()) return false;
  if (batch.columns.size() != schema_.fields.size()) return false;
  if (renders_batches()) {
    append_batch(buffer_, batch);
    rows_ += batch.num_rows;
    return buffer_.size() < options_.chunk_bytes || write_buffer();
  }
  for (int64_t row = 0; row < batch.num_rows; ++row) {
    append_row(buffer_, batch, row);
    ++rows_;
    if (buffer_.size() >= options_.chunk_bytes && !write_buffer()) return false;
  }
  return true;
}

bool ResultWriter::finish() {
  if (finished_) return !failed_;
  start();
  finished_ = true;
  end(buffer_);
  return write_buffer();
}

std::unique_ptr<ResultWriter> make_writer(OutputFormat format, util::ByteSink& sink,
                                          WriterOptions options) {
  switch (format) {
    case OutputFormat::kNdjson:
      return std::make_unique<NdjsonWriter>(sink, options);
    case OutputFormat::kCsv:
      return std::make_unique<CsvWriter>(sink, options);
    case OutputFormat::kArrow:
      return std::make_unique<ArrowIpcWriter>(sink, options);
    case OutputFormat::kJson:
      break;
  }
  JsonEnvelopeOptions envelope;
  envelope.chunk_bytes = options.chunk_bytes;
  return std::make_unique<JsonEnvelopeWriter>(sink, std::move(envelope));
}

}  // namespace lakegate::format
