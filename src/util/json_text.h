// Helpers that write JSON text: string escaping (RFC 8259, UTF-8 passed
// through, invalid UTF-8 replaced by U+FFFD so output is always valid JSON)
// and base64 for binary values. Used by every writer of JSON in lakegate.
#pragma once

#include <string>
#include <string_view>

namespace lakegate::util {

// Appends `text` as a quoted JSON string to `out`.
void append_json_string(std::string& out, std::string_view text);
// Appends standard base64 (RFC 4648, with padding) of `bytes` to `out`.
void append_base64(std::string& out, std::string_view bytes);
// Decodes standard base64; returns false on malformed input.
bool decode_base64(std::string_view text, std::string& out);

}  // namespace lakegate::util
