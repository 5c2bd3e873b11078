#include "catalog/name_resolution.h"

#include "catalog/metadata_cache.h"

namespace lakegate::catalog {
namespace {

Error bad_name(std::string_view text, std::string_view why) {
  return Error(ErrorCode::kBadRequest,
               "Invalid table name \"" + std::string(text) + "\": " + std::string(why) + ".")
      .with("name", std::string(text));
}

}  // namespace

std::string default_catalog(const config::ServiceConfig& service) {
  return service.catalog.empty() ? "spark_catalog" : service.catalog;
}

std::string default_schema(const config::ServiceConfig& service) {
  return service.schema.empty() ? "default" : service.schema;
}

Result<std::vector<std::string>> split_name_parts(std::string_view text, size_t max_parts) {
  std::vector<std::string> parts;
  size_t position = 0;
  while (true) {
    std::string part;
    if (position < text.size() && text[position] == '`') {
      ++position;
      bool closed = false;
      while (position < text.size()) {
        char c = text[position++];
        if (c != '`') {
          part.push_back(c);
        } else if (position < text.size() && text[position] == '`') {
          part.push_back('`');
          ++position;
        } else {
          closed = true;
          break;
        }
      }
      if (!closed) return bad_name(text, "unterminated back-quote");
      if (position < text.size() && text[position] != '.') {
        return bad_name(text, "unexpected text after a back-quoted part");
      }
    } else {
      size_t end = text.find('.', position);
      if (end == std::string_view::npos) end = text.size();
      part.assign(text.substr(position, end - position));
      if (part.find('`') != std::string::npos) {
        return bad_name(text, "a back-quote inside an unquoted part");
      }
      position = end;
    }
    if (part.empty()) return bad_name(text, "empty name part");
    parts.push_back(std::move(part));
    if (parts.size() > max_parts) {
      return bad_name(text, "more than " + std::to_string(max_parts) + " parts");
    }
    if (position >= text.size()) break;
    ++position;  // the '.'
    if (position >= text.size()) return bad_name(text, "empty name part");
  }
  return parts;
}

Result<TableName> resolve_table_name(std::string_view text, const config::ServiceConfig& service) {
  auto parts = split_name_parts(text, 3);
  if (!parts) return parts.error();
  TableName name;
  switch (parts->size()) {
    case 1:
      name = TableName{default_catalog(service), default_schema(service), (*parts)[0]};
      break;
    case 2:
      name = TableName{default_catalog(service), (*parts)[0], (*parts)[1]};
      break;
    default:
      name = TableName{(*parts)[0], (*parts)[1], (*parts)[2]};
      break;
  }
  return name;
}

}  // namespace lakegate::catalog
