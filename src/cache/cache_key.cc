#include "cache/cache_key.h"

#include <bit>

namespace lakegate::cache {

KeyBuilder& KeyBuilder::add(std::string_view text) {
  text_ += std::to_string(text.size());
  text_.push_back(':');
  text_.append(text);
  return *this;
}

KeyBuilder& KeyBuilder::add(int64_t number) {
  return add(std::string_view(std::to_string(number)));
}

KeyBuilder& KeyBuilder::add(const backend::Value& value) {
  using Kind = backend::Value::Kind;
  switch (value.kind) {
    case Kind::kNull:
      return add("n");
    case Kind::kBool:
      add("b");
      return add(value.bool_value);
    case Kind::kInt64:
      add("i");
      return add(value.int_value);
    case Kind::kDouble:
      // The exact bits: 0.1 and 0.1000000000000001 are different reads.
      add("f");
      return add(static_cast<int64_t>(std::bit_cast<uint64_t>(value.double_value)));
    case Kind::kDecimal:
      add("d");
      return add(std::string_view(value.text));
    case Kind::kString:
      add("s");
      return add(std::string_view(value.text));
    case Kind::kBinary:
      add("x");
      return add(std::string_view(value.text));
  }
  return add("?");
}

KeyBuilder& KeyBuilder::add(const backend::Statement& statement) {
  add("sql");
  add(std::string_view(statement.sql));
  add(static_cast<int64_t>(statement.session));
  add(static_cast<int64_t>(statement.positional.size()));
  for (const auto& value : statement.positional) add(value);
  add(static_cast<int64_t>(statement.named.size()));
  for (const auto& [name, value] : statement.named) {
    add(std::string_view(name));
    add(value);
  }
  return *this;
}

}  // namespace lakegate::cache
