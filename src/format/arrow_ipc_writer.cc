#include "format/arrow_ipc_writer.h"

#include <cstring>
#include <vector>

#include "arrow_ipc_generated.h"

namespace lakegate::format {
namespace {

namespace fb = arrow::fb;
using arrow::ArrayView;
using arrow::DataType;
using arrow::Field;
using arrow::TypeId;
using FbOffset = flatbuffers::Offset<void>;

constexpr uint32_t kContinuation = 0xFFFFFFFFu;

int64_t padded8(int64_t size) {
  return (size + 7) & ~int64_t{7};
}

// ---- Schema ---------------------------------------------------------------

fb::TimeUnit time_unit(arrow::TimeUnit unit) {
  return static_cast<fb::TimeUnit>(unit);
}

flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<fb::KeyValue>>> key_values(
    flatbuffers::FlatBufferBuilder& builder, const arrow::KeyValueMetadata& metadata) {
  if (metadata.empty()) return 0;
  std::vector<flatbuffers::Offset<fb::KeyValue>> entries;
  for (const auto& [key, value] : metadata) {
    entries.push_back(
        fb::CreateKeyValue(builder, builder.CreateString(key), builder.CreateString(value)));
  }
  return builder.CreateVector(entries);
}

// The Type union member of `type` and its table.
std::pair<fb::Type, FbOffset> type_table(flatbuffers::FlatBufferBuilder& b, const DataType& type) {
  switch (type.id) {
    case TypeId::kNull:
      return {fb::Type::Null, fb::CreateNull(b).Union()};
    case TypeId::kBool:
      return {fb::Type::Bool, fb::CreateBool(b).Union()};
    case TypeId::kInt:
      return {fb::Type::Int, fb::CreateInt(b, type.bit_width, type.is_signed).Union()};
    case TypeId::kFloat: {
      const auto precision = type.bit_width == 16   ? fb::Precision::HALF
                             : type.bit_width == 32 ? fb::Precision::SINGLE
                                                    : fb::Precision::DOUBLE;
      return {fb::Type::FloatingPoint, fb::CreateFloatingPoint(b, precision).Union()};
    }
    case TypeId::kDecimal:
      return {fb::Type::Decimal,
              fb::CreateDecimal(b, type.precision, type.scale, type.bit_width).Union()};
    case TypeId::kUtf8:
      return {fb::Type::Utf8, fb::CreateUtf8(b).Union()};
    case TypeId::kLargeUtf8:
      return {fb::Type::LargeUtf8, fb::CreateLargeUtf8(b).Union()};
    case TypeId::kBinary:
      return {fb::Type::Binary, fb::CreateBinary(b).Union()};
    case TypeId::kLargeBinary:
      return {fb::Type::LargeBinary, fb::CreateLargeBinary(b).Union()};
    case TypeId::kFixedSizeBinary:
      return {fb::Type::FixedSizeBinary, fb::CreateFixedSizeBinary(b, type.fixed_size).Union()};
    case TypeId::kDate:
      return {fb::Type::Date,
              fb::CreateDate(b, type.date_unit == arrow::DateUnit::kDay ? fb::DateUnit::DAY
                                                                        : fb::DateUnit::MILLISECOND)
                  .Union()};
    case TypeId::kTime:
      return {fb::Type::Time, fb::CreateTime(b, time_unit(type.time_unit), type.bit_width).Union()};
    case TypeId::kTimestamp: {
      auto zone = type.timezone.empty() ? flatbuffers::Offset<flatbuffers::String>()
                                        : b.CreateString(type.timezone);
      return {fb::Type::Timestamp, fb::CreateTimestamp(b, time_unit(type.time_unit), zone).Union()};
    }
    case TypeId::kDuration:
      return {fb::Type::Duration, fb::CreateDuration(b, time_unit(type.time_unit)).Union()};
    case TypeId::kInterval:
      return {fb::Type::Interval,
              fb::CreateInterval(b, static_cast<fb::IntervalUnit>(type.interval_unit)).Union()};
    case TypeId::kList:
      return {fb::Type::List, fb::CreateList(b).Union()};
    case TypeId::kLargeList:
      return {fb::Type::LargeList, fb::CreateLargeList(b).Union()};
    case TypeId::kFixedSizeList:
      return {fb::Type::FixedSizeList, fb::CreateFixedSizeList(b, type.fixed_size).Union()};
    case TypeId::kMap:
      return {fb::Type::Map, fb::CreateMap(b, type.keys_sorted).Union()};
    case TypeId::kStruct:
      return {fb::Type::Struct_, fb::CreateStruct_(b).Union()};
  }
  return {fb::Type::Null, fb::CreateNull(b).Union()};
}

flatbuffers::Offset<fb::Field> field_table(flatbuffers::FlatBufferBuilder& b, const Field& field) {
  std::vector<flatbuffers::Offset<fb::Field>> children;
  for (const Field& child : field.children) children.push_back(field_table(b, child));
  auto children_vector = b.CreateVector(children);
  auto metadata = key_values(b, field.metadata);
  auto name = b.CreateString(field.name);
  auto [type_type, type] = type_table(b, field.type);
  return fb::CreateField(b, name, field.nullable, type_type, type, 0, children_vector, metadata);
}

// Frames a finished Message flatbuffer: marker, padded length, bytes, padding.
void append_framed(std::string& out, flatbuffers::FlatBufferBuilder& builder) {
  const auto size = static_cast<int64_t>(builder.GetSize());
  const int64_t padded = padded8(8 + size) - 8;
  const uint32_t marker = kContinuation;
  const int32_t length = static_cast<int32_t>(padded);
  out.append(reinterpret_cast<const char*>(&marker), 4);
  out.append(reinterpret_cast<const char*>(&length), 4);
  out.append(reinterpret_cast<const char*>(builder.GetBufferPointer()), static_cast<size_t>(size));
  out.append(static_cast<size_t>(padded - size), '\0');
}

// ---- Record batches -------------------------------------------------------

// Collects the nodes, buffers and body of one record batch.
struct BodyBuilder {
  std::vector<fb::FieldNode> nodes;
  std::vector<fb::Buffer> buffers;
  std::string body;

  // Appends a buffer of `size` bytes (zeroed) and returns where to write it.
  char* add_buffer(int64_t size) {
    const auto start = static_cast<int64_t>(body.size());
    buffers.emplace_back(start, size);
    body.resize(static_cast<size_t>(padded8(start + size)), '\0');
    return body.data() + start;
  }
  void add_bytes(const void* data, int64_t size) {
    if (size > 0)
      std::memcpy(add_buffer(size), data, static_cast<size_t>(size));
    else
      add_buffer(0);
  }
};

void set_bit(char* bits, int64_t i) {
  bits[i >> 3] = static_cast<char>(bits[i >> 3] | (1 << (i & 7)));
}

int64_t fixed_width(const DataType& type) {
  switch (type.id) {
    case TypeId::kInt:
    case TypeId::kFloat:
    case TypeId::kDecimal:
    case TypeId::kTime:
      return type.bit_width / 8;
    case TypeId::kDate:
      return type.date_unit == arrow::DateUnit::kDay ? 4 : 8;
    case TypeId::kTimestamp:
    case TypeId::kDuration:
      return 8;
    case TypeId::kInterval:
      return type.interval_unit == arrow::IntervalUnit::kYearMonth ? 4
             : type.interval_unit == arrow::IntervalUnit::kDayTime ? 8
                                                                   : 16;
    case TypeId::kFixedSizeBinary:
      return type.fixed_size;
    default:
      return 0;
  }
}

// Writes the offsets of logical values [start, start+length) rebased to 0,
// and returns the [begin, end) range they cover in the data/child array.
std::pair<int64_t, int64_t> add_offsets(BodyBuilder& out, const ArrayView& array, int64_t start,
                                        int64_t length, bool large) {
  const int64_t width = large ? 8 : 4;
  char* data = out.add_buffer((length + 1) * width);
  if (length == 0 && array.offsets.empty()) {
    std::memset(data, 0, static_cast<size_t>(width));
    return {0, 0};
  }
  const int64_t base = array.offset_at(array.offset + start);
  for (int64_t i = 0; i <= length; ++i) {
    const int64_t value = array.offset_at(array.offset + start + i) - base;
    if (large) {
      std::memcpy(data + i * 8, &value, 8);
    } else {
      const auto narrow = static_cast<int32_t>(value);
      std::memcpy(data + i * 4, &narrow, 4);
    }
  }
  return {base, array.offset_at(array.offset + start + length)};
}

// Encodes logical rows [start, start+length) of `array` (indexes as the
// accessors take them, i.e. before `array.offset` is added).
void encode_array(BodyBuilder& out, const Field& field, const ArrayView& array, int64_t start,
                  int64_t length) {
  const DataType& type = field.type;
  if (type.id == TypeId::kNull) {
    out.nodes.emplace_back(length, length);
    return;
  }
  int64_t nulls = 0;
  if (array.validity != nullptr || array.all_null) {
    for (int64_t i = 0; i < length; ++i) nulls += array.is_null(start + i);
  }
  out.nodes.emplace_back(length, nulls);
  if (nulls == 0) {
    out.add_buffer(0);
  } else {
    char* bits = out.add_buffer((length + 7) / 8);
    for (int64_t i = 0; i < length; ++i) {
      if (array.is_valid(start + i)) set_bit(bits, i);
    }
  }
  switch (type.id) {
    case TypeId::kBool: {
      char* bits = out.add_buffer((length + 7) / 8);
      for (int64_t i = 0; i < length; ++i) {
        if (array.bit(start + i)) set_bit(bits, i);
      }
      return;
    }
    case TypeId::kUtf8:
    case TypeId::kLargeUtf8:
    case TypeId::kBinary:
    case TypeId::kLargeBinary: {
      const bool large = type.id == TypeId::kLargeUtf8 || type.id == TypeId::kLargeBinary;
      const auto [begin, end] = add_offsets(out, array, start, length, large);
      out.add_bytes(array.values.data() + begin, end - begin);
      return;
    }
    case TypeId::kList:
    case TypeId::kLargeList:
    case TypeId::kMap: {
      const auto [begin, end] =
          add_offsets(out, array, start, length, type.id == TypeId::kLargeList);
      encode_array(out, field.children[0], array.children[0], begin, end - begin);
      return;
    }
    case TypeId::kFixedSizeList: {
      const int64_t size = type.fixed_size;
      encode_array(out, field.children[0], array.children[0], (array.offset + start) * size,
                   length * size);
      return;
    }
    case TypeId::kStruct:
      // A struct's offset applies to its children.
      for (size_t k = 0; k < field.children.size(); ++k) {
        encode_array(out, field.children[k], array.children[k], array.offset + start, length);
      }
      return;
    default: {
      const int64_t width = fixed_width(type);
      if (length == 0) {
        out.add_buffer(0);
        return;
      }
      out.add_bytes(array.fixed_bytes(start, width), length * width);
      return;
    }
  }
}

}  // namespace

std::string encode_schema_message(const arrow::Schema& schema) {
  flatbuffers::FlatBufferBuilder builder(1024);
  std::vector<flatbuffers::Offset<fb::Field>> fields;
  for (const Field& field : schema.fields) fields.push_back(field_table(builder, field));
  auto fields_vector = builder.CreateVector(fields);
  auto metadata = key_values(builder, schema.metadata);
  auto header = fb::CreateSchema(builder, fb::Endianness::Little, fields_vector, metadata);
  builder.Finish(fb::CreateMessage(builder, fb::MetadataVersion::V5, fb::MessageHeader::Schema,
                                   header.Union(), 0));
  std::string out;
  append_framed(out, builder);
  return out;
}

std::string encode_batch_message(const arrow::Schema& schema, const arrow::RecordBatch& batch) {
  BodyBuilder body;
  for (size_t i = 0; i < schema.fields.size() && i < batch.columns.size(); ++i) {
    encode_array(body, schema.fields[i], batch.columns[i], 0, batch.num_rows);
  }
  flatbuffers::FlatBufferBuilder builder(1024);
  auto nodes = builder.CreateVectorOfStructs(body.nodes);
  auto buffers = builder.CreateVectorOfStructs(body.buffers);
  auto header = fb::CreateRecordBatch(builder, batch.num_rows, nodes, buffers);
  builder.Finish(fb::CreateMessage(builder, fb::MetadataVersion::V5, fb::MessageHeader::RecordBatch,
                                   header.Union(), static_cast<int64_t>(body.body.size())));
  std::string out;
  append_framed(out, builder);
  out.append(body.body);
  return out;
}

std::string_view end_of_stream_marker() {
  static constexpr char kMarker[8] = {'\xff', '\xff', '\xff', '\xff', 0, 0, 0, 0};
  return {kMarker, 8};
}

void ArrowIpcWriter::begin(TextBuffer& out) {
  out.append(encode_schema_message(schema()));
}

void ArrowIpcWriter::append_batch(TextBuffer& out, const arrow::RecordBatch& batch) {
  out.append(encode_batch_message(schema(), batch));
}

void ArrowIpcWriter::end(TextBuffer& out) {
  out.append(end_of_stream_marker());
}

}  // namespace lakegate::format
