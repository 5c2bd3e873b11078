// A small JSON text writer for the metadata resources (_catalog, _schema,
// _spec, api_docs): objects and arrays are opened and closed in order and
// the writer puts the commas and colons. Strings go through
// util::append_json_string, so the output is always valid JSON. Misuse
// (a value where a key is due) is a bug, caught by assert. Not thread-safe.
//
//   JsonWriter json;
//   json.begin_object().key("resource").begin_array();
//   json.begin_object().field("catalog", name).end_object();
//   json.end_array().end_object();
//   std::string body = json.take();
#pragma once

#include <cassert>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/json_text.h"

namespace lakegate::api {

class JsonWriter {
 public:
  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }

  JsonWriter& key(std::string_view name) {
    assert(!stack_.empty() && stack_.back().is_object && !after_key_);
    comma();
    util::append_json_string(out_, name);
    out_.push_back(':');
    after_key_ = true;
    return *this;
  }

  JsonWriter& value(std::string_view text) {
    before_value();
    util::append_json_string(out_, text);
    return *this;
  }
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
  JsonWriter& value(bool flag) {
    before_value();
    out_.append(flag ? "true" : "false");
    return *this;
  }
  JsonWriter& value(int64_t number) {
    before_value();
    out_.append(std::to_string(number));
    return *this;
  }
  JsonWriter& value(int number) { return value(static_cast<int64_t>(number)); }
  JsonWriter& null() {
    before_value();
    out_.append("null");
    return *this;
  }
  // Already-valid JSON text (e.g. another writer's output).
  JsonWriter& raw(std::string_view json) {
    before_value();
    out_.append(json);
    return *this;
  }

  // key(name) followed by value(v).
  template <typename T>
  JsonWriter& field(std::string_view name, const T& v) {
    key(name);
    return value(v);
  }
  JsonWriter& null_field(std::string_view name) {
    key(name);
    return null();
  }
  // A JSON array of strings.
  JsonWriter& string_array(const std::vector<std::string>& items) {
    begin_array();
    for (const auto& item : items) value(item);
    return end_array();
  }

  // The text written so far; the writer is empty afterwards.
  std::string take() {
    assert(stack_.empty());
    std::string text = std::move(out_);
    out_.clear();
    return text;
  }

 private:
  struct Level {
    bool is_object;
    bool has_items;
  };

  void comma() {
    if (!stack_.empty()) {
      if (stack_.back().has_items) out_.push_back(',');
      stack_.back().has_items = true;
    }
  }
  void before_value() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    assert(stack_.empty() || !stack_.back().is_object);
    comma();
  }
  JsonWriter& open(char bracket) {
    before_value();
    out_.push_back(bracket);
    stack_.push_back({bracket == '{', false});
    return *this;
  }
  JsonWriter& close(char bracket) {
    assert(!stack_.empty() && !after_key_);
    out_.push_back(bracket);
    stack_.pop_back();
    return *this;
  }

  std::string out_;
  std::vector<Level> stack_;
  bool after_key_ = false;
};

}  // namespace lakegate::api
