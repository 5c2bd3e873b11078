// Pure helpers that turn the parts of an HTTP request line into the fields of
// `Request`: percent-decoding of the path and query, verb tunnelling
// (X-HTTP-Method / X-Method-Override / ?method=, MERGE → PATCH) and request
// ids. No I/O; the server calls them, the unit tests call them directly.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/result.h"

namespace lakegate::http {

// Percent-decodes `text` into `out` (replacing its content). With
// `plus_is_space`, '+' becomes ' ' (query components). Returns false on an
// invalid escape ("%G1", a truncated "%4") or an encoded NUL ("%00").
bool percent_decode(std::string_view text, bool plus_is_space, std::string& out);

struct RequestTarget {
  std::string raw_path;  // as received (still percent-encoded), no query
  std::string path;      // percent-decoded
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
};

// Splits an origin-form target "/p/a%20th?x=1&y=a+b" (absolute-form
// "http://host/p?x" is accepted too). Query pairs are split on '&', then on
// the first '='; empty pairs are skipped. kBadRequest on bad encoding.
Result<RequestTarget> parse_request_target(std::string_view target);

// The method the resources see. Only a POST may be tunnelled, through the
// header x-http-method, x-http-method-override or x-method-override (lower-
// case names as in Request::headers) or the query parameter `method`. The
// verb is upper-cased; MERGE becomes PATCH. kBadRequest for an unknown verb.
Result<std::string> effective_method(std::string_view wire_method,
                                     const std::map<std::string, std::string>& headers,
                                     const std::vector<std::pair<std::string, std::string>>& query);

// True if a client-supplied X-Request-Id may be reused: 1..64 characters of
// [A-Za-z0-9._:-].
bool is_sane_request_id(std::string_view id);

// A fresh random request id: 16 lower-case hex characters.
std::string new_request_id();

}  // namespace lakegate::http
