#include "backend/hive_thrift/spark_type.h"

#include <cctype>
#include <charconv>

namespace lakegate::backend::hive_thrift {
namespace {

using arrow::TypeId;

arrow::DataType of(TypeId id, int bit_width = 0) {
  arrow::DataType type;
  type.id = id;
  type.bit_width = bit_width;
  return type;
}

class TypeParser {
 public:
  TypeParser(std::string_view text, const std::string& time_zone)
      : text_(text), time_zone_(time_zone) {}

  Result<arrow::Field> parse_all(std::string name) {
    arrow::Field field;
    field.name = std::move(name);
    if (!parse(field)) return failure();
    skip_space();
    if (position_ != text_.size()) return failure();
    return field;
  }

 private:
  Error failure() const {
    return Error(ErrorCode::kUnsupportedType, "cannot read the Spark type '" + std::string(text_) +
                                                  "' (at offset " + std::to_string(position_) +
                                                  ")");
  }
  void skip_space() {
    while (position_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[position_]))) {
      ++position_;
    }
  }
  bool take(char c) {
    skip_space();
    if (position_ < text_.size() && text_[position_] == c) {
      ++position_;
      return true;
    }
    return false;
  }
  std::string word() {
    skip_space();
    size_t start = position_;
    while (
        position_ < text_.size() &&
        (std::isalnum(static_cast<unsigned char>(text_[position_])) || text_[position_] == '_')) {
      ++position_;
    }
    std::string out(text_.substr(start, position_ - start));
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  }
  bool number(int& value) {
    skip_space();
    auto [end, ec] = std::from_chars(text_.data() + position_, text_.data() + text_.size(), value);
    if (ec != std::errc()) return false;
    position_ = end - text_.data();
    return true;
  }
  // A struct field name: `quoted` (`` doubles a backquote) or up to ':'.
  bool field_name(std::string& name) {
    skip_space();
    if (position_ < text_.size() && text_[position_] == '`') {
      ++position_;
      while (position_ < text_.size()) {
        char c = text_[position_++];
        if (c == '`') {
          if (position_ < text_.size() && text_[position_] == '`') {
            name.push_back('`');
            ++position_;
            continue;
          }
          return true;
        }
        name.push_back(c);
      }
      return false;
    }
    size_t colon = text_.find(':', position_);
    if (colon == std::string_view::npos) return false;
    name = std::string(text_.substr(position_, colon - position_));
    position_ = colon;
    return true;
  }
  // Skips "collate NAME" after string types.
  void skip_collation() {
    size_t saved = position_;
    if (word() == "collate") {
      word();
      return;
    }
    position_ = saved;
  }

  bool parse(arrow::Field& field) {
    const std::string name = word();
    if (name.empty()) return false;
    if (name == "boolean") {
      field.type = of(TypeId::kBool);
    } else if (name == "tinyint" || name == "byte") {
      field.type = of(TypeId::kInt, 8);
    } else if (name == "smallint" || name == "short") {
      field.type = of(TypeId::kInt, 16);
    } else if (name == "int" || name == "integer") {
      field.type = of(TypeId::kInt, 32);
    } else if (name == "bigint" || name == "long") {
      field.type = of(TypeId::kInt, 64);
    } else if (name == "float" || name == "real") {
      field.type = of(TypeId::kFloat, 32);
    } else if (name == "double") {
      field.type = of(TypeId::kFloat, 64);
    } else if (name == "decimal" || name == "numeric" || name == "dec") {
      field.type = of(TypeId::kDecimal, 128);
      field.type.precision = 10;
      if (take('(')) {
        if (!number(field.type.precision)) return false;
        if (take(',') && !number(field.type.scale)) return false;
        if (!take(')')) return false;
      }
    } else if (name == "string" || name == "char" || name == "varchar") {
      field.type = of(TypeId::kUtf8);
      if (take('(')) {
        int length;
        if (!number(length) || !take(')')) return false;
      }
      skip_collation();
    } else if (name == "binary") {
      field.type = of(TypeId::kBinary);
    } else if (name == "date") {
      field.type = of(TypeId::kDate);
    } else if (name == "timestamp" || name == "timestamp_ltz") {
      field.type = of(TypeId::kTimestamp);
      field.type.timezone = time_zone_;
    } else if (name == "timestamp_ntz") {
      field.type = of(TypeId::kTimestamp);
    } else if (name == "void") {
      field.type = of(TypeId::kNull);
    } else if (name == "interval") {
      const std::string start = word();
      std::string end = start;
      size_t saved = position_;
      if (word() == "to") {
        end = word();
      } else {
        position_ = saved;
      }
      if (start == "year" || start == "month") {
        field.type = of(TypeId::kInterval);
        field.type.interval_unit = arrow::IntervalUnit::kYearMonth;
      } else if (start == "day" || start == "hour" || start == "minute" || start == "second") {
        field.type = of(TypeId::kDuration);
        field.type.time_unit = arrow::TimeUnit::kMicro;
      } else {
        return false;  // CalendarInterval has no Arrow form in Spark either
      }
    } else if (name == "array") {
      field.type = of(TypeId::kList);
      arrow::Field element;
      element.name = "element";
      if (!take('<') || !parse(element) || !take('>')) return false;
      field.children.push_back(std::move(element));
    } else if (name == "map") {
      field.type = of(TypeId::kMap);
      arrow::Field entries;
      entries.name = "entries";
      entries.nullable = false;
      entries.type = of(TypeId::kStruct);
      arrow::Field key, value;
      key.name = "key";
      key.nullable = false;
      value.name = "value";
      if (!take('<') || !parse(key) || !take(',') || !parse(value) || !take('>')) return false;
      entries.children.push_back(std::move(key));
      entries.children.push_back(std::move(value));
      field.children.push_back(std::move(entries));
    } else if (name == "struct") {
      field.type = of(TypeId::kStruct);
      if (!take('<')) return false;
      if (take('>')) return true;
      do {
        arrow::Field member;
        if (!field_name(member.name) || !take(':') || !parse(member)) return false;
        skip_not_null_and_comment();
        field.children.push_back(std::move(member));
      } while (take(','));
      if (!take('>')) return false;
    } else {
      return false;  // variant, object, user-defined types
    }
    return true;
  }
  // "NOT NULL" and "COMMENT '…'" may follow a struct member in DDL form.
  void skip_not_null_and_comment() {
    size_t saved = position_;
    std::string next = word();
    if (next == "not") {
      if (word() != "null") position_ = saved;
      saved = position_;
      next = word();
    }
    if (next != "comment") {
      position_ = saved;
      return;
    }
    skip_space();
    if (position_ < text_.size() && text_[position_] == '\'') {
      ++position_;
      while (position_ < text_.size() && text_[position_] != '\'') {
        if (text_[position_] == '\\') ++position_;
        ++position_;
      }
      ++position_;
    }
  }

  std::string_view text_;
  const std::string& time_zone_;
  size_t position_ = 0;
};

}  // namespace

Result<arrow::Field> parse_spark_type(std::string_view text, std::string name,
                                      const std::string& time_zone) {
  return TypeParser(text, time_zone).parse_all(std::move(name));
}

bool contains_timestamp(const arrow::Field& field) {
  if (field.type.id == TypeId::kTimestamp) return true;
  for (const auto& child : field.children) {
    if (contains_timestamp(child)) return true;
  }
  return false;
}

}  // namespace lakegate::backend::hive_thrift
