// A small method + path-pattern router for the REST resources.
//
// Patterns are '/'-separated segments, each a literal ("_table") or a capture
// ("{name}"): "/api/v2/{service}/_table/{name}". Matching splits the RAW
// (still percent-encoded) request path on '/', ignores empty segments (so a
// trailing slash or "//" does not matter), then percent-decodes each segment,
// so an encoded slash ("a%2Fb") stays inside one captured value and dots
// ("catalog.schema.table") are ordinary characters. When several patterns fit,
// the most specific wins: comparing segment by segment from the left, a
// literal beats a capture. A path that fits a pattern but not its methods
// gives kMethodNotAllowed with the allowed list (for the Allow header).
//
// Build once at start-up, then match from any thread (match is const).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/handler.h"
#include "util/result.h"

namespace lakegate::http {

struct RouteMatch {
  enum class Outcome { kMatched, kNotFound, kMethodNotAllowed, kBadPath };
  Outcome outcome = Outcome::kNotFound;
  int route_id = -1;                                        // kMatched: the id given to Router::add
  std::vector<std::pair<std::string, std::string>> params;  // kMatched: decoded captures
  std::vector<std::string> allowed_methods;                 // kMethodNotAllowed

  bool matched() const { return outcome == Outcome::kMatched; }
  // Captured value by name, or nullptr.
  const std::string* param(std::string_view name) const;
};

class Router {
 public:
  // Registers `pattern` for the comma-separated `methods` ("GET,POST"; "*" =
  // any) under `route_id`. kBadConfig for a malformed pattern (a segment
  // with braces that is not exactly "{name}", a repeated capture name).
  Status add(std::string_view methods, std::string_view pattern, int route_id);

  // Matches an upper-case `method` against a raw (percent-encoded) path.
  // kBadPath if a segment has invalid percent-encoding.
  RouteMatch match(std::string_view method, std::string_view raw_path) const;
  // Same, for request.method and request.raw_path.
  RouteMatch match(const Request& request) const { return match(request.method, request.raw_path); }

 private:
  struct Segment {
    bool capture = false;
    std::string text;  // literal text, or the capture's name
  };
  struct Route {
    std::vector<std::string> methods;  // empty = any
    std::vector<Segment> segments;
    int id = -1;
  };
  std::vector<Route> routes_;
};

}  // namespace lakegate::http
