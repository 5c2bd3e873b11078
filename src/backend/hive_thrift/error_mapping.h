// Turns HiveServer2 failures into lakegate Errors, like the Spark Connect
// backend does for gRPC:
//  - a TStatus or operation in error with Spark's "[ERROR_CLASS] …" message
//    → kSparkAnalysis (400), or kTableNotFound (404) for a missing table,
//    view, schema or catalog; context errorClass and sqlState;
//  - INVALID_HANDLE (session or operation unknown to the server: it
//    restarted, or the session expired) → kBackendUnavailable (503), flagged
//    so the session is replaced;
//  - transport failures: refused/reset → kBackendUnavailable (503), timeout →
//    kTimeout (504), HTTP 401/403 or a SASL refusal → kUnauthorized ("backend
//    authentication failed", 502), TLS failure → kBackendUnavailable with
//    "TLS …" in the message, malformed replies → kProtocol (502).
// Spark's message is kept, trimmed of Java stack traces. Pure functions;
// thread-safe. Messages never contain credentials.
#pragma once

#include <string>
#include <string_view>

#include "util/result.h"

namespace lakegate::backend::hive_thrift {

// A server-reported error. `status_code` is TStatusCode (3 ERROR, 4
// INVALID_HANDLE); `what` names the call ("ExecuteStatement").
Error map_server_error(int status_code, std::string_view message, std::string_view sql_state,
                       std::string_view what);

// "[ERROR_CLASS] …" (after any "pkg.Exception: " prefixes), or empty.
std::string error_class_from_message(std::string_view message);

// Drops Java stack frames, "Caused by" chains and plan dumps; caps length.
std::string trim_server_message(std::string_view message);

// True if `error` means the session is gone (replace it, the statement never ran).
bool is_session_lost(const Error& error);

// Authentication refused (HTTP 401/403, SASL BAD/ERROR).
Error authentication_failed(std::string_view endpoint, std::string_view detail);

}  // namespace lakegate::backend::hive_thrift
