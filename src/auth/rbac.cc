#include "auth/rbac.h"

#include <array>
#include <utility>

#include "util/ascii.h"

namespace lakegate::auth {
namespace {

// How specific a role component is; lower levels win (rbac.h's order 1-3).
enum class Level { kExact = 0, kWildcard = 1, kService = 2 };

// The comparable form of a component or pattern: text in parentheses
// removed (df-core drops `(…)`, e.g. "_proc/p(1,2)"), surrounding spaces and
// slashes trimmed, ASCII lower-cased.
std::string normalize(std::string_view text) {
  std::string kept;
  int depth = 0;
  for (char c : text) {
    if (c == '(') {
      ++depth;
    } else if (c == ')' && depth > 0) {
      --depth;
    } else if (depth == 0) {
      kept.push_back(c);
    }
  }
  std::string_view view = kept;
  while (!view.empty() && (view.front() == ' ' || view.front() == '/')) view.remove_prefix(1);
  while (!view.empty() && (view.back() == ' ' || view.back() == '/')) view.remove_suffix(1);
  return util::ascii_lower(view);
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t end = text.find(separator, start);
    if (end == std::string_view::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}

// Components whose second segment is a dotted table name.
bool has_table_name(std::string_view first_segment) {
  return first_segment == "_table" || first_segment == "_schema";
}

// A pattern name ("orders", "retail.orders", "retail.*") against a resolved
// name ("spark_catalog.retail.orders"): the pattern's parts match the
// trailing parts of the name, whole parts only; "*" matches any one part.
bool name_matches(std::string_view pattern, std::string_view name) {
  auto pattern_parts = split(pattern, '.');
  auto name_parts = split(name, '.');
  if (pattern_parts.size() > name_parts.size()) return false;
  size_t skipped = name_parts.size() - pattern_parts.size();
  for (size_t index = 0; index < pattern_parts.size(); ++index) {
    if (pattern_parts[index] != "*" && pattern_parts[index] != name_parts[skipped + index]) {
      return false;
    }
  }
  return true;
}

// Both normalized. A final "*" segment matches the rest of the component,
// including nothing ("_table/*" matches "_table"); any other "*" segment or
// name part matches exactly one. No partial globs: "ord*" is literal text.
bool segments_match(std::string_view pattern, std::string_view component) {
  auto pattern_segments = split(pattern, '/');
  auto component_segments = split(component, '/');
  for (size_t index = 0; index < pattern_segments.size(); ++index) {
    std::string_view segment = pattern_segments[index];
    if (segment == "*" && index + 1 == pattern_segments.size()) return true;
    if (index >= component_segments.size()) return false;
    if (index == 1 && has_table_name(component_segments[0])) {
      if (!name_matches(segment, component_segments[1])) return false;
    } else if (segment != "*" && segment != component_segments[index]) {
      return false;
    }
  }
  return pattern_segments.size() == component_segments.size();
}

// The level of a normalized pattern: "*" alone is service-wide; a "*"
// segment or name part makes a wildcard; anything else is exact.
Level level_of(std::string_view pattern) {
  if (pattern == "*") return Level::kService;
  auto segments = split(pattern, '/');
  for (size_t index = 0; index < segments.size(); ++index) {
    if (segments[index] == "*") return Level::kWildcard;
    if (index == 1 && has_table_name(segments[0])) {
      for (std::string_view part : split(segments[index], '.')) {
        if (part == "*") return Level::kWildcard;
      }
    }
  }
  return Level::kExact;
}

bool normalized_matches(std::string_view pattern, std::string_view component) {
  return pattern == "*" || segments_match(pattern, component);
}

// True when `mask` grants `bit`; HEAD is granted by GET too.
bool mask_allows(int mask, int bit) {
  if (bit == 0) return false;
  return (mask & bit) != 0 || (bit == store::kHead && (mask & store::kGet) != 0);
}

}  // namespace

int verb_bit(std::string_view verb) {
  static constexpr std::array<std::pair<std::string_view, int>, 7> kVerbs = {{
      {"get", store::kGet},
      {"post", store::kPost},
      {"put", store::kPut},
      {"patch", store::kPatch},
      {"delete", store::kDelete},
      {"options", store::kOptions},
      {"head", store::kHead},
  }};
  std::string lowered = util::ascii_lower(verb);
  for (const auto& [name, bit] : kVerbs) {
    if (lowered == name) return bit;
  }
  return 0;
}

AccessDecision decide(const store::RoleRecord& role, int64_t service_id, std::string_view component,
                      std::string_view verb, int requestor) {
  AccessDecision decision;
  if (!role.is_active) return decision;
  int bit = verb_bit(verb);
  if (bit == 0) return decision;
  std::string wanted = normalize(component);

  // Service-specific rows first, then all-services rows; within each, the
  // levels exact → wildcard → "*". Rows that exclude the requestor are
  // skipped entirely (df-core does the same).
  for (bool all_services : {false, true}) {
    for (Level level : {Level::kExact, Level::kWildcard, Level::kService}) {
      bool level_found = false;
      for (const store::RoleServiceAccess& row : role.access) {
        if ((row.requestor_mask & requestor) == 0) continue;
        bool in_scope = all_services ? !row.service_id.has_value()
                                     : row.service_id.has_value() && *row.service_id == service_id;
        if (!in_scope) continue;
        std::string pattern = normalize(row.component);
        if (level_of(pattern) != level || !normalized_matches(pattern, wanted)) continue;
        level_found = true;
        if (mask_allows(row.verb_mask, bit)) decision.rows.push_back(&row);
      }
      if (level_found) {
        decision.allowed = !decision.rows.empty();
        return decision;
      }
    }
  }
  return decision;
}

bool component_matches(std::string_view pattern, std::string_view component) {
  return normalized_matches(normalize(pattern), normalize(component));
}

std::string denied_message(std::string_view verb, std::string_view component,
                           std::string_view service) {
  std::string out(verb);
  if (!out.empty()) out[0] = util::ascii_upper_char(out[0]);
  out += " access to ";
  if (!component.empty()) {
    out += "component '";
    out += component;
    out += "' of ";
  }
  out += "service '";
  out += service;
  out += "' is not allowed by this user's role.";
  return out;
}

}  // namespace lakegate::auth
