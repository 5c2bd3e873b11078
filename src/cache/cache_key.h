// The key of a cached answer: every input that decides the answer, written
// as one unambiguous text (each field length-prefixed, each bound value
// tagged with its kind), so different inputs can never produce the same key
// — no hash, no collision. Callers add what their answer depends on: the
// resource, the statement with its bound values (which carry the caller's
// row filter and visible columns, and a Delta read's pinned version), the
// output format and the rendering options.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/backend.h"

namespace lakegate::cache {

class KeyBuilder {
 public:
  KeyBuilder& add(std::string_view text);
  KeyBuilder& add(int64_t number);
  KeyBuilder& add(bool flag) { return add(std::string_view(flag ? "1" : "0")); }
  KeyBuilder& add(const char* text) { return add(std::string_view(text)); }
  KeyBuilder& add(const backend::Value& value);
  // The SQL, every positional and named value, and the session kind.
  KeyBuilder& add(const backend::Statement& statement);

  const std::string& text() const { return text_; }
  std::string take() { return std::move(text_); }

 private:
  std::string text_;
};

}  // namespace lakegate::cache
