#include "backend/spark_connect/error_mapping.h"

#include <algorithm>
#include <cctype>

#include "backend/spark_error_text.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "util/ascii.h"

namespace lakegate::backend::spark_connect {
namespace {

using util::trim_whitespace;

constexpr size_t kMaxMessageChars = 4000;

bool is_stack_frame(std::string_view line) {
  std::string_view body = trim_whitespace(line);
  return body.starts_with("at ") || (body.starts_with("...") && body.ends_with(" more")) ||
         body.starts_with("Caused by: ");
}

Error spark_error(const grpc::Status& status, const SparkErrorInfo& info) {
  std::string error_class = info.error_class;
  if (error_class.empty()) error_class = error_class_from_message(status.error_message());
  const std::string message = info.message.empty() ? status.error_message() : info.message;
  ErrorCode code = ErrorCode::kSparkAnalysis;
  if (error_class.starts_with("INVALID_HANDLE.SESSION")) {
    code = ErrorCode::kBackendUnavailable;  // no usable session: the statement never ran
  } else if (is_missing_relation(error_class, info.sql_state)) {
    code = ErrorCode::kTableNotFound;
  } else if (is_write_conflict(error_class, info.sql_state)) {
    code = ErrorCode::kConflict;
  }
  Error error(code, trim_spark_message(message));
  if (!error_class.empty()) error.with("errorClass", error_class);
  if (!info.sql_state.empty()) error.with("sqlState", info.sql_state);
  if (!info.message_parameters.empty()) error.with("messageParameters", info.message_parameters);
  if (!info.exception_class.empty()) error.with("exception", info.exception_class);
  return error;
}

}  // namespace

std::optional<SparkErrorInfo> decode_error_details(const grpc::Status& status) {
  if (status.error_details().empty()) return std::nullopt;
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return std::nullopt;
  for (const auto& any : details.details()) {
    google::rpc::ErrorInfo error_info;
    if (!any.Is<google::rpc::ErrorInfo>() || !any.UnpackTo(&error_info)) continue;
    SparkErrorInfo info;
    info.exception_class = error_info.reason();
    const auto& metadata = error_info.metadata();
    auto lookup = [&metadata](const char* key) {
      auto found = metadata.find(key);
      return found == metadata.end() ? std::string() : found->second;
    };
    info.error_class = lookup("errorClass");
    info.sql_state = lookup("sqlState");
    info.message_parameters = lookup("messageParameters");
    info.error_id = lookup("errorId");
    return info;
  }
  return std::nullopt;
}

std::string error_class_from_message(std::string_view message) {
  return error_class_in_message(trim_whitespace(message));
}

std::string trim_spark_message(std::string_view message) {
  message = trim_whitespace(message);
  // Analysis errors end with ";\n" and a dump of the logical plan.
  if (size_t plan = message.find(";\n"); plan != std::string_view::npos) {
    message = message.substr(0, plan);
  }
  std::string trimmed;
  trimmed.reserve(std::min(message.size(), kMaxMessageChars));
  while (!message.empty()) {
    size_t end = message.find('\n');
    std::string_view line = message.substr(0, end);
    message = end == std::string_view::npos ? std::string_view() : message.substr(end + 1);
    if (is_stack_frame(line)) continue;
    if (!trimmed.empty()) trimmed.push_back('\n');
    trimmed.append(line);
  }
  trimmed = std::string(trim_whitespace(trimmed));
  if (trimmed.size() > kMaxMessageChars) {
    trimmed.resize(kMaxMessageChars);
    trimmed += "…";
  }
  return trimmed;
}

bool is_session_error(const Error& error) {
  std::string_view error_class = error.context_value("errorClass");
  if (error_class.starts_with("INVALID_HANDLE.SESSION")) return true;
  return error.message.find("INVALID_HANDLE.SESSION") != std::string::npos;
}

Error map_grpc_status(const grpc::Status& status, std::string_view endpoint,
                      const ErrorDetailsFetcher& fetch) {
  const std::string where = " (" + std::string(endpoint) + ")";
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
      return Error(ErrorCode::kBackendUnavailable,
                   "Spark Connect server unavailable" + where + ": " + status.error_message());
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return Error(ErrorCode::kTimeout, "the Spark operation exceeded the service timeout");
    case grpc::StatusCode::CANCELLED:
      return Error(ErrorCode::kCancelled, "the Spark operation was cancelled");
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::PERMISSION_DENIED:
      return Error(ErrorCode::kUnauthorized, "Spark Connect refused lakegate's credentials" +
                                                 where + ": " + status.error_message());
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return Error(ErrorCode::kProtocol, "Spark Connect message over the size limit" + where +
                                             ": " + status.error_message());
    default:
      break;
  }
  std::optional<SparkErrorInfo> info = decode_error_details(status);
  if (info && info->error_class.empty() && !info->error_id.empty() && fetch) {
    if (auto fetched = fetch(info->error_id)) {
      if (fetched->exception_class.empty()) fetched->exception_class = info->exception_class;
      if (fetched->sql_state.empty()) fetched->sql_state = info->sql_state;
      info = std::move(fetched);
    }
  }
  if (info) return spark_error(status, *info);
  if (!error_class_from_message(status.error_message()).empty()) {
    return spark_error(status, SparkErrorInfo{});
  }
  // No Spark details at all: the transport broke (server killed mid-stream,
  // connection reset, proxy error).
  if (status.error_code() == grpc::StatusCode::UNKNOWN ||
      status.error_code() == grpc::StatusCode::INTERNAL ||
      status.error_code() == grpc::StatusCode::ABORTED) {
    return Error(ErrorCode::kBackendUnavailable, "Spark Connect call failed" + where + ": " +
                                                     trim_spark_message(status.error_message()));
  }
  if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
    return Error(ErrorCode::kProtocol, "the server does not implement this Spark Connect call" +
                                           where + ": " + status.error_message());
  }
  return Error(ErrorCode::kProtocol, "Spark Connect call failed" + where + " with gRPC status " +
                                         std::to_string(static_cast<int>(status.error_code())) +
                                         ": " + trim_spark_message(status.error_message()));
}

}  // namespace lakegate::backend::spark_connect
