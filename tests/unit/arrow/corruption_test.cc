// The reader on hostile input: every truncation, byte mutations, and forged
// lengths and offsets must yield an error or a correct prefix, never a crash
// or an out-of-bounds read (run under ASan/UBSan to prove the latter).
#include <gtest/gtest.h>

#include <cstring>

#include "arrow/ipc_reader.h"
#include "arrow_ipc_generated.h"
#include "fixture_util.h"

namespace lakegate::arrow {
namespace {

using testing::all_fixtures;
using testing::read_fixture;
using testing::render_batches;
using testing::render_envelope;

// Where each framed message of a well-formed stream sits.
struct MessageSpan {
  size_t metadata = 0;  // offset of the flatbuffer
  size_t body = 0;      // offset of the body
};

std::vector<MessageSpan> messages_of(const std::string& bytes) {
  std::vector<MessageSpan> out;
  size_t position = 0;
  while (position + 8 <= bytes.size()) {
    int32_t size;
    std::memcpy(&size, bytes.data() + position + 4, 4);
    if (size <= 0) break;
    const size_t body = position + 8 + size_t(size);
    out.push_back({position + 8, body});
    position = body + size_t(fb::GetMessage(bytes.data() + position + 8)->body_length());
  }
  return out;
}

fb::RecordBatch* batch_header(std::string& bytes, const MessageSpan& span) {
  auto* message = fb::GetMutableMessage(bytes.data() + span.metadata);
  if (message->header_type() != fb::MessageHeader::RecordBatch) return nullptr;
  return static_cast<fb::RecordBatch*>(message->mutable_header());
}

std::string expect_error(const std::string& bytes) {
  const std::string text = render_envelope(bytes);
  EXPECT_EQ(text.rfind("ERROR: ", 0), 0u) << text.substr(0, 200);
  return text;
}

TEST(IpcCorruption, EveryTruncationIsAnErrorOrACorrectPrefix) {
  for (const std::string& name : all_fixtures()) {
    const std::string bytes = read_fixture(name);
    auto full = render_batches(bytes);
    const size_t step = bytes.size() > 8192 ? 61 : 1;
    for (size_t length = 0; length < bytes.size(); length += step) {
      auto prefix = render_batches(std::string_view(bytes).substr(0, length));
      if (!prefix) {
        EXPECT_EQ(prefix.error().code, ErrorCode::kProtocol);
        continue;
      }
      if (!full) {  // a rejected stream: only its schema may be read
        ASSERT_TRUE(prefix->empty()) << name << " truncated to " << length;
        continue;
      }
      ASSERT_LE(prefix->size(), full->size()) << name;
      for (size_t k = 0; k < prefix->size(); ++k) {
        ASSERT_EQ((*prefix)[k], (*full)[k]) << name << " truncated to " << length;
      }
    }
  }
}

TEST(IpcCorruption, MutatedBytesNeverCrash) {
  for (const std::string& name : all_fixtures()) {
    const std::string bytes = read_fixture(name);
    const size_t step = bytes.size() > 8192 ? 13 : 1;
    std::string copy = bytes;
    for (size_t position = 0; position < bytes.size(); position += step) {
      const auto original = static_cast<uint8_t>(bytes[position]);
      for (const uint8_t value : {uint8_t(0x00), uint8_t(0xFF), uint8_t(original ^ 0x80),
                                  uint8_t(original + 1), uint8_t(0x7F)}) {
        copy[position] = static_cast<char>(value);
        (void)render_envelope(copy);  // any result but a crash is fine
      }
      copy[position] = bytes[position];
    }
  }
}

TEST(IpcCorruption, ForgedMetadataSizeIsRefused) {
  std::string bytes = read_fixture("primitives");
  const int32_t huge = 0x7FFFFFF0;
  std::memcpy(bytes.data() + 4, &huge, 4);
  expect_error(bytes);
  const int32_t negative = -16;
  std::memcpy(bytes.data() + 4, &negative, 4);
  expect_error(bytes);
}

TEST(IpcCorruption, ForgedBodyLengthIsRefused) {
  std::string bytes = read_fixture("primitives");
  const auto spans = messages_of(bytes);
  ASSERT_GE(spans.size(), 2u);
  auto* message = fb::GetMutableMessage(bytes.data() + spans[1].metadata);
  ASSERT_TRUE(message->mutate_body_length(int64_t{1} << 40));
  const std::string text = expect_error(bytes);
  EXPECT_NE(text.find("body length"), std::string::npos) << text;
  ASSERT_TRUE(message->mutate_body_length(-8));
  expect_error(bytes);
}

TEST(IpcCorruption, ForgedBuffersAreRefused) {
  const std::string original = read_fixture("strings");
  const auto spans = messages_of(original);
  ASSERT_GE(spans.size(), 2u);
  for (const int64_t offset : {int64_t{1} << 40, int64_t{-8}, INT64_MAX}) {
    for (const bool forge_length : {false, true}) {
      std::string bytes = original;
      fb::RecordBatch* batch = batch_header(bytes, spans[1]);
      ASSERT_NE(batch, nullptr);
      auto* buffer = batch->mutable_buffers()->GetMutableObject(1);  // utf8 offsets
      if (forge_length) {
        buffer->mutate_length(offset);
      } else {
        buffer->mutate_offset(offset);
      }
      const std::string text = expect_error(bytes);
      EXPECT_NE(text.find("buffer"), std::string::npos) << text;
    }
  }
}

TEST(IpcCorruption, ForgedNodesAreRefused) {
  const std::string original = read_fixture("strings");
  const auto spans = messages_of(original);
  for (const int64_t length : {int64_t{1} << 40, int64_t{-1}, int64_t{1000}}) {
    std::string bytes = original;
    fb::RecordBatch* batch = batch_header(bytes, spans[1]);
    batch->mutable_nodes()->GetMutableObject(0)->mutate_length(length);
    expect_error(bytes);
  }
  std::string bytes = original;
  batch_header(bytes, spans[1])->mutable_nodes()->GetMutableObject(0)->mutate_null_count(99);
  expect_error(bytes);
  bytes = original;
  batch_header(bytes, spans[1])->mutate_length(int64_t{1} << 33);
  expect_error(bytes);
}

TEST(IpcCorruption, NonMonotonicAndOutOfRangeOffsetsAreRefused) {
  const std::string original = read_fixture("strings");
  const auto spans = messages_of(original);
  std::string probe = original;
  const fb::Buffer* offsets = batch_header(probe, spans[1])->buffers()->Get(1);
  const size_t at = spans[1].body + size_t(offsets->offset());
  for (const auto& [index, value] :
       std::vector<std::pair<int, int32_t>>{{2, 0}, {0, -4}, {6, 1 << 20}, {3, 1 << 30}}) {
    std::string bytes = original;
    std::memcpy(bytes.data() + at + size_t(index) * 4, &value, 4);
    const std::string text = expect_error(bytes);
    EXPECT_NE(text.find("offset"), std::string::npos) << text;
  }
  // A list whose last offset points past its child array.
  const std::string nested = read_fixture("nested");
  const auto nested_spans = messages_of(nested);
  std::string bytes = nested;
  const fb::Buffer* list_offsets = batch_header(bytes, nested_spans[1])->buffers()->Get(1);
  const int32_t past_child = 1000;
  std::memcpy(bytes.data() + nested_spans[1].body + size_t(list_offsets->offset()) + 16,
              &past_child, 4);
  const std::string text = expect_error(bytes);
  EXPECT_NE(text.find("child"), std::string::npos) << text;
}

TEST(IpcCorruption, WrongBufferAndNodeCountsAreRefused) {
  const std::string original = read_fixture("primitives");
  const auto spans = messages_of(original);
  std::string bytes = original;
  // Shrink the vectors' element counts (stored just before their elements).
  auto* batch = batch_header(bytes, spans[1]);
  auto* buffers = batch->mutable_buffers();
  const uint32_t fewer = buffers->size() - 1;
  std::memcpy(const_cast<uint8_t*>(buffers->Data()) - 4, &fewer, 4);
  expect_error(bytes);
  bytes = original;
  batch = batch_header(bytes, spans[1]);
  auto* nodes = batch->mutable_nodes();
  const uint32_t fewer_nodes = nodes->size() - 1;
  std::memcpy(const_cast<uint8_t*>(nodes->Data()) - 4, &fewer_nodes, 4);
  expect_error(bytes);
}

}  // namespace
}  // namespace lakegate::arrow
