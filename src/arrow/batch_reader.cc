#include "arrow/batch_reader.h"

#include <cstring>
#include <string>

#include "arrow/ipc_message.h"

namespace lakegate::arrow::internal {
namespace {

// Walks the flattened nodes and buffers in schema pre-order.
struct Cursor {
  const flatbuffers::Vector<const fb::FieldNode*>* nodes = nullptr;
  const flatbuffers::Vector<const fb::Buffer*>* buffers = nullptr;
  flatbuffers::uoffset_t next_node = 0;
  flatbuffers::uoffset_t next_buffer = 0;
  std::string_view body;
};

flatbuffers::uoffset_t size_of(const auto* vector) {
  return vector ? vector->size() : 0;
}

// FieldNode and Buffer are both two int64s. A corrupt flatbuffer may place
// their vectors only 4-byte aligned, so they are read with memcpy, not through
// the generated struct accessors.
struct Pair {
  int64_t first;
  int64_t second;
};

Pair load_pair(const auto* vector, flatbuffers::uoffset_t index) {
  Pair pair;
  std::memcpy(&pair, vector->Data() + size_t{index} * 16, 16);
  return pair;
}

Status take_node(Cursor& cursor, ArrayView& out) {
  if (cursor.next_node >= size_of(cursor.nodes)) return protocol_error("too few field nodes");
  const auto [length, null_count] = load_pair(cursor.nodes, cursor.next_node++);
  if (length < 0 || length > kMaxArrayLength) {
    return protocol_error("invalid array length " + std::to_string(length));
  }
  if (null_count < 0 || null_count > length) return protocol_error("invalid null count");
  out.length = length;
  out.null_count = null_count;
  out.offset = 0;
  out.validity = nullptr;
  out.offsets = {};
  out.values = {};
  out.large_offsets = false;
  out.all_null = false;
  return {};
}

Result<std::span<const uint8_t>> take_buffer(Cursor& cursor) {
  if (cursor.next_buffer >= size_of(cursor.buffers)) return protocol_error("too few buffers");
  const auto [offset, length] = load_pair(cursor.buffers, cursor.next_buffer++);
  const auto body_size = static_cast<int64_t>(cursor.body.size());
  if (offset < 0 || length < 0 || offset > body_size || length > body_size - offset) {
    return protocol_error("buffer beyond message body");
  }
  const auto* data = reinterpret_cast<const uint8_t*>(cursor.body.data());
  return std::span<const uint8_t>(data + offset, static_cast<size_t>(length));
}

Status take_validity(Cursor& cursor, ArrayView& out) {
  auto buffer = take_buffer(cursor);
  if (!buffer) return buffer.error();
  if (out.null_count == 0) return {};  // all valid, whatever the bitmap holds
  if (static_cast<int64_t>(buffer->size()) < (out.length + 7) / 8) {
    return protocol_error("validity bitmap too short");
  }
  out.validity = buffer->data();
  return {};
}

Status take_values(Cursor& cursor, ArrayView& out, int64_t needed_bytes,
                   const char* complaint = "value buffer too short") {
  auto buffer = take_buffer(cursor);
  if (!buffer) return buffer.error();
  if (static_cast<int64_t>(buffer->size()) < needed_bytes) return protocol_error(complaint);
  out.values = *buffer;
  return {};
}

// Takes the offsets buffer and checks it: length+1 monotonic entries, the
// first non-negative. Returns the last offset (0 for an empty array).
Result<int64_t> take_offsets(Cursor& cursor, ArrayView& out, bool large) {
  auto buffer = take_buffer(cursor);
  if (!buffer) return buffer.error();
  out.large_offsets = large;
  if (out.length == 0 && buffer->empty()) return int64_t{0};
  const int64_t width = large ? 8 : 4;
  if (static_cast<int64_t>(buffer->size()) < (out.length + 1) * width) {
    return protocol_error("offsets buffer too short");
  }
  out.offsets = *buffer;
  int64_t previous = out.offset_at(0);
  if (previous < 0) return protocol_error("negative offset");
  for (int64_t k = 1; k <= out.length; ++k) {
    const int64_t current = out.offset_at(k);
    if (current < previous) return protocol_error("offsets not monotonic");
    previous = current;
  }
  return previous;
}

int64_t fixed_width_bytes(const DataType& type) {
  switch (type.id) {
    case TypeId::kInt:
    case TypeId::kFloat:
    case TypeId::kDecimal:
    case TypeId::kTime:
      return type.bit_width / 8;
    case TypeId::kDate:
      return type.date_unit == DateUnit::kDay ? 4 : 8;
    case TypeId::kTimestamp:
    case TypeId::kDuration:
      return 8;
    case TypeId::kInterval:
      return type.interval_unit == IntervalUnit::kYearMonth ? 4
             : type.interval_unit == IntervalUnit::kDayTime ? 8
                                                            : 16;
    case TypeId::kFixedSizeBinary:
      return type.fixed_size;
    default:
      return 0;
  }
}

Status read_array(const Field& field, Cursor& cursor, ArrayView& out) {
  if (auto status = take_node(cursor, out); !status) return status;
  const DataType& type = field.type;
  if (type.id == TypeId::kNull) {
    out.all_null = true;
    out.null_count = out.length;
    out.children.clear();
    return {};
  }
  if (auto status = take_validity(cursor, out); !status) return status;
  out.children.resize(field.children.size());
  switch (type.id) {
    case TypeId::kBool:
      return take_values(cursor, out, (out.length + 7) / 8);
    case TypeId::kUtf8:
    case TypeId::kLargeUtf8:
    case TypeId::kBinary:
    case TypeId::kLargeBinary: {
      const bool large = type.id == TypeId::kLargeUtf8 || type.id == TypeId::kLargeBinary;
      auto end = take_offsets(cursor, out, large);
      if (!end) return end.error();
      return take_values(cursor, out, *end, "offsets beyond the value data");
    }
    case TypeId::kList:
    case TypeId::kLargeList:
    case TypeId::kMap: {
      auto end = take_offsets(cursor, out, type.id == TypeId::kLargeList);
      if (!end) return end.error();
      if (auto status = read_array(field.children[0], cursor, out.children[0]); !status) {
        return status;
      }
      if (out.children[0].length < *end) return protocol_error("child array too short");
      return {};
    }
    case TypeId::kFixedSizeList: {
      if (auto status = read_array(field.children[0], cursor, out.children[0]); !status) {
        return status;
      }
      if (out.children[0].length < out.length * type.fixed_size) {
        return protocol_error("child array too short");
      }
      return {};
    }
    case TypeId::kStruct: {
      for (size_t k = 0; k < field.children.size(); ++k) {
        if (auto status = read_array(field.children[k], cursor, out.children[k]); !status) {
          return status;
        }
        if (out.children[k].length < out.length) return protocol_error("child array too short");
      }
      return {};
    }
    default:
      return take_values(cursor, out, out.length * fixed_width_bytes(type));
  }
}

}  // namespace

Status read_record_batch(const Schema& schema, const fb::RecordBatch& source, std::string_view body,
                         RecordBatch& out) {
  if (source.compression() != nullptr) {
    const bool zstd = source.compression()->codec() == fb::CompressionType::ZSTD;
    return protocol_error(std::string("compressed record batches (") + (zstd ? "zstd" : "lz4") +
                          ") are not supported");
  }
  if (size_of(source.variadic_buffer_counts()) != 0) {
    return protocol_error("variadic buffers are not supported");
  }
  if (source.length() < 0 || source.length() > kMaxArrayLength) {
    return protocol_error("invalid record batch length");
  }
  out.num_rows = source.length();
  out.columns.resize(schema.fields.size());
  Cursor cursor{source.nodes(), source.buffers(), 0, 0, body};
  for (size_t i = 0; i < schema.fields.size(); ++i) {
    if (auto status = read_array(schema.fields[i], cursor, out.columns[i]); !status) {
      return status;
    }
    if (out.columns[i].length < out.num_rows) return protocol_error("column shorter than batch");
  }
  if (cursor.next_node != size_of(cursor.nodes) || cursor.next_buffer != size_of(cursor.buffers)) {
    return protocol_error("more nodes or buffers than the schema has fields");
  }
  return {};
}

}  // namespace lakegate::arrow::internal
