// Parses the body of POST /api/v2/{service}/_query into a Statement:
//   {"sql": "SELECT ... WHERE a = ? AND b = ?", "params": ["x", 1.50, null, true]}
//   {"sql": "SELECT ... WHERE a = :name", "params": {"name": "x"}}
// JSON numbers keep their exact digits: integers bind as bigint (or decimal if
// they do not fit), numbers with a fraction as decimal(p,s) with exactly the
// digits sent, numbers with an exponent as double. Arrays and objects cannot
// be bound (400 naming the parameter).
#pragma once

#include <simdjson.h>

#include <string>

#include "core/backend.h"
#include "util/result.h"

namespace lakegate::api {

Result<backend::Statement> parse_query_request(const std::string& body);

// Classifies the raw text of a JSON number as a bound Value (exposed for tests).
Result<backend::Value> number_value(std::string_view raw_number);

// A JSON scalar as a bound Value: null, boolean, number (number_value), or
// string. Arrays and objects are kUnsupportedType; other errors are
// kBadRequest prefixed with `name` (e.g. "params[0]"). Shared by _query
// parameters and _table values (table_request_parser.cc), which keeps arrays
// and objects as JSON text before calling it.
Result<backend::Value> json_scalar_value(simdjson::ondemand::value value, const std::string& name);

}  // namespace lakegate::api
