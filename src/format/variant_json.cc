#include "format/variant_json.h"

#include <cstdint>
#include <cstring>

#include "format/decimal_text.h"
#include "format/json_value.h"
#include "format/temporal_text.h"

namespace lakegate::format {
namespace {

constexpr int kMaxDepth = 512;

enum BasicType { kPrimitive = 0, kShortString = 1, kObject = 2, kArray = 3 };

// Little-endian unsigned integer of `size` (1..4 or 8) bytes at `p`.
uint64_t little_endian(const char* p, int size) {
  uint64_t value = 0;
  for (int i = size - 1; i >= 0; --i) value = (value << 8) | static_cast<uint8_t>(p[i]);
  return value;
}

class Decoder {
 public:
  Decoder(TextBuffer& out, std::string_view metadata) : out_(out), metadata_(metadata) {}

  // Reads the metadata's dictionary layout; false when malformed.
  bool open() {
    if (metadata_.empty()) return false;
    const auto header = static_cast<uint8_t>(metadata_[0]);
    if ((header & 0x0F) != 1) return false;  // version 1 only
    offset_size_ = ((header >> 6) & 3) + 1;
    if (metadata_.size() < 1 + static_cast<size_t>(offset_size_)) return false;
    dictionary_size_ = little_endian(metadata_.data() + 1, offset_size_);
    const uint64_t table = 1 + offset_size_ * (dictionary_size_ + 2);
    if (dictionary_size_ > metadata_.size() || table > metadata_.size()) return false;
    strings_ = metadata_.substr(table);
    return true;
  }

  bool value(std::string_view bytes, int depth) {
    if (bytes.empty() || depth > kMaxDepth) return false;
    const auto first = static_cast<uint8_t>(bytes[0]);
    const int header = first >> 2;
    const std::string_view data = bytes.substr(1);
    switch (first & 3) {
      case kPrimitive:
        return primitive(header, data);
      case kShortString:
        if (data.size() < static_cast<size_t>(header)) return false;
        out_.append_json_string(data.substr(0, header));
        return true;
      case kObject:
        return object(header, data, depth);
      default:
        return array(header, data, depth);
    }
  }

 private:
  // The dictionary's string `id`, or false.
  bool key(uint64_t id, std::string_view& text) const {
    if (id >= dictionary_size_) return false;
    const char* offsets = metadata_.data() + 1 + offset_size_;
    const uint64_t begin = little_endian(offsets + id * offset_size_, offset_size_);
    const uint64_t end = little_endian(offsets + (id + 1) * offset_size_, offset_size_);
    if (begin > end || end > strings_.size()) return false;
    text = strings_.substr(begin, end - begin);
    return true;
  }

  template <typename T>
  bool fixed(std::string_view data, T& value) {
    if (data.size() < sizeof(T)) return false;
    std::memcpy(&value, data.data(), sizeof(T));  // little-endian host (x86-64, arm64)
    return true;
  }

  template <typename T>
  bool integer(std::string_view data) {
    T value;
    if (!fixed(data, value)) return false;
    out_.append(std::to_string(value));
    return true;
  }

  bool decimal(std::string_view data, int width) {
    if (data.size() < 1 + static_cast<size_t>(width)) return false;
    const int scale = static_cast<uint8_t>(data[0]);
    if (scale > 38) return false;
    char* p = out_.reserve(kMaxDecimalText);
    out_.commit(write_decimal(p, reinterpret_cast<const uint8_t*>(data.data() + 1), width, scale));
    return true;
  }

  bool sized_bytes(std::string_view data, std::string_view& bytes) {
    uint32_t size;
    if (!fixed(data, size) || data.size() - 4 < size) return false;
    bytes = data.substr(4, size);
    return true;
  }

  bool primitive(int type, std::string_view data) {
    switch (type) {
      case 0:
        out_.append("null");
        return true;
      case 1:
        out_.append("true");
        return true;
      case 2:
        out_.append("false");
        return true;
      case 3:
        return integer<int8_t>(data);
      case 4:
        return integer<int16_t>(data);
      case 5:
        return integer<int32_t>(data);
      case 6:
        return integer<int64_t>(data);
      case 7: {
        double value;
        if (!fixed(data, value)) return false;
        append_json_double(out_, value);
        return true;
      }
      case 8:
        return decimal(data, 4);
      case 9:
        return decimal(data, 8);
      case 10:
        return decimal(data, 16);
      case 11: {
        int32_t days;
        if (!fixed(data, days)) return false;
        return quoted([&](char* p) { return write_date(p, days); });
      }
      case 12:
      case 13: {
        int64_t micros;
        if (!fixed(data, micros)) return false;
        const bool with_offset = type == 12;
        return quoted([&](char* p) {
          return write_timestamp(p, micros, arrow::TimeUnit::kMicro, with_offset);
        });
      }
      case 14: {
        float value;
        if (!fixed(data, value)) return false;
        append_json_float(out_, value);
        return true;
      }
      case 15:
      case 16: {
        std::string_view bytes;
        if (!sized_bytes(data, bytes)) return false;
        type == 15 ? out_.append_base64_string(bytes) : out_.append_json_string(bytes);
        return true;
      }
      default:
        return false;  // a type this version does not know: never guessed
    }
  }

  template <typename Write>
  bool quoted(Write write) {
    char* p = out_.reserve(kMaxTemporalText + 2);
    *p++ = '"';
    p = write(p);
    *p++ = '"';
    out_.commit(p);
    return true;
  }

  // num_elements (1 or 4 bytes), then `ids` field ids of id_size, then
  // num_elements + 1 offsets of offset_size, then the values.
  struct Layout {
    uint64_t count = 0;
    const char* ids = nullptr;
    const char* offsets = nullptr;
    std::string_view values;
  };

  static bool layout(std::string_view data, bool large, int id_size, int offset_size,
                     Layout& layout) {
    const size_t count_size = large ? 4 : 1;
    if (data.size() < count_size) return false;
    layout.count = little_endian(data.data(), static_cast<int>(count_size));
    const uint64_t ids_bytes = layout.count * id_size;
    const uint64_t offsets_bytes = (layout.count + 1) * offset_size;
    if (layout.count > data.size() || count_size + ids_bytes + offsets_bytes > data.size()) {
      return false;
    }
    layout.ids = data.data() + count_size;
    layout.offsets = layout.ids + ids_bytes;
    layout.values = data.substr(count_size + ids_bytes + offsets_bytes);
    return true;
  }

  // Element `index` of a layout: from its offset to the end of the values
  // (a value knows its own length).
  static bool element(const Layout& layout, int offset_size, uint64_t index,
                      std::string_view& bytes) {
    const uint64_t begin = little_endian(layout.offsets + index * offset_size, offset_size);
    if (begin >= layout.values.size()) return false;
    bytes = layout.values.substr(begin);
    return true;
  }

  bool object(int header, std::string_view data, int depth) {
    const int offset_size = (header & 3) + 1;
    const int id_size = ((header >> 2) & 3) + 1;
    Layout fields;
    if (!layout(data, (header >> 4) & 1, id_size, offset_size, fields)) return false;
    out_.push_back('{');
    for (uint64_t i = 0; i < fields.count; ++i) {
      std::string_view name, bytes;
      if (!key(little_endian(fields.ids + i * id_size, id_size), name)) return false;
      if (!element(fields, offset_size, i, bytes)) return false;
      if (i) out_.push_back(',');
      out_.append_json_string(name);
      out_.push_back(':');
      if (!value(bytes, depth + 1)) return false;
    }
    out_.push_back('}');
    return true;
  }

  bool array(int header, std::string_view data, int depth) {
    const int offset_size = (header & 3) + 1;
    Layout items;
    if (!layout(data, (header >> 2) & 1, 0, offset_size, items)) return false;
    out_.push_back('[');
    for (uint64_t i = 0; i < items.count; ++i) {
      std::string_view bytes;
      if (!element(items, offset_size, i, bytes)) return false;
      if (i) out_.push_back(',');
      if (!value(bytes, depth + 1)) return false;
    }
    out_.push_back(']');
    return true;
  }

  TextBuffer& out_;
  std::string_view metadata_;
  int offset_size_ = 1;
  uint64_t dictionary_size_ = 0;
  std::string_view strings_;
};

bool is_binary(const arrow::Field& field) {
  return field.type.id == arrow::TypeId::kBinary || field.type.id == arrow::TypeId::kLargeBinary;
}

}  // namespace

bool is_variant_field(const arrow::Field& field) {
  if (field.type.id != arrow::TypeId::kStruct || field.children.size() != 2) return false;
  const arrow::Field& value = field.children[0];
  const arrow::Field& metadata = field.children[1];
  if (value.name != "value" || metadata.name != "metadata") return false;
  if (!is_binary(value) || !is_binary(metadata)) return false;
  return field.metadata_value("variant") == "true" || metadata.metadata_value("variant") == "true";
}

bool append_variant_json(TextBuffer& out, std::string_view value, std::string_view metadata) {
  const size_t start = out.size();
  Decoder decoder(out, metadata);
  if (decoder.open() && decoder.value(value, 0)) return true;
  out.truncate(start);
  out.append("{\"value\":");
  out.append_base64_string(value);
  out.append(",\"metadata\":");
  out.append_base64_string(metadata);
  out.push_back('}');
  return false;
}

}  // namespace lakegate::format
