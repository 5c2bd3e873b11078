#include "util/json_text.h"

#include <array>
#include <cstdint>

namespace lakegate::util {
namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Length of the valid UTF-8 sequence starting at text[i], or 0 if invalid.
size_t utf8_sequence_length(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
  const uint8_t lead = byte(i);
  size_t length = 0;
  uint32_t min_code = 0;
  uint32_t code = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2, code = lead & 0x1F, min_code = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3, code = lead & 0x0F, min_code = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4, code = lead & 0x07, min_code = 0x10000;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    code = (code << 6) | (byte(i + k) & 0x3F);
  }
  if (code < min_code || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  return length;
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  size_t run_start = 0;
  const auto flush = [&](size_t end) { out.append(text.data() + run_start, end - run_start); };
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<uint8_t>(text[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      const size_t length = utf8_sequence_length(text, i);
      if (length > 0) {
        i += length;
        continue;
      }
      flush(i);
      out.append("\xEF\xBF\xBD");  // U+FFFD replacement character
      run_start = ++i;
      continue;
    }
    flush(i);
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      default:
        out.append("\\u00");
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
    }
    run_start = ++i;
  }
  flush(text.size());
  out.push_back('"');
}

void append_base64(std::string& out, std::string_view bytes) {
  size_t i = 0;
  const auto at = [&](size_t k) { return static_cast<uint32_t>(static_cast<uint8_t>(bytes[k])); };
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t triple = (at(i) << 16) | (at(i + 1) << 8) | at(i + 2);
    out.push_back(kBase64[(triple >> 18) & 63]);
    out.push_back(kBase64[(triple >> 12) & 63]);
    out.push_back(kBase64[(triple >> 6) & 63]);
    out.push_back(kBase64[triple & 63]);
  }
  const size_t rest = bytes.size() - i;
  if (rest == 1) {
    const uint32_t triple = at(i) << 16;
    out.push_back(kBase64[(triple >> 18) & 63]);
    out.push_back(kBase64[(triple >> 12) & 63]);
    out.append("==");
  } else if (rest == 2) {
    const uint32_t triple = (at(i) << 16) | (at(i + 1) << 8);
    out.push_back(kBase64[(triple >> 18) & 63]);
    out.push_back(kBase64[(triple >> 12) & 63]);
    out.push_back(kBase64[(triple >> 6) & 63]);
    out.push_back('=');
  }
}

bool decode_base64(std::string_view text, std::string& out) {
  std::array<int, 256> table{};
  table.fill(-1);
  for (int k = 0; k < 64; ++k) table[static_cast<uint8_t>(kBase64[k])] = k;
  if (text.size() % 4 != 0) return false;
  for (size_t i = 0; i < text.size(); i += 4) {
    int values[4];
    int padding = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = text[i + k];
      if (c == '=' && i + 4 == text.size() && k >= 2) {
        values[k] = 0;
        ++padding;
      } else if (padding > 0 || (values[k] = table[static_cast<uint8_t>(c)]) < 0) {
        return false;
      }
    }
    const uint32_t triple = (values[0] << 18) | (values[1] << 12) | (values[2] << 6) | values[3];
    out.push_back(static_cast<char>((triple >> 16) & 0xFF));
    if (padding < 2) out.push_back(static_cast<char>((triple >> 8) & 0xFF));
    if (padding < 1) out.push_back(static_cast<char>(triple & 0xFF));
  }
  return true;
}

}  // namespace lakegate::util
