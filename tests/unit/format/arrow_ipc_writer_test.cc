// ArrowIpcWriter round trips: every pyarrow fixture decoded by our
// IpcStreamReader, re-encoded, decoded again, must render the same JSON; so
// must sliced views of every batch (non-zero offsets, shortened batches).
#include "format/arrow_ipc_writer.h"

#include <gtest/gtest.h>

#include "fixture_util.h"

namespace lakegate::format {
namespace {

using testing::fixtures_with;
using testing::read_fixture;
using testing::render_envelope;

// Decodes `bytes` and re-encodes every batch (through `transform`) with ArrowIpcWriter.
template <typename Transform>
std::string reencode(std::string_view bytes, Transform transform, size_t chunk = 64 * 1024) {
  auto reader = arrow::IpcStreamReader::open(bytes);
  EXPECT_TRUE(reader.ok());
  if (!reader.ok()) return {};
  util::StringSink sink;
  WriterOptions options;
  options.chunk_bytes = chunk;
  ArrowIpcWriter writer(sink, options);
  EXPECT_TRUE(writer.on_schema(reader->schema()));
  arrow::RecordBatch batch;
  while (true) {
    auto more = reader->next(batch);
    EXPECT_TRUE(more.ok());
    if (!more.ok() || !*more) break;
    for (const auto& piece : transform(batch)) EXPECT_TRUE(writer.on_batch(piece));
  }
  EXPECT_TRUE(writer.finish());
  return sink.data;
}

std::vector<arrow::RecordBatch> same(const arrow::RecordBatch& batch) {
  return {batch};
}

// A view of rows [start, start+length): every column's offset moved (a
// struct's offset applies to its children, so children stay as they are).
arrow::RecordBatch slice(const arrow::RecordBatch& batch, int64_t start, int64_t length) {
  arrow::RecordBatch out = batch;
  out.num_rows = length;
  for (auto& column : out.columns) {
    column.offset += start;
    column.length = length;
  }
  return out;
}

TEST(ArrowIpcWriter, EveryFixtureRoundTrips) {
  const auto names = fixtures_with(".json");
  ASSERT_GE(names.size(), 12u);
  for (const std::string& name : names) {
    const std::string original = read_fixture(name);
    const std::string copy = reencode(original, same);
    EXPECT_EQ(render_envelope(copy), render_envelope(original)) << name;
    // Re-encoding what we wrote is a fixed point.
    EXPECT_EQ(reencode(copy, same), copy) << name;
  }
}

TEST(ArrowIpcWriter, OutputDoesNotDependOnChunkSize) {
  const std::string original = read_fixture("nested");
  const std::string whole = reencode(original, same);
  for (size_t chunk : {size_t{1}, size_t{64}, size_t{4096}}) {
    EXPECT_EQ(reencode(original, same, chunk), whole);
  }
}

// The JSON envelope of views rendered directly (the JSON writer reads
// offsets itself), to compare with the rendering of our re-encoded bytes.
template <typename Transform>
std::string render_views(std::string_view bytes, Transform transform) {
  auto reader = arrow::IpcStreamReader::open(bytes);
  EXPECT_TRUE(reader.ok());
  if (!reader.ok()) return {};
  util::StringSink sink;
  JsonEnvelopeWriter writer(sink);
  writer.on_schema(reader->schema());
  arrow::RecordBatch batch;
  while (true) {
    auto more = reader->next(batch);
    if (!more.ok() || !*more) break;
    for (const auto& piece : transform(batch)) writer.on_batch(piece);
  }
  writer.finish();
  return sink.data;
}

TEST(ArrowIpcWriter, SlicedViewsRoundTrip) {
  const auto all_but_first = [](const arrow::RecordBatch& batch) {
    std::vector<arrow::RecordBatch> out;
    if (batch.num_rows > 1) out.push_back(slice(batch, 1, batch.num_rows - 1));
    return out;
  };
  const auto row_by_row = [](const arrow::RecordBatch& batch) {
    std::vector<arrow::RecordBatch> out;
    for (int64_t row = 0; row < batch.num_rows; ++row) out.push_back(slice(batch, row, 1));
    return out;
  };
  const auto middle_of_middle = [](const arrow::RecordBatch& batch) {
    std::vector<arrow::RecordBatch> out;
    if (batch.num_rows > 3)
      out.push_back(slice(slice(batch, 1, batch.num_rows - 1), 1, batch.num_rows - 3));
    return out;
  };
  const auto first_half = [](const arrow::RecordBatch& batch) {  // as RowLimitSink cuts
    arrow::RecordBatch head = batch;
    head.num_rows = batch.num_rows / 2;
    return std::vector<arrow::RecordBatch>{head};
  };
  for (const std::string& name : fixtures_with(".json")) {
    const std::string original = read_fixture(name);
    EXPECT_EQ(render_envelope(reencode(original, all_but_first)),
              render_views(original, all_but_first))
        << name;
    EXPECT_EQ(render_envelope(reencode(original, row_by_row)), render_envelope(original)) << name;
    EXPECT_EQ(render_envelope(reencode(original, middle_of_middle)),
              render_views(original, middle_of_middle))
        << name;
    EXPECT_EQ(render_envelope(reencode(original, first_half)), render_views(original, first_half))
        << name;
  }
}

TEST(ArrowIpcWriter, SlicesOfTheSlicedFixtureAreCompact) {
  // The pyarrow 'sliced' fixture holds views into larger buffers; our copy
  // holds only the rows, so it is not larger than the original.
  const std::string original = read_fixture("sliced");
  const std::string copy = reencode(original, same);
  EXPECT_LE(copy.size(), original.size() + 256);
  EXPECT_EQ(render_envelope(copy), render_envelope(original));
}

TEST(ArrowIpcWriter, EmptyResultIsSchemaAndEndOfStream) {
  util::StringSink sink;
  ArrowIpcWriter writer(sink);
  arrow::Schema schema;
  arrow::Field field;
  field.name = "x";
  field.type.id = arrow::TypeId::kUtf8;
  schema.fields.push_back(field);
  writer.on_schema(schema);
  ASSERT_TRUE(writer.finish());
  EXPECT_EQ(sink.data.substr(sink.data.size() - 8), std::string(end_of_stream_marker()));
  EXPECT_EQ(sink.data.size() % 8, 0u);
  auto reader = arrow::IpcStreamReader::open(sink.data);
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  ASSERT_EQ(reader->schema().fields.size(), 1u);
  EXPECT_EQ(reader->schema().fields[0].name, "x");
  arrow::RecordBatch batch;
  auto more = reader->next(batch);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
  EXPECT_EQ(writer.content_type(), "application/vnd.apache.arrow.stream");
}

TEST(ArrowIpcWriter, MessagesAreEightByteAligned) {
  const std::string copy = reencode(read_fixture("primitives"), same);
  ASSERT_EQ(copy.size() % 8, 0u);
  uint32_t marker;
  int32_t length;
  std::memcpy(&marker, copy.data(), 4);
  std::memcpy(&length, copy.data() + 4, 4);
  EXPECT_EQ(marker, 0xFFFFFFFFu);
  EXPECT_GT(length, 0);
  EXPECT_EQ((8 + length) % 8, 0);
}

}  // namespace
}  // namespace lakegate::format
