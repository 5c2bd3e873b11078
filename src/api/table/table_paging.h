// Stable paging and caching of _table reads.
//
// Query hash: a 64-bit hash of the normalised read (table, fields, filter,
// params, order, group, ids, id fields, limit, flags, format), computed from
// the parsed options so that aliases, parameter order in the URL and blank
// differences do not change it. Offset and cursor are left out of the paging
// hash (every page of one query shares it) and put into the ETag hash.
//
// Cursor (meta.next_cursor, accepted as ?cursor=): base64url of
// "lgc1.<version>.<offset>.<paging hash hex>.<check hex>", where the check is
// a keyed hash of the rest. A cursor whose check fails (tampered, truncated)
// or whose paging hash differs from the request's (used with another query)
// is a 400. The version pins the page to the Delta snapshot of page 1.
//
// ETag: "\"lg-<version>-<hash hex>\"" of the version read and the full query
// hash; If-None-Match with it answers 304 before any query runs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/table_schema.h"
#include "util/result.h"

namespace lakegate::api {

struct TableOptions;

// Incremental FNV-1a (64-bit) over length-prefixed parts (no ambiguity
// between "ab","c" and "a","bc").
class QueryHasher {
 public:
  QueryHasher& add(std::string_view part);
  QueryHasher& add(int64_t number);
  uint64_t value() const { return hash_; }

 private:
  void mix(const void* data, size_t size);
  uint64_t hash_ = 14695981039346656037ull;
};

// Hash of everything that selects rows and shapes them, except the page position.
uint64_t paging_hash(const catalog::TableName& table, const TableOptions& options, int64_t limit,
                     std::string_view format);

struct PageCursor {
  int64_t version = 0;
  int64_t offset = 0;
  uint64_t query_hash = 0;
};

std::string encode_cursor(const PageCursor& cursor);
// Decodes and verifies a cursor; kBadRequest when malformed or tampered, or
// when it was issued for another query (`expected_hash`).
Result<PageCursor> decode_cursor(std::string_view text, uint64_t expected_hash);

// The strong ETag of a read of `version` with `query_hash` (offset included).
std::string make_etag(int64_t version, uint64_t query_hash);
// Whether an If-None-Match header value names `etag` (or is "*"); accepts
// lists and weak (W/) forms.
bool etag_matches(std::string_view if_none_match, std::string_view etag);

}  // namespace lakegate::api
