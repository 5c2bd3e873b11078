// Test helpers shared by the arrow and format unit tests: reading the pyarrow
// fixtures in tests/fixtures/arrow (LAKEGATE_ARROW_FIXTURES) and rendering a
// whole IPC stream through the JSON envelope writer.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "arrow/ipc_reader.h"
#include "format/json_envelope_writer.h"
#include "util/byte_sink.h"

namespace lakegate::testing {

inline std::filesystem::path fixture_dir() {
  return LAKEGATE_ARROW_FIXTURES;
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::string read_fixture(const std::string& name) {
  return read_file(fixture_dir() / (name + ".arrows"));
}

// Fixture names (without extension) having a file with `extension` beside them.
inline std::vector<std::string> fixtures_with(const std::string& extension) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(fixture_dir())) {
    if (entry.path().extension() == extension) names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Every fixture stream.
inline std::vector<std::string> all_fixtures() {
  return fixtures_with(".arrows");
}

// Decodes `bytes` and renders every batch through `writer` (schema first).
// Returns the error of the first failure.
inline Status render_stream(std::string_view bytes, format::ResultWriter& writer) {
  auto reader = arrow::IpcStreamReader::open(bytes);
  if (!reader) return reader.error();
  writer.on_schema(reader->schema());
  arrow::RecordBatch batch;
  while (true) {
    auto more = reader->next(batch);
    if (!more) return more.error();
    if (!*more) break;
    writer.on_batch(batch);
  }
  return {};
}

// The JSON envelope of `bytes`, or the error text prefixed with "ERROR: ".
inline std::string render_envelope(std::string_view bytes, size_t chunk_bytes = 64 * 1024) {
  util::StringSink sink;
  format::JsonEnvelopeOptions options;
  options.chunk_bytes = chunk_bytes;
  format::JsonEnvelopeWriter writer(sink, options);
  if (auto status = render_stream(bytes, writer); !status) {
    return "ERROR: " + status.error().message;
  }
  writer.finish();
  return sink.data;
}

// One JSON text per batch (rows rendered as an envelope each), or an error.
inline Result<std::vector<std::string>> render_batches(std::string_view bytes) {
  auto reader = arrow::IpcStreamReader::open(bytes);
  if (!reader) return reader.error();
  std::vector<std::string> out;
  arrow::RecordBatch batch;
  while (true) {
    auto more = reader->next(batch);
    if (!more) return more.error();
    if (!*more) return out;
    util::StringSink sink;
    format::JsonEnvelopeWriter writer(sink);
    writer.on_schema(reader->schema());
    writer.on_batch(batch);
    writer.finish();
    out.push_back(std::move(sink.data));
  }
}

}  // namespace lakegate::testing
