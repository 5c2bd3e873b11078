#include "backend/hive_thrift/json_decoder.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "backend/hive_thrift/text_values.h"
#include "util/json_text.h"

namespace lakegate::backend::hive_thrift {
namespace {

using arrow::TypeId;

Error malformed(std::string_view what, size_t position) {
  return Error(ErrorCode::kProtocol, "malformed JSON from to_json (" + std::string(what) +
                                         " at offset " + std::to_string(position) + ")");
}

void append_utf8(std::string& out, uint32_t code_point) {
  if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

bool parse_double_text(std::string_view text, double& value) {
  if (text == "NaN") {
    value = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (text == "Infinity" || text == "+Infinity") {
    value = std::numeric_limits<double>::infinity();
    return true;
  }
  if (text == "-Infinity") {
    value = -std::numeric_limits<double>::infinity();
    return true;
  }
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

bool parse_float_text(std::string_view text, float& value) {
  if (text == "NaN" || text == "Infinity" || text == "+Infinity" || text == "-Infinity") {
    double wide;
    parse_double_text(text, wide);
    value = static_cast<float>(wide);
    return true;
  }
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

class JsonReader {
 public:
  explicit JsonReader(std::string_view text) : text_(text) {}

  Result<void> value(OwnedArray& array, const arrow::Field& field) {
    skip_space();
    if (literal("null")) {
      append_null(array, field);
      return {};
    }
    switch (field.type.id) {
      case TypeId::kList:
        return list(array, field);
      case TypeId::kMap:
        return map(array, field);
      case TypeId::kStruct:
        return structure(array, field);
      case TypeId::kBool:
        if (bool truth = literal("true"); truth || literal("false")) {
          array.push_bit(truth);
          array.push_validity(true);
          return {};
        }
        return malformed("boolean expected", position_);
      default:
        break;
    }
    std::string scalar;
    if (peek() == '"') {
      if (!string(scalar)) return malformed("bad string", position_);
      if (field.type.id == TypeId::kBinary) {
        std::string bytes;
        if (!util::decode_base64(scalar, bytes)) return malformed("bad base64", position_);
        scalar = std::move(bytes);
      }
      return append_scalar_text(array, field, scalar);
    }
    std::string_view token = number_token();
    if (token.empty()) return malformed("value expected", position_);
    return append_scalar_text(array, field, token);
  }

  Result<void> finish() {
    skip_space();
    if (position_ != text_.size()) return malformed("trailing characters", position_);
    return {};
  }

 private:
  void skip_space() {
    while (position_ < text_.size() && (text_[position_] == ' ' || text_[position_] == '\n' ||
                                        text_[position_] == '\t' || text_[position_] == '\r')) {
      ++position_;
    }
  }
  char peek() {
    skip_space();
    return position_ < text_.size() ? text_[position_] : '\0';
  }
  bool take(char c) {
    if (peek() != c) return false;
    ++position_;
    return true;
  }
  bool literal(std::string_view word) {
    if (text_.substr(position_, word.size()) != word) return false;
    position_ += word.size();
    return true;
  }
  std::string_view number_token() {
    size_t start = position_;
    while (position_ < text_.size()) {
      char c = text_[position_];
      if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') {
        ++position_;
      } else {
        break;
      }
    }
    return text_.substr(start, position_ - start);
  }
  bool hex4(uint32_t& value) {
    if (position_ + 4 > text_.size()) return false;
    value = 0;
    for (int i = 0; i < 4; ++i) {
      char c = text_[position_++];
      value <<= 4;
      if (c >= '0' && c <= '9') {
        value |= c - '0';
      } else if (c >= 'a' && c <= 'f') {
        value |= c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        value |= c - 'A' + 10;
      } else {
        return false;
      }
    }
    return true;
  }
  bool string(std::string& out) {
    if (!take('"')) return false;
    while (position_ < text_.size()) {
      char c = text_[position_++];
      if (c == '"') return true;
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (position_ >= text_.size()) return false;
      char escape = text_[position_++];
      switch (escape) {
        case '"':
          out.push_back('"');
          break;
        case '\\':
          out.push_back('\\');
          break;
        case '/':
          out.push_back('/');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          uint32_t unit;
          if (!hex4(unit)) return false;
          if (unit >= 0xD800 && unit <= 0xDBFF && text_.substr(position_, 2) == "\\u") {
            size_t saved = position_;
            position_ += 2;
            uint32_t low;
            if (hex4(low) && low >= 0xDC00 && low <= 0xDFFF) {
              unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
            } else {
              position_ = saved;
            }
          }
          append_utf8(out, unit);
          break;
        }
        default:
          return false;
      }
    }
    return false;
  }
  bool skip_value() {
    char c = peek();
    if (c == '"') {
      std::string ignored;
      return string(ignored);
    }
    if (c == '[' || c == '{') {
      const char close = c == '[' ? ']' : '}';
      ++position_;
      if (take(close)) return true;
      do {
        if (close == '}') {
          std::string key;
          if (!string(key) || !take(':')) return false;
        }
        if (!skip_value()) return false;
      } while (take(','));
      return take(close);
    }
    if (literal("null") || literal("true") || literal("false")) return true;
    return !number_token().empty();
  }

  Result<void> list(OwnedArray& array, const arrow::Field& field) {
    if (!take('[')) return malformed("array expected", position_);
    OwnedArray& elements = array.children[0];
    if (!take(']')) {
      do {
        if (auto ok = value(elements, field.children[0]); !ok) return ok;
      } while (take(','));
      if (!take(']')) return malformed("']' expected", position_);
    }
    array.push_offset(elements.length);
    array.push_validity(true);
    return {};
  }

  Result<void> map(OwnedArray& array, const arrow::Field& field) {
    if (!take('{')) return malformed("object expected", position_);
    OwnedArray& entries = array.children[0];
    const arrow::Field& entry_field = field.children[0];
    if (!take('}')) {
      do {
        std::string key;
        if (!string(key) || !take(':')) return malformed("map key expected", position_);
        if (auto ok = append_scalar_text(entries.children[0], entry_field.children[0], key); !ok) {
          return ok;
        }
        if (auto ok = value(entries.children[1], entry_field.children[1]); !ok) return ok;
        entries.push_validity(true);
      } while (take(','));
      if (!take('}')) return malformed("'}' expected", position_);
    }
    array.push_offset(entries.length);
    array.push_validity(true);
    return {};
  }

  Result<void> structure(OwnedArray& array, const arrow::Field& field) {
    if (!take('{')) return malformed("object expected", position_);
    const size_t count = field.children.size();
    std::vector<bool> seen(count, false);
    size_t next = 0;  // to_json writes members in order
    if (!take('}')) {
      do {
        std::string key;
        if (!string(key) || !take(':')) return malformed("member name expected", position_);
        size_t index = count;
        if (next < count && !seen[next] && field.children[next].name == key) {
          index = next;
        } else {
          for (size_t i = 0; i < count; ++i) {
            if (!seen[i] && field.children[i].name == key) {
              index = i;
              break;
            }
          }
        }
        if (index == count) {
          if (!skip_value()) return malformed("bad value", position_);
          continue;
        }
        if (auto ok = value(array.children[index], field.children[index]); !ok) return ok;
        seen[index] = true;
        next = index + 1;
      } while (take(','));
      if (!take('}')) return malformed("'}' expected", position_);
    }
    for (size_t i = 0; i < count; ++i) {
      if (!seen[i]) append_null(array.children[i], field.children[i]);
    }
    array.push_validity(true);
    return {};
  }

  std::string_view text_;
  size_t position_ = 0;
};

}  // namespace

const char* json_options_sql() {
  return "map('timestampFormat', 'yyyy-MM-dd HH:mm:ss.SSSSSS', "
         "'timestampNTZFormat', 'yyyy-MM-dd HH:mm:ss.SSSSSS', 'dateFormat', 'yyyy-MM-dd', "
         "'timeZone', 'UTC', 'ignoreNullFields', 'false')";
}

Result<void> append_json(OwnedArray& array, const arrow::Field& field, std::string_view json) {
  JsonReader reader(json);
  if (auto ok = reader.value(array, field); !ok) return ok;
  return reader.finish();
}

Result<void> append_scalar_text(OwnedArray& array, const arrow::Field& field,
                                std::string_view text) {
  auto bad = [&]() {
    return Error(ErrorCode::kProtocol, "cannot read '" + std::string(text.substr(0, 60)) +
                                           "' as a value of column " + field.name);
  };
  switch (field.type.id) {
    case TypeId::kUtf8:
    case TypeId::kBinary:
      array.values.insert(array.values.end(), text.begin(), text.end());
      array.push_offset(static_cast<int64_t>(array.values.size()));
      break;
    case TypeId::kBool:
      if (text != "true" && text != "false") return bad();
      array.push_bit(text == "true");
      break;
    case TypeId::kInt: {
      int64_t value;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (ec != std::errc() || end != text.data() + text.size()) return bad();
      switch (field.type.bit_width) {
        case 8:
          array.push_value<int8_t>(static_cast<int8_t>(value));
          break;
        case 16:
          array.push_value<int16_t>(static_cast<int16_t>(value));
          break;
        case 32:
          array.push_value<int32_t>(static_cast<int32_t>(value));
          break;
        default:
          array.push_value<int64_t>(value);
          break;
      }
      break;
    }
    case TypeId::kFloat:
      if (field.type.bit_width == 32) {
        float value;
        if (!parse_float_text(text, value)) return bad();
        array.push_value<float>(value);
      } else {
        double value;
        if (!parse_double_text(text, value)) return bad();
        array.push_value<double>(value);
      }
      break;
    case TypeId::kDecimal: {
      __int128 unscaled;
      if (!parse_decimal(text, field.type.scale, unscaled)) return bad();
      array.push_value<__int128>(unscaled);
      break;
    }
    case TypeId::kDate: {
      int32_t days;
      if (!parse_date(text, days)) return bad();
      array.push_value<int32_t>(days);
      break;
    }
    case TypeId::kTimestamp: {
      int64_t micros;
      if (!parse_timestamp(text, micros)) return bad();
      array.push_value<int64_t>(micros);
      break;
    }
    case TypeId::kInterval: {
      int32_t months;
      if (!parse_year_month_interval(text, months)) return bad();
      array.push_value<int32_t>(months);
      break;
    }
    case TypeId::kDuration: {
      int64_t micros;
      if (!parse_day_time_interval(text, micros)) return bad();
      array.push_value<int64_t>(micros);
      break;
    }
    default:
      return Error(ErrorCode::kUnsupportedType,
                   "column " + field.name + " has a type lakegate cannot read from text");
  }
  array.push_validity(true);
  return {};
}

}  // namespace lakegate::backend::hive_thrift
