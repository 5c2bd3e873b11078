#include "backend/spark_type.h"

#include <cctype>
#include <optional>

#include "util/ascii.h"

namespace lakegate::backend {
namespace {

using Kind = SparkType::Kind;

// A recursive-descent reader over the type text. Every parse_* returns
// nullopt on text it does not understand; the caller then gives kUnknown.
class TypeReader {
 public:
  explicit TypeReader(std::string_view text) : text_(text) {}

  std::optional<SparkType> parse_all() {
    auto type = parse_type();
    skip_spaces();
    if (!type || position_ != text_.size()) return std::nullopt;
    return type;
  }

 private:
  void skip_spaces() {
    while (position_ < text_.size() && util::is_ascii_space(text_[position_])) ++position_;
  }
  bool consume(char c) {
    skip_spaces();
    if (position_ < text_.size() && text_[position_] == c) {
      ++position_;
      return true;
    }
    return false;
  }
  // A word of letters, digits and '_'.
  std::string word() {
    skip_spaces();
    size_t start = position_;
    while (
        position_ < text_.size() &&
        (std::isalnum(static_cast<unsigned char>(text_[position_])) || text_[position_] == '_')) {
      ++position_;
    }
    return util::ascii_lower(text_.substr(start, position_ - start));
  }
  std::optional<int> number() {
    skip_spaces();
    size_t start = position_;
    int value = 0;
    while (position_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[position_]))) {
      value = value * 10 + (text_[position_] - '0');
      if (value > 1000000) return std::nullopt;
      ++position_;
    }
    if (position_ == start) return std::nullopt;
    return value;
  }
  // Peeks whether the next word is `expected` (without consuming it).
  bool next_word_is(std::string_view expected) {
    size_t saved = position_;
    bool is = word() == expected;
    position_ = saved;
    return is;
  }

  std::optional<SparkType> parse_type() {
    skip_spaces();
    const size_t start = position_;
    SparkType type;
    std::string name = word();
    if (name.empty()) return std::nullopt;
    if (name == "boolean") {
      type.kind = Kind::kBoolean;
    } else if (name == "tinyint" || name == "byte") {
      type.kind = Kind::kTinyInt;
    } else if (name == "smallint" || name == "short") {
      type.kind = Kind::kSmallInt;
    } else if (name == "int" || name == "integer") {
      type.kind = Kind::kInt;
    } else if (name == "bigint" || name == "long") {
      type.kind = Kind::kBigInt;
    } else if (name == "float" || name == "real") {
      type.kind = Kind::kFloat;
    } else if (name == "double") {
      type.kind = Kind::kDouble;
    } else if (name == "decimal" || name == "dec" || name == "numeric") {
      type.kind = Kind::kDecimal;
      type.precision = 10;  // Spark's default: decimal == decimal(10,0)
      if (consume('(')) {
        auto precision = number();
        if (!precision) return std::nullopt;
        type.precision = *precision;
        if (consume(',')) {
          auto scale = number();
          if (!scale) return std::nullopt;
          type.scale = *scale;
        }
        if (!consume(')')) return std::nullopt;
      }
    } else if (name == "string") {
      type.kind = Kind::kString;
      if (next_word_is("collate")) {
        word();
        if (word().empty()) return std::nullopt;
      }
    } else if (name == "varchar" || name == "char" || name == "character") {
      type.kind = name == "varchar" ? Kind::kVarchar : Kind::kChar;
      if (!consume('(')) return std::nullopt;
      auto length = number();
      if (!length || !consume(')')) return std::nullopt;
      type.length = *length;
    } else if (name == "binary") {
      type.kind = Kind::kBinary;
    } else if (name == "date") {
      type.kind = Kind::kDate;
    } else if (name == "timestamp" || name == "timestamp_ltz") {
      type.kind = Kind::kTimestamp;
    } else if (name == "timestamp_ntz") {
      type.kind = Kind::kTimestampNtz;
    } else if (name == "interval") {
      if (!parse_interval(type)) return std::nullopt;
    } else if (name == "array") {
      type.kind = Kind::kArray;
      if (!consume('<')) return std::nullopt;
      auto element = parse_type();
      if (!element || !consume('>')) return std::nullopt;
      type.elements.push_back(std::move(*element));
    } else if (name == "map") {
      type.kind = Kind::kMap;
      if (!consume('<')) return std::nullopt;
      auto key = parse_type();
      if (!key || !consume(',')) return std::nullopt;
      auto value = parse_type();
      if (!value || !consume('>')) return std::nullopt;
      type.elements.push_back(std::move(*key));
      type.elements.push_back(std::move(*value));
    } else if (name == "struct") {
      type.kind = Kind::kStruct;
      if (!parse_struct_fields(type)) return std::nullopt;
    } else if (name == "variant") {
      type.kind = Kind::kVariant;
    } else if (name == "void" || name == "null") {
      type.kind = Kind::kVoid;
    } else {
      return std::nullopt;
    }
    type.text = std::string(text_.substr(start, position_ - start));
    return type;
  }

  // After "interval": "year to month", "year", "month", "day to second",
  // "hour", ... or nothing (the legacy calendar interval).
  bool parse_interval(SparkType& type) {
    size_t saved = position_;
    std::string from = word();
    if (from.empty()) {
      position_ = saved;
      type.kind = Kind::kCalendarInterval;
      return true;
    }
    if (from == "year" || from == "month") {
      type.kind = Kind::kYearMonthInterval;
    } else if (from == "day" || from == "hour" || from == "minute" || from == "second") {
      type.kind = Kind::kDayTimeInterval;
    } else {
      position_ = saved;
      type.kind = Kind::kCalendarInterval;
      return true;
    }
    if (next_word_is("to")) {
      word();
      if (word().empty()) return false;
    }
    return true;
  }

  // "<name:type,name:type>" where a name may be back-quoted; "struct<>" is empty.
  bool parse_struct_fields(SparkType& type) {
    if (!consume('<')) return false;
    if (consume('>')) return true;
    while (true) {
      auto name = field_name();
      if (!name || !consume(':')) return false;
      auto field_type = parse_type();
      if (!field_type) return false;
      skip_field_options();
      field_type->name = std::move(*name);
      type.fields.push_back(std::move(*field_type));
      if (consume('>')) return true;
      if (!consume(',')) return false;
    }
  }
  // `quoted` (`` inside for a backquote), or the text up to the next ':'
  // (possibly empty: Spark allows an empty field name).
  std::optional<std::string> field_name() {
    skip_spaces();
    std::string name;
    if (position_ < text_.size() && text_[position_] == '`') {
      ++position_;
      while (position_ < text_.size()) {
        char c = text_[position_++];
        if (c != '`') {
          name.push_back(c);
        } else if (position_ < text_.size() && text_[position_] == '`') {
          name.push_back('`');
          ++position_;
        } else {
          return name;
        }
      }
      return std::nullopt;
    }
    const size_t colon = text_.find(':', position_);
    if (colon == std::string_view::npos) return std::nullopt;
    name = std::string(text_.substr(position_, colon - position_));
    position_ = colon;
    return name;
  }
  // " NOT NULL" and " COMMENT '...'" after a field type (DDL form).
  void skip_field_options() {
    while (true) {
      size_t saved = position_;
      std::string next = word();
      if (next == "not" && word() == "null") continue;
      if (next == "comment") {
        skip_spaces();
        if (position_ < text_.size() && (text_[position_] == '\'' || text_[position_] == '"')) {
          char quote = text_[position_++];
          while (position_ < text_.size() && text_[position_] != quote) {
            if (text_[position_] == '\\') ++position_;
            ++position_;
          }
          ++position_;
          continue;
        }
      }
      position_ = saved;
      return;
    }
  }

  std::string_view text_;
  size_t position_ = 0;
};

}  // namespace

SparkType parse_spark_type(std::string_view text) {
  text = util::trim_whitespace(text);
  TypeReader reader(text);
  if (auto type = reader.parse_all()) return std::move(*type);
  SparkType unknown;
  unknown.text = std::string(text);
  return unknown;
}

}  // namespace lakegate::backend
