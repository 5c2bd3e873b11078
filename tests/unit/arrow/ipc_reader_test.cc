// IpcStreamReader over well-formed pyarrow streams: schema decoding, batch
// iteration, framing variants, and the streams it must refuse.
#include "arrow/ipc_reader.h"

#include <gtest/gtest.h>

#include <cstring>

#include "arrow_ipc_generated.h"
#include "fixture_util.h"

namespace lakegate::arrow {
namespace {

using testing::read_fixture;
using testing::render_envelope;

const Field& field_named(const Schema& schema, std::string_view name) {
  for (const auto& field : schema.fields) {
    if (field.name == name) return field;
  }
  ADD_FAILURE() << "no field " << name;
  static Field none;
  return none;
}

TEST(IpcReader, DecodesPrimitiveSchema) {
  const std::string bytes = read_fixture("primitives");
  auto reader = IpcStreamReader::open(bytes);
  ASSERT_TRUE(reader) << reader.error().message;
  const Schema& schema = reader->schema();
  EXPECT_EQ(field_named(schema, "int16").type.id, TypeId::kInt);
  EXPECT_EQ(field_named(schema, "int16").type.bit_width, 16);
  EXPECT_TRUE(field_named(schema, "int16").type.is_signed);
  EXPECT_FALSE(field_named(schema, "uint64").type.is_signed);
  EXPECT_EQ(field_named(schema, "float16").type.bit_width, 16);
  EXPECT_EQ(field_named(schema, "float64").type.id, TypeId::kFloat);
  EXPECT_EQ(field_named(schema, "nulls").type.id, TypeId::kNull);
  RecordBatch batch;
  auto more = reader->next(batch);
  ASSERT_TRUE(more) << more.error().message;
  ASSERT_TRUE(*more);
  EXPECT_EQ(batch.num_rows, 5);
  ASSERT_EQ(batch.columns.size(), schema.fields.size());
  const ArrayView& int64s = batch.columns[4];
  EXPECT_EQ(int64s.value<int64_t>(0), INT64_MIN);
  EXPECT_EQ(int64s.value<int64_t>(1), INT64_MAX);
  EXPECT_TRUE(int64s.is_null(3));
  EXPECT_EQ(int64s.null_count, 1);
  EXPECT_TRUE(batch.columns[0].bit(0));
  EXPECT_FALSE(batch.columns[0].bit(1));
  EXPECT_TRUE(batch.columns.back().is_null(0));
  more = reader->next(batch);
  ASSERT_TRUE(more);
  EXPECT_FALSE(*more);
}

TEST(IpcReader, DecodesTemporalAndDecimalTypes) {
  const std::string temporal = read_fixture("temporal");
  auto reader = IpcStreamReader::open(temporal);
  ASSERT_TRUE(reader) << reader.error().message;
  const Schema& schema = reader->schema();
  EXPECT_EQ(field_named(schema, "date").type.date_unit, DateUnit::kDay);
  EXPECT_EQ(field_named(schema, "date64").type.date_unit, DateUnit::kMilli);
  EXPECT_EQ(field_named(schema, "ts_ny").type.timezone, "America/New_York");
  EXPECT_EQ(field_named(schema, "ts_ntz").type.timezone, "");
  EXPECT_EQ(field_named(schema, "ts_ns").type.time_unit, TimeUnit::kNano);
  EXPECT_EQ(field_named(schema, "time_ms").type.bit_width, 32);
  EXPECT_EQ(field_named(schema, "time_ns").type.bit_width, 64);
  EXPECT_EQ(field_named(schema, "dur_s").type.time_unit, TimeUnit::kSecond);
  EXPECT_EQ(field_named(schema, "mdn").type.interval_unit, IntervalUnit::kMonthDayNano);

  const std::string decimals = read_fixture("decimals");
  auto decimal_reader = IpcStreamReader::open(decimals);
  ASSERT_TRUE(decimal_reader);
  const DataType& d38 = field_named(decimal_reader->schema(), "d38_18").type;
  EXPECT_EQ(d38.id, TypeId::kDecimal);
  EXPECT_EQ(d38.precision, 38);
  EXPECT_EQ(d38.scale, 18);
  EXPECT_EQ(d38.bit_width, 128);
  EXPECT_EQ(field_named(decimal_reader->schema(), "d76_10").type.bit_width, 256);
}

TEST(IpcReader, DecodesNestedSchemaAndMetadata) {
  const std::string bytes = read_fixture("nested");
  auto reader = IpcStreamReader::open(bytes);
  ASSERT_TRUE(reader) << reader.error().message;
  const Field& map = field_named(reader->schema(), "map_str");
  EXPECT_EQ(map.type.id, TypeId::kMap);
  ASSERT_EQ(map.children.size(), 1u);
  EXPECT_EQ(map.children[0].name, "entries");
  EXPECT_EQ(map.children[0].children[0].name, "key");
  EXPECT_FALSE(map.children[0].children[0].nullable);
  EXPECT_EQ(field_named(reader->schema(), "fixed_list").type.fixed_size, 3);
  const Field& deep = field_named(reader->schema(), "deep");
  EXPECT_EQ(deep.children[0].type.id, TypeId::kStruct);
  EXPECT_EQ(deep.children[0].children[0].type.id, TypeId::kMap);

  const std::string variant = read_fixture("variant_like");
  auto variant_reader = IpcStreamReader::open(variant);
  ASSERT_TRUE(variant_reader);
  EXPECT_EQ(variant_reader->schema().fields[0].metadata_value("variant"), "true");
}

TEST(IpcReader, ManyBatchesEmptyBatchAndSchemaOnly) {
  const std::string many = read_fixture("many_batches");
  auto reader = IpcStreamReader::open(many);
  ASSERT_TRUE(reader);
  RecordBatch batch;
  int batches = 0;
  int64_t rows = 0;
  while (true) {
    auto more = reader->next(batch);
    ASSERT_TRUE(more) << more.error().message;
    if (!*more) break;
    ++batches;
    rows += batch.num_rows;
  }
  EXPECT_EQ(batches, 20);
  EXPECT_EQ(rows, 30);

  const std::string schema_only = read_fixture("schema_only");
  auto only = IpcStreamReader::open(schema_only);
  ASSERT_TRUE(only);
  EXPECT_EQ(only->schema().fields.size(), 2u);
  auto more = only->next(batch);
  ASSERT_TRUE(more);
  EXPECT_FALSE(*more);

  const std::string empty = read_fixture("empty_batch");
  auto empty_reader = IpcStreamReader::open(empty);
  ASSERT_TRUE(empty_reader);
  more = empty_reader->next(batch);
  ASSERT_TRUE(more && *more);
  EXPECT_EQ(batch.num_rows, 0);
}

TEST(IpcReader, AcceptsMissingEndOfStreamAndMisalignedInput) {
  const std::string bytes = read_fixture("nested");
  const std::string expected = render_envelope(bytes);
  ASSERT_EQ(expected.rfind("ERROR", 0), std::string::npos) << expected;
  EXPECT_EQ(render_envelope(std::string_view(bytes).substr(0, bytes.size() - 8)), expected);
  // Bytes after the end-of-stream marker are ignored.
  EXPECT_EQ(render_envelope(bytes + "garbage!"), expected);
  // The same stream one byte off 8-byte alignment in memory.
  std::string shifted = " " + bytes;
  EXPECT_EQ(render_envelope(std::string_view(shifted).substr(1)), expected);
}

TEST(IpcReader, AcceptsLegacyFramingWithoutContinuationMarker) {
  const std::string bytes = read_fixture("strings");
  // Rewrite every message without its 0xFFFFFFFF marker.
  std::string legacy;
  size_t position = 0;
  while (position + 8 <= bytes.size()) {
    int32_t size;
    std::memcpy(&size, bytes.data() + position + 4, 4);
    if (size == 0) break;
    legacy.append(bytes, position + 4, 4);
    std::string_view metadata(bytes.data() + position + 8, size_t(size));
    auto* message = fb::GetMessage(metadata.data());
    const size_t total = 4 + size_t(size) + size_t(message->body_length());
    legacy.append(bytes, position + 8, total - 4);
    position += 4 + total;
  }
  EXPECT_EQ(render_envelope(legacy), render_envelope(bytes));
}

TEST(IpcReader, RejectsUnsupportedStreams) {
  for (const std::string& name : testing::fixtures_with(".error")) {
    const std::string bytes = read_fixture(name);
    std::string word = testing::read_file(testing::fixture_dir() / (name + ".error"));
    while (!word.empty() && (word.back() == '\n' || word.back() == '\r')) word.pop_back();
    auto reader = IpcStreamReader::open(bytes);
    Error error;
    if (!reader) {
      error = reader.error();
    } else {
      RecordBatch batch;
      auto more = reader->next(batch);
      ASSERT_FALSE(more) << name << " was accepted";
      error = more.error();
      more = reader->next(batch);  // after an error the stream is over
      ASSERT_TRUE(more);
      EXPECT_FALSE(*more);
    }
    EXPECT_EQ(error.code, ErrorCode::kProtocol) << name;
    EXPECT_NE(error.message.find(word), std::string::npos) << name << ": " << error.message;
  }
}

TEST(IpcReader, RejectsStreamsWithoutSchema) {
  EXPECT_FALSE(IpcStreamReader::open(""));
  EXPECT_FALSE(IpcStreamReader::open(std::string("\xff\xff\xff\xff\0\0\0\0", 8)));
  EXPECT_FALSE(IpcStreamReader::open("\xff\xff"));
  // A stream that starts with its record batch (schema message cut away).
  const std::string bytes = read_fixture("primitives");
  int32_t size;
  std::memcpy(&size, bytes.data() + 4, 4);
  auto reader = IpcStreamReader::open(std::string_view(bytes).substr(8 + size_t(size)));
  ASSERT_FALSE(reader);
  EXPECT_EQ(reader.error().code, ErrorCode::kProtocol);
}

}  // namespace
}  // namespace lakegate::arrow
