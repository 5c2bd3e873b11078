// Turns a failed gRPC call to Spark Connect into a lakegate Error.
//  - UNAVAILABLE (connection refused, server down) → kBackendUnavailable (503)
//  - DEADLINE_EXCEEDED → kTimeout (504); CANCELLED → kCancelled
//  - UNAUTHENTICATED / PERMISSION_DENIED → kUnauthorized
//  - a Spark error (google.rpc.ErrorInfo in the status details, or a
//    "[ERROR_CLASS] …" message) → kSparkAnalysis (400), or kTableNotFound
//    (404) for TABLE_OR_VIEW_NOT_FOUND, SCHEMA_NOT_FOUND and the like; the
//    context carries errorClass and sqlState;
//  - INVALID_HANDLE.SESSION_* (session closed, expired or from before a
//    server restart) → kBackendUnavailable (503).
// Spark's message is kept (trimmed of stack traces and plan dumps). Pure
// functions; thread-safe.
#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "util/result.h"

namespace lakegate::backend::spark_connect {

// What Spark says about an error, from ErrorInfo metadata or
// FetchErrorDetails.
struct SparkErrorInfo {
  std::string exception_class;  // ErrorInfo.reason, e.g. "org.apache.spark.sql.AnalysisException"
  std::string error_class;      // e.g. "TABLE_OR_VIEW_NOT_FOUND"
  std::string sql_state;        // e.g. "42P01"
  std::string message_parameters;  // JSON object text, if sent
  std::string error_id;            // key for FetchErrorDetails
  std::string message;             // full message (FetchErrorDetails only)
};

// Decodes the google.rpc.Status in `status.error_details()`; nullopt if it
// holds no ErrorInfo.
std::optional<SparkErrorInfo> decode_error_details(const grpc::Status& status);

// "[ERROR_CLASS] …" or "[ERROR_CLASS.SUB] …" at the start of a message
// (possibly after "Exception: " prefixes), or empty.
std::string error_class_from_message(std::string_view message);

// Drops JVM stack frames and the analyzed-plan dump Spark appends after
// ";\n", and caps the length.
std::string trim_spark_message(std::string_view message);

// True if errorClass (or the message) names a session-level failure after
// which the session must be replaced: INVALID_HANDLE.SESSION_NOT_FOUND,
// SESSION_CHANGED, SESSION_CLOSED.
bool is_session_error(const Error& error);

// Looks up error details by errorId (FetchErrorDetails); nullopt if it fails.
using ErrorDetailsFetcher = std::function<std::optional<SparkErrorInfo>(const std::string&)>;

// Maps a non-OK status. `endpoint` (without secrets) is named in transport
// errors. `fetch` (may be empty) is called when ErrorInfo lacks errorClass
// but carries an errorId.
Error map_grpc_status(const grpc::Status& status, std::string_view endpoint,
                      const ErrorDetailsFetcher& fetch = {});

}  // namespace lakegate::backend::spark_connect
