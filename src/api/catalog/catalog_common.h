// Helpers shared by the metadata resources (_catalog, _schema, _spec,
// api_docs): the deadline of a metadata lookup, DreamFactory's `refresh`
// option, and the names and labels DreamFactory clients expect.
#pragma once

#include <cctype>
#include <chrono>
#include <string>
#include <string_view>

#include "api/service_registry.h"
#include "catalog/name_resolution.h"
#include "core/backend.h"
#include "http/handler.h"
#include "util/sql_identifier.h"

namespace lakegate::api {

// When a metadata lookup for `service` must give up (its configured timeout).
inline backend::CancelToken::Clock::time_point metadata_deadline(const Service& service) {
  return backend::CancelToken::Clock::now() + std::chrono::seconds(service.config.timeout_seconds);
}

// GET, or HEAD (which the server hands over as GET with head_only set).
inline bool is_read(const http::Request& request) {
  return request.method == "GET";
}

// ?refresh=true (DreamFactory's cache bypass) drops the service's metadata cache.
inline void refresh_if_asked(const http::Request& request, Service& service) {
  const std::string* refresh = request.query_param("refresh");
  if (refresh != nullptr && (*refresh == "true" || *refresh == "1" || refresh->empty())) {
    service.metadata->invalidate();
  }
}

// How a table is named in this service's URLs: "t" in the default schema,
// "s.t" in the default catalog, else "c.s.t" (parts back-quoted when they
// hold a '.' or a backtick).
inline std::string table_display_name(const catalog::TableName& name,
                                      const config::ServiceConfig& service) {
  auto part = [](const std::string& text) {
    if (text.find_first_of(".`") == std::string::npos) return text;
    return util::quote_sql_identifier(text);
  };
  const bool default_catalog = name.catalog == catalog::default_catalog(service);
  if (default_catalog && name.schema == catalog::default_schema(service)) return part(name.table);
  if (default_catalog) return part(name.schema) + "." + part(name.table);
  return part(name.catalog) + "." + part(name.schema) + "." + part(name.table);
}

// DreamFactory's label of a name: "order_items" → "Order Items".
inline std::string label_of(std::string_view name) {
  std::string label;
  bool word_start = true;
  for (char c : name) {
    if (c == '_') {
      label.push_back(' ');
      word_start = true;
    } else {
      label.push_back(word_start ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
                                 : c);
      word_start = false;
    }
  }
  return label;
}

}  // namespace lakegate::api
