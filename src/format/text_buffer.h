// TextBuffer: the growable output buffer of lakegate's writers. Unlike
// std::string it hands out raw room to write into (reserve + commit), so
// numbers, dates and keys are formatted in place without a temporary and a
// memcpy call per cell. Owns its memory; not thread-safe.
//
//   char* p = out.reserve(64);  p = write_something(p);  out.commit(p);
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "util/json_text.h"

namespace lakegate::format {

class TextBuffer {
 public:
  TextBuffer() = default;
  TextBuffer(const TextBuffer&) = delete;
  TextBuffer& operator=(const TextBuffer&) = delete;

  // Returns where to write at least `bytes` more bytes.
  char* reserve(size_t bytes) {
    if (static_cast<size_t>(limit_ - end_) < bytes) grow(bytes);
    return end_;
  }
  // Marks everything up to `end` (from reserve()) as written.
  void commit(char* end) { end_ = end; }

  void push_back(char c) { *reserve(1) = c, ++end_; }
  void append(std::string_view text) {
    char* p = reserve(text.size());
    std::memcpy(p, text.data(), text.size());
    end_ = p + text.size();
  }
  // Appends `text` as a quoted JSON string (util::append_json_string rules).
  void append_json_string(std::string_view text) {
    scratch_.clear();
    util::append_json_string(scratch_, text);
    append(scratch_);
  }

  // Appends `bytes` as a quoted base64 JSON string.
  void append_base64_string(std::string_view bytes) {
    scratch_.clear();
    scratch_.push_back('"');
    util::append_base64(scratch_, bytes);
    scratch_.push_back('"');
    append(scratch_);
  }

  std::string_view view() const { return {begin_, size()}; }
  size_t size() const { return static_cast<size_t>(end_ - begin_); }
  bool empty() const { return end_ == begin_; }
  char* data() { return begin_; }
  // Drops everything after the first `size` bytes. REQUIRES: size <= size().
  void truncate(size_t size) { end_ = begin_ + size; }
  void clear() { end_ = begin_; }

 private:
  void grow(size_t bytes) {
    const size_t used = size();
    size_t capacity = static_cast<size_t>(limit_ - begin_) * 2;
    if (capacity < used + bytes) capacity = used + bytes;
    if (capacity < 4096) capacity = 4096;
    std::unique_ptr<char[]> storage(new char[capacity]);
    if (used != 0) std::memcpy(storage.get(), begin_, used);
    storage_ = std::move(storage);
    begin_ = storage_.get();
    end_ = begin_ + used;
    limit_ = begin_ + capacity;
  }

  std::unique_ptr<char[]> storage_;
  char* begin_ = nullptr;
  char* end_ = nullptr;
  char* limit_ = nullptr;
  std::string scratch_;  // escaping through util (append_json_string, append_base64)
};

}  // namespace lakegate::format
