// The one registry of lakegate errors: every failure that crosses a module
// border is an Error with a stable numbered code, a name and one HTTP status.
// Numbers are never reused. `context` carries machine-readable details
// (e.g. Spark's errorClass and sqlState) as string pairs.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lakegate {

enum class ErrorCode : int {
  kInternal = 1,            // a bug or unexpected condition (500)
  kBadRequest = 2,          // malformed request: bad JSON, bad parameter (400)
  kNotFound = 3,            // unknown route, service or resource (404)
  kMethodNotAllowed = 4,    // verb not supported on this resource (405)
  kPayloadTooLarge = 5,     // request body over the limit (413)
  kSparkAnalysis = 6,       // Spark rejected the statement (400)
  kTableNotFound = 7,       // Spark says the table or view does not exist (404)
  kBackendUnavailable = 8,  // Spark unreachable or connection refused (503)
  kTimeout = 9,             // service timeout reached; operation interrupted (504)
  kCancelled = 10,          // client went away; operation interrupted (499)
  kBadConfig = 11,          // configuration invalid (start-up only)
  kProtocol = 12,           // malformed bytes from a backend (502)
  kUnauthorized = 13,       // backend refused our credentials (502 upstream auth)
  kHeaderTooLarge = 14,     // request headers over the limit (431)
  kUnsupportedType = 15,    // a value type lakegate cannot bind or render (400)
  kNotAcceptable = 16,      // no output format matches the Accept header (406)
  kNotImplemented = 17,     // a route that exists but is not built yet (501)
  kConflict = 18,           // a write conflicted with a concurrent one (409)
  kNotModified = 19,        // If-None-Match matched (304)
  kAuthRequired = 20,       // no, invalid, revoked or expired caller credentials (401)
  kForbidden = 21,          // the caller's role does not allow this (403)
  kRateLimited = 22,        // a rate limit is exhausted (429)
  kStore = 23,              // the system store failed (500)
  kAuditUnavailable = 24,   // the audit trail has no room; the request was not run (503)
};

// The HTTP status an error code maps to.
int http_status(ErrorCode code);
// A stable machine name, e.g. "SPARK_ANALYSIS".
std::string_view error_name(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::vector<std::pair<std::string, std::string>> context;

  Error() = default;
  Error(ErrorCode c, std::string m) : code(c), message(std::move(m)) {}
  Error& with(std::string key, std::string value) {
    context.emplace_back(std::move(key), std::move(value));
    return *this;
  }
  // First context value for `key`, or empty.
  std::string_view context_value(std::string_view key) const;
};

}  // namespace lakegate
