#include "api/table/table_paging.h"

#include <charconv>
#include <cstdio>
#include <cstring>
#include <vector>

#include "api/table/table_request_parser.h"
#include "crypto/crypto.h"
#include "util/ascii.h"

namespace lakegate::api {
namespace {

// Keys the cursor check so a client cannot forge one by hashing the fields
// itself with plain FNV; not a secret (a forged cursor can only name an
// offset and version the client could ask for directly).
constexpr std::string_view kCursorKey = "lakegate-cursor-v1";
constexpr std::string_view kCursorPrefix = "lgc1";

std::string hex(uint64_t value) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
  return text;
}

bool parse_hex(std::string_view text, uint64_t& out) {
  if (text.size() != 16) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out, 16);
  return ec == std::errc() && end == text.data() + text.size();
}

bool parse_int(std::string_view text, int64_t& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size() && out >= 0;
}

uint64_t cursor_check(std::string_view payload) {
  return QueryHasher().add(kCursorKey).add(payload).value();
}

void add_value(QueryHasher& hasher, const sql::ClientValue& value) {
  hasher.add(static_cast<int64_t>(value.scalar.kind));
  hasher.add(value.scalar.text).add(value.scalar.int_value).add(value.scalar.bool_value ? 1 : 0);
  int64_t bits = 0;
  static_assert(sizeof(bits) == sizeof(value.scalar.double_value));
  std::memcpy(&bits, &value.scalar.double_value, sizeof bits);
  hasher.add(bits).add(value.json);
}

Error bad_cursor(std::string why) {
  return Error(ErrorCode::kBadRequest, "Invalid cursor: " + std::move(why) + ".");
}

}  // namespace

void QueryHasher::mix(const void* data, size_t size) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < size; ++i) {
    hash_ ^= bytes[i];
    hash_ *= 1099511628211ull;
  }
}

QueryHasher& QueryHasher::add(std::string_view part) {
  const uint64_t size = part.size();
  mix(&size, sizeof size);
  mix(part.data(), part.size());
  return *this;
}

QueryHasher& QueryHasher::add(int64_t number) {
  mix(&number, sizeof number);
  return *this;
}

uint64_t paging_hash(const catalog::TableName& table, const TableOptions& options, int64_t limit,
                     std::string_view format) {
  const sql::ReadRequest& read = options.read;
  QueryHasher hasher;
  hasher.add(table.catalog).add(table.schema).add(table.table);
  hasher.add("fields").add(static_cast<int64_t>(read.fields.size()));
  for (const auto& field : read.fields) hasher.add(field);
  hasher.add("filter").add(read.filter);
  hasher.add("params").add(static_cast<int64_t>(read.params.size()));
  for (const auto& [name, value] : read.params) {
    hasher.add(name);
    add_value(hasher, value);
  }
  hasher.add("order").add(static_cast<int64_t>(read.order.size()));
  for (const auto& term : read.order) {
    hasher.add(term.column).add(term.descending ? 1 : 0);
    hasher.add(term.nulls_first ? (*term.nulls_first ? 1 : 2) : 0);
  }
  hasher.add("group").add(static_cast<int64_t>(read.group.size()));
  for (const auto& column : read.group) hasher.add(column);
  hasher.add("ids").add(static_cast<int64_t>(read.ids.size()));
  for (const auto& id : read.ids) hasher.add(id);
  hasher.add("id_fields").add(static_cast<int64_t>(read.id_fields.size()));
  for (const auto& column : read.id_fields) hasher.add(column);
  hasher.add("limit").add(limit);
  hasher.add("flags").add((options.include_count ? 1 : 0) | (options.count_only ? 2 : 0) |
                          (options.as_list ? 4 : 0) | (options.include_schema ? 8 : 0) |
                          (options.history ? 16 : 0));
  hasher.add("format").add(format).add(options.file);
  return hasher.value();
}

std::string encode_cursor(const PageCursor& cursor) {
  std::string payload(kCursorPrefix);
  for (const std::string& part :
       {std::to_string(cursor.version), std::to_string(cursor.offset), hex(cursor.query_hash)}) {
    payload.push_back('.');
    payload += part;
  }
  const std::string check = hex(cursor_check(payload));
  payload.push_back('.');
  payload += check;
  return crypto::base64url_encode(payload);
}

Result<PageCursor> decode_cursor(std::string_view text, uint64_t expected_hash) {
  std::string payload;
  if (text.size() > 256 || !crypto::base64url_decode(text, payload))
    return bad_cursor("not base64url");
  std::vector<std::string_view> parts;
  std::string_view rest = payload;
  while (true) {
    const size_t dot = rest.find('.');
    parts.push_back(rest.substr(0, dot));
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  PageCursor cursor;
  uint64_t check = 0;
  if (parts.size() != 5 || parts[0] != kCursorPrefix || !parse_int(parts[1], cursor.version) ||
      !parse_int(parts[2], cursor.offset) || !parse_hex(parts[3], cursor.query_hash) ||
      !parse_hex(parts[4], check)) {
    return bad_cursor("malformed");
  }
  const std::string_view signed_part(payload.data(), payload.size() - parts[4].size() - 1);
  if (cursor_check(signed_part) != check) return bad_cursor("checksum mismatch");
  if (cursor.query_hash != expected_hash) {
    return bad_cursor("it belongs to a different query (filter, fields, order, limit … changed)");
  }
  return cursor;
}

std::string make_etag(int64_t version, uint64_t query_hash) {
  return "\"lg-" + std::to_string(version) + "-" + hex(query_hash) + "\"";
}

bool etag_matches(std::string_view header, std::string_view etag) {
  size_t start = 0;
  while (start <= header.size()) {
    size_t end = header.find(',', start);
    if (end == std::string_view::npos) end = header.size();
    std::string_view item = util::trim_whitespace(header.substr(start, end - start));
    if (item.size() > 2 && item.substr(0, 2) == "W/") item.remove_prefix(2);
    if (item == "*" || item == etag) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace lakegate::api
