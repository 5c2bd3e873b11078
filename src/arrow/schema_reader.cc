#include "arrow/schema_reader.h"

#include <string>

#include "arrow/ipc_message.h"

namespace lakegate::arrow::internal {
namespace {

// Deeper nesting is refused (the flatbuffer verifier also bounds it).
constexpr int kMaxDepth = 48;

std::string to_string(const flatbuffers::String* text) {
  return text == nullptr ? std::string() : std::string(text->string_view());
}

KeyValueMetadata read_metadata(const flatbuffers::Vector<flatbuffers::Offset<fb::KeyValue>>* list) {
  KeyValueMetadata out;
  if (list == nullptr) return out;
  for (const fb::KeyValue* entry : *list) {
    out.emplace_back(to_string(entry->key()), to_string(entry->value()));
  }
  return out;
}

bool valid_time_unit(int unit) {
  return unit >= 0 && unit <= 3;
}

// Fills `type` from the Type union of `field`; the child count is checked by the caller.
Status read_type(const fb::Field& field, DataType& type) {
  if (field.type_type() != fb::Type::NONE && field.type() == nullptr) {
    return protocol_error("field type without its parameters");
  }
  switch (field.type_type()) {
    case fb::Type::Null:
      type.id = TypeId::kNull;
      return {};
    case fb::Type::Bool:
      type.id = TypeId::kBool;
      return {};
    case fb::Type::Utf8:
      type.id = TypeId::kUtf8;
      return {};
    case fb::Type::LargeUtf8:
      type.id = TypeId::kLargeUtf8;
      return {};
    case fb::Type::Binary:
      type.id = TypeId::kBinary;
      return {};
    case fb::Type::LargeBinary:
      type.id = TypeId::kLargeBinary;
      return {};
    case fb::Type::List:
      type.id = TypeId::kList;
      return {};
    case fb::Type::LargeList:
      type.id = TypeId::kLargeList;
      return {};
    case fb::Type::Struct_:
      type.id = TypeId::kStruct;
      return {};
    case fb::Type::Int: {
      const auto* t = field.type_as_Int();
      type.id = TypeId::kInt;
      type.bit_width = t->bit_width();
      type.is_signed = t->is_signed();
      if (type.bit_width != 8 && type.bit_width != 16 && type.bit_width != 32 &&
          type.bit_width != 64) {
        return protocol_error("invalid Int bit width " + std::to_string(type.bit_width));
      }
      return {};
    }
    case fb::Type::FloatingPoint: {
      const auto precision = static_cast<int>(field.type_as_FloatingPoint()->precision());
      if (precision < 0 || precision > 2) return protocol_error("invalid float precision");
      type.id = TypeId::kFloat;
      type.bit_width = 16 << precision;
      return {};
    }
    case fb::Type::Decimal: {
      const auto* t = field.type_as_Decimal();
      type.id = TypeId::kDecimal;
      type.precision = t->precision();
      type.scale = t->scale();
      type.bit_width = t->bit_width();
      if (type.bit_width != 32 && type.bit_width != 64 && type.bit_width != 128 &&
          type.bit_width != 256) {
        return protocol_error("invalid Decimal bit width " + std::to_string(type.bit_width));
      }
      if (type.precision < 1 || type.precision > 76 || type.scale < -76 || type.scale > 76) {
        return protocol_error("invalid Decimal precision or scale");
      }
      return {};
    }
    case fb::Type::Date: {
      const auto unit = static_cast<int>(field.type_as_Date()->unit());
      if (unit != 0 && unit != 1) return protocol_error("invalid Date unit");
      type.id = TypeId::kDate;
      type.date_unit = static_cast<DateUnit>(unit);
      return {};
    }
    case fb::Type::Time: {
      const auto* t = field.type_as_Time();
      const auto unit = static_cast<int>(t->unit());
      if (!valid_time_unit(unit)) return protocol_error("invalid Time unit");
      type.id = TypeId::kTime;
      type.time_unit = static_cast<TimeUnit>(unit);
      type.bit_width = t->bit_width();
      if (type.bit_width != (unit <= 1 ? 32 : 64)) return protocol_error("invalid Time bit width");
      return {};
    }
    case fb::Type::Timestamp: {
      const auto* t = field.type_as_Timestamp();
      const auto unit = static_cast<int>(t->unit());
      if (!valid_time_unit(unit)) return protocol_error("invalid Timestamp unit");
      type.id = TypeId::kTimestamp;
      type.time_unit = static_cast<TimeUnit>(unit);
      type.timezone = to_string(t->timezone());
      return {};
    }
    case fb::Type::Duration: {
      const auto unit = static_cast<int>(field.type_as_Duration()->unit());
      if (!valid_time_unit(unit)) return protocol_error("invalid Duration unit");
      type.id = TypeId::kDuration;
      type.time_unit = static_cast<TimeUnit>(unit);
      return {};
    }
    case fb::Type::Interval: {
      const auto unit = static_cast<int>(field.type_as_Interval()->unit());
      if (unit < 0 || unit > 2) return protocol_error("invalid Interval unit");
      type.id = TypeId::kInterval;
      type.interval_unit = static_cast<IntervalUnit>(unit);
      return {};
    }
    case fb::Type::FixedSizeBinary: {
      type.id = TypeId::kFixedSizeBinary;
      type.fixed_size = field.type_as_FixedSizeBinary()->byte_width();
      if (type.fixed_size < 1) return protocol_error("invalid FixedSizeBinary width");
      return {};
    }
    case fb::Type::FixedSizeList: {
      type.id = TypeId::kFixedSizeList;
      type.fixed_size = field.type_as_FixedSizeList()->list_size();
      if (type.fixed_size < 0) return protocol_error("invalid FixedSizeList size");
      return {};
    }
    case fb::Type::Map: {
      type.id = TypeId::kMap;
      type.keys_sorted = field.type_as_Map()->keys_sorted();
      return {};
    }
    case fb::Type::NONE:
      return protocol_error("field without a type");
    default:
      return Error(ErrorCode::kProtocol, "Arrow IPC: unsupported type (union type byte " +
                                             std::to_string(static_cast<int>(field.type_type())) +
                                             ")");
  }
}

Status check_children(const Field& field) {
  size_t expected = 0;
  switch (field.type.id) {
    case TypeId::kStruct:
      return {};
    case TypeId::kList:
    case TypeId::kLargeList:
    case TypeId::kFixedSizeList:
      expected = 1;
      break;
    case TypeId::kMap: {
      if (field.children.size() != 1 || field.children[0].type.id != TypeId::kStruct ||
          field.children[0].children.size() != 2) {
        return protocol_error("Map field '" + field.name + "' needs a struct of key and value");
      }
      return {};
    }
    default:
      break;
  }
  if (field.children.size() != expected) {
    return protocol_error("field '" + field.name + "' has a wrong number of children");
  }
  return {};
}

Status read_field(const fb::Field& source, Field& out, int depth) {
  if (depth > kMaxDepth) return protocol_error("schema nested too deeply");
  out.name = to_string(source.name());
  out.nullable = source.nullable();
  if (source.dictionary() != nullptr) {
    return protocol_error("dictionary-encoded field '" + out.name + "' is not supported");
  }
  if (auto status = read_type(source, out.type); !status) return status;
  if (const auto* children = source.children()) {
    out.children.resize(children->size());
    for (flatbuffers::uoffset_t i = 0; i < children->size(); ++i) {
      if (auto status = read_field(*children->Get(i), out.children[i], depth + 1); !status) {
        return status;
      }
    }
  }
  out.metadata = read_metadata(source.custom_metadata());
  return check_children(out);
}

}  // namespace

Result<Schema> read_schema(const fb::Schema& source) {
  if (source.endianness() != fb::Endianness::Little) {
    return protocol_error("big-endian data is not supported");
  }
  Schema schema;
  if (const auto* fields = source.fields()) {
    schema.fields.resize(fields->size());
    for (flatbuffers::uoffset_t i = 0; i < fields->size(); ++i) {
      if (auto status = read_field(*fields->Get(i), schema.fields[i], 0); !status) {
        return status.error();
      }
    }
  }
  schema.metadata = read_metadata(source.custom_metadata());
  return schema;
}

}  // namespace lakegate::arrow::internal
