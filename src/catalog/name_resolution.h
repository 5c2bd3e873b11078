// Table names as clients write them in URLs (`t`, `s.t`, `c.s.t`, any part
// back-quoted with doubled backticks inside: `my.schema`.`a``b`) and the
// service defaults that complete them. resolve_table_name itself is declared
// in metadata_cache.h; these are its parts, exposed for the resources and tests.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/service_config.h"
#include "util/result.h"

namespace lakegate::catalog {

// The catalog used when a name has no catalog part: the service's `catalog`,
// else "spark_catalog" (Spark's session catalog).
std::string default_catalog(const config::ServiceConfig& service);
// The schema used when a name has only the table part: the service's
// `schema`, else "default".
std::string default_schema(const config::ServiceConfig& service);

// Splits a dotted name into its unquoted parts. kBadRequest for an empty
// part, an unterminated back-quote, text after a closing back-quote other
// than '.', or more than `max_parts` parts.
Result<std::vector<std::string>> split_name_parts(std::string_view text, size_t max_parts = 3);

}  // namespace lakegate::catalog
