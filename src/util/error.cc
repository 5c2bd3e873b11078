#include "util/error.h"

namespace lakegate {

int http_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::kBadRequest:
    case ErrorCode::kSparkAnalysis:
    case ErrorCode::kUnsupportedType:
      return 400;
    case ErrorCode::kNotFound:
    case ErrorCode::kTableNotFound:
      return 404;
    case ErrorCode::kMethodNotAllowed:
      return 405;
    case ErrorCode::kNotAcceptable:
      return 406;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kNotImplemented:
      return 501;
    case ErrorCode::kNotModified:
      return 304;
    case ErrorCode::kAuthRequired:
      return 401;
    case ErrorCode::kForbidden:
      return 403;
    case ErrorCode::kRateLimited:
      return 429;
    case ErrorCode::kPayloadTooLarge:
      return 413;
    case ErrorCode::kHeaderTooLarge:
      return 431;
    case ErrorCode::kCancelled:
      return 499;
    case ErrorCode::kProtocol:
    case ErrorCode::kUnauthorized:
      return 502;
    case ErrorCode::kBackendUnavailable:
    case ErrorCode::kAuditUnavailable:
      return 503;
    case ErrorCode::kTimeout:
      return 504;
    case ErrorCode::kInternal:
    case ErrorCode::kBadConfig:
    case ErrorCode::kStore:
      return 500;
  }
  return 500;
}

std::string_view error_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInternal:
      return "INTERNAL";
    case ErrorCode::kBadRequest:
      return "BAD_REQUEST";
    case ErrorCode::kNotFound:
      return "NOT_FOUND";
    case ErrorCode::kMethodNotAllowed:
      return "METHOD_NOT_ALLOWED";
    case ErrorCode::kPayloadTooLarge:
      return "PAYLOAD_TOO_LARGE";
    case ErrorCode::kSparkAnalysis:
      return "SPARK_ANALYSIS";
    case ErrorCode::kTableNotFound:
      return "TABLE_NOT_FOUND";
    case ErrorCode::kBackendUnavailable:
      return "BACKEND_UNAVAILABLE";
    case ErrorCode::kTimeout:
      return "TIMEOUT";
    case ErrorCode::kCancelled:
      return "CANCELLED";
    case ErrorCode::kBadConfig:
      return "BAD_CONFIG";
    case ErrorCode::kProtocol:
      return "PROTOCOL";
    case ErrorCode::kUnauthorized:
      return "BACKEND_UNAUTHORIZED";
    case ErrorCode::kHeaderTooLarge:
      return "HEADER_TOO_LARGE";
    case ErrorCode::kUnsupportedType:
      return "UNSUPPORTED_TYPE";
    case ErrorCode::kNotAcceptable:
      return "NOT_ACCEPTABLE";
    case ErrorCode::kNotImplemented:
      return "NOT_IMPLEMENTED";
    case ErrorCode::kConflict:
      return "CONFLICT";
    case ErrorCode::kNotModified:
      return "NOT_MODIFIED";
    case ErrorCode::kAuthRequired:
      return "AUTH_REQUIRED";
    case ErrorCode::kForbidden:
      return "FORBIDDEN";
    case ErrorCode::kRateLimited:
      return "RATE_LIMITED";
    case ErrorCode::kStore:
      return "STORE";
    case ErrorCode::kAuditUnavailable:
      return "AUDIT_UNAVAILABLE";
  }
  return "INTERNAL";
}

std::string_view Error::context_value(std::string_view key) const {
  for (const auto& [k, v] : context) {
    if (k == key) return v;
  }
  return {};
}

}  // namespace lakegate
