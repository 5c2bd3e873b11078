// Reading Spark's error text, shared by every protocol's error mapping:
// Spark messages start with "[ERROR_CLASS] …", sometimes behind
// "pkg.SomeException: " prefixes. Pure functions; no protocol headers.
#pragma once

#include <string>
#include <string_view>

namespace lakegate::backend {

// `text` without leading and trailing whitespace.
std::string_view trim_whitespace(std::string_view text);

// The error class named at the start of `message` ("[TABLE_OR_VIEW_NOT_FOUND] …"
// → "TABLE_OR_VIEW_NOT_FOUND"), skipping "pkg.Exception: " prefixes; empty
// when there is none.
std::string error_class_in_message(std::string_view message);

}  // namespace lakegate::backend
