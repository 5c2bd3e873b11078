#include "backend/hive_thrift/error_mapping.h"

#include <algorithm>
#include <cctype>

#include "backend/spark_error_text.h"
#include "util/ascii.h"

namespace lakegate::backend::hive_thrift {
namespace {

using util::trim_whitespace;

constexpr size_t kMaxMessageChars = 4000;
constexpr int kInvalidHandleStatus = 4;

bool is_stack_frame(std::string_view line) {
  std::string_view body = trim_whitespace(line);
  return body.starts_with("at ") || (body.starts_with("...") && body.ends_with(" more"));
}

// Spark wraps the real error: "Error running query: [CLASS] …" or
// "org.apache.hive.service.cli.HiveSQLException: Error running query: …".
std::string_view strip_wrappers(std::string_view message) {
  message = trim_whitespace(message);
  for (std::string_view prefix : {"org.apache.hive.service.cli.HiveSQLException: ",
                                  "Error running query: ", "Error operating ExecuteStatement: "}) {
    if (message.starts_with(prefix)) message = trim_whitespace(message.substr(prefix.size()));
  }
  return message;
}

}  // namespace

std::string error_class_from_message(std::string_view message) {
  return error_class_in_message(strip_wrappers(message));
}

std::string trim_server_message(std::string_view message) {
  message = strip_wrappers(message);
  // Spark repeats the class around the exception name:
  // "[CLASS] org.apache…Exception: [CLASS] text" → "[CLASS] text".
  if (message.starts_with("[")) {
    size_t close = message.find("] ");
    if (close != std::string_view::npos) {
      std::string_view after = message.substr(close + 2);
      size_t colon = after.find(": ");
      if (colon != std::string_view::npos && after.substr(0, colon).ends_with("Exception") &&
          after.substr(0, colon).find(' ') == std::string_view::npos) {
        message = trim_whitespace(after.substr(colon + 2));
      }
    }
  }
  if (size_t plan = message.find(";\n"); plan != std::string_view::npos) {
    message = message.substr(0, plan);
  }
  std::string trimmed;
  while (!message.empty()) {
    size_t end = message.find('\n');
    std::string_view line = message.substr(0, end);
    message = end == std::string_view::npos ? std::string_view() : message.substr(end + 1);
    if (trim_whitespace(line).starts_with("Caused by: ")) break;  // the chain repeats the cause
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

Error map_server_error(int status_code, std::string_view message, std::string_view sql_state,
                       std::string_view what) {
  std::string text = trim_server_message(message);
  if (text.empty()) text = std::string(what) + " failed without a message";
  if (status_code == kInvalidHandleStatus ||
      text.find("Invalid SessionHandle") != std::string::npos ||
      text.find("INVALID_HANDLE.SESSION") != std::string::npos) {
    Error error(ErrorCode::kBackendUnavailable,
                "the Thrift server no longer knows lakegate's session (" + std::string(what) +
                    "): " + text);
    error.with("sessionLost", "true");
    return error;
  }
  const std::string error_class = error_class_from_message(message);
  ErrorCode code = ErrorCode::kSparkAnalysis;
  if (is_missing_relation(error_class, sql_state)) {
    code = ErrorCode::kTableNotFound;
  } else if (is_write_conflict(error_class, sql_state)) {
    code = ErrorCode::kConflict;
  }
  Error error(code, std::move(text));
  if (!error_class.empty()) error.with("errorClass", error_class);
  if (!sql_state.empty()) error.with("sqlState", std::string(sql_state));
  return error;
}

bool is_session_lost(const Error& error) {
  return error.context_value("sessionLost") == "true";
}

Error authentication_failed(std::string_view endpoint, std::string_view detail) {
  std::string message = "backend authentication failed (" + std::string(endpoint) + ")";
  if (!detail.empty()) message += ": " + std::string(detail);
  return Error(ErrorCode::kUnauthorized, std::move(message));
}

}  // namespace lakegate::backend::hive_thrift
