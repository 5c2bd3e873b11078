#include "http/router.h"

#include "http/request_target.h"

namespace lakegate::http {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  while (!path.empty()) {
    const size_t slash = path.find('/');
    const std::string_view segment = path.substr(0, slash);
    if (!segment.empty()) segments.push_back(segment);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

// True if route `a` is more specific than route `b` (both match the path).
template <typename Route>
bool more_specific(const Route& a, const Route& b) {
  for (size_t index = 0; index < a.segments.size(); ++index) {
    if (a.segments[index].capture != b.segments[index].capture) {
      return !a.segments[index].capture;
    }
  }
  return false;
}

}  // namespace

const std::string* RouteMatch::param(std::string_view name) const {
  for (const auto& [key, value] : params) {
    if (key == name) return &value;
  }
  return nullptr;
}

Status Router::add(std::string_view methods, std::string_view pattern, int route_id) {
  Route route;
  route.id = route_id;
  if (methods != "*") {
    while (!methods.empty()) {
      const size_t comma = methods.find(',');
      std::string_view method = methods.substr(0, comma);
      while (!method.empty() && method.front() == ' ') method.remove_prefix(1);
      while (!method.empty() && method.back() == ' ') method.remove_suffix(1);
      if (!method.empty()) route.methods.emplace_back(method);
      if (comma == std::string_view::npos) break;
      methods.remove_prefix(comma + 1);
    }
  }
  for (std::string_view text : split_path(pattern)) {
    Segment segment;
    const bool has_brace =
        text.find('{') != std::string_view::npos || text.find('}') != std::string_view::npos;
    if (has_brace) {
      if (text.size() < 3 || text.front() != '{' || text.back() != '}' ||
          text.substr(1, text.size() - 2).find_first_of("{}") != std::string_view::npos) {
        return Error(ErrorCode::kBadConfig, "bad route pattern segment: " + std::string(text));
      }
      segment.capture = true;
      segment.text = std::string(text.substr(1, text.size() - 2));
      for (const Segment& earlier : route.segments) {
        if (earlier.capture && earlier.text == segment.text) {
          return Error(ErrorCode::kBadConfig, "repeated capture in route: " + segment.text);
        }
      }
    } else {
      segment.text = std::string(text);
    }
    route.segments.push_back(std::move(segment));
  }
  routes_.push_back(std::move(route));
  return ok_status();
}

RouteMatch Router::match(std::string_view method, std::string_view raw_path) const {
  RouteMatch result;
  const std::vector<std::string_view> raw_segments = split_path(raw_path);
  std::vector<std::string> segments(raw_segments.size());
  for (size_t index = 0; index < raw_segments.size(); ++index) {
    if (!percent_decode(raw_segments[index], /*plus_is_space=*/false, segments[index])) {
      result.outcome = RouteMatch::Outcome::kBadPath;
      return result;
    }
  }

  const Route* best = nullptr;
  bool path_matched = false;
  for (const Route& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    bool fits = true;
    for (size_t index = 0; index < segments.size() && fits; ++index) {
      fits = route.segments[index].capture || route.segments[index].text == segments[index];
    }
    if (!fits) continue;
    path_matched = true;
    bool method_fits = route.methods.empty();
    for (const std::string& allowed : route.methods) {
      if (allowed == method) method_fits = true;
    }
    if (!method_fits) {
      for (const std::string& allowed : route.methods) {
        bool known = false;
        for (const std::string& listed : result.allowed_methods) known |= listed == allowed;
        if (!known) result.allowed_methods.push_back(allowed);
      }
      continue;
    }
    if (best == nullptr || more_specific(route, *best)) best = &route;
  }

  if (best == nullptr) {
    result.outcome =
        path_matched ? RouteMatch::Outcome::kMethodNotAllowed : RouteMatch::Outcome::kNotFound;
    return result;
  }
  result.outcome = RouteMatch::Outcome::kMatched;
  result.allowed_methods.clear();
  result.route_id = best->id;
  for (size_t index = 0; index < segments.size(); ++index) {
    if (best->segments[index].capture) {
      result.params.emplace_back(best->segments[index].text, std::move(segments[index]));
    }
  }
  return result;
}

}  // namespace lakegate::http
