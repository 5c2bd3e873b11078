// libFuzzer target: arbitrary bytes as an Arrow IPC stream. Every batch the
// reader accepts is rendered through the JSON envelope and CSV writers, so
// the fuzzer checks that validation covers everything the writers read.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "arrow/ipc_reader.h"
#include "format/csv_writer.h"
#include "format/json_envelope_writer.h"

namespace {

class DiscardSink final : public lakegate::util::ByteSink {
 public:
  bool write(std::string_view bytes) override {
    total += bytes.size();
    return true;
  }
  size_t total = 0;
};

// Longest array anywhere in `array` (bounds the rendering work: a forged
// length of 2^31 nulls is valid but would take minutes to print).
int64_t longest(const lakegate::arrow::ArrayView& array) {
  int64_t result = array.length;
  for (const auto& child : array.children) result = std::max(result, longest(child));
  return result;
}

constexpr int64_t kMaxRenderedLength = 1 << 16;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto reader = lakegate::arrow::IpcStreamReader::open(bytes);
  if (!reader) return 0;
  DiscardSink sink;
  lakegate::format::JsonEnvelopeWriter json(sink);
  lakegate::format::CsvWriter csv(sink);
  json.on_schema(reader->schema());
  csv.on_schema(reader->schema());
  lakegate::arrow::RecordBatch batch;
  for (int batches = 0; batches < 1000; ++batches) {
    auto more = reader->next(batch);
    if (!more || !*more) break;
    int64_t length = batch.num_rows;
    for (const auto& column : batch.columns) length = std::max(length, longest(column));
    if (length > kMaxRenderedLength) continue;
    json.on_batch(batch);
    csv.on_batch(batch);
  }
  json.finish();
  csv.finish();
  return 0;
}
