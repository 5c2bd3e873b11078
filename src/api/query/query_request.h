// Parses the body of POST /api/v2/{service}/_query into a Statement:
//   {"sql": "SELECT ... WHERE a = ? AND b = ?", "params": ["x", 1.50, null, true]}
//   {"sql": "SELECT ... WHERE a = :name", "params": {"name": "x"}}
// JSON numbers keep their exact digits: integers bind as bigint (or decimal if
// they do not fit), numbers with a fraction as decimal(p,s) with exactly the
// digits sent, numbers with an exponent as double. Arrays and objects cannot
// be bound (400 naming the parameter).
#pragma once

#include <simdjson.h>

#include <functional>
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

// Walks a `params` object of named values ({"name": value, ":name": value})
// for _query and _table alike: each key decoded, a leading ':' dropped; an
// empty name or a malformed member is kBadRequest. `bind` gets each name and
// its JSON value and returns the first error, which stops the walk.
Status for_each_named_param(
    simdjson::ondemand::object params,
    const std::function<Status(std::string name, simdjson::ondemand::value value)>& bind);

}  // namespace lakegate::api
