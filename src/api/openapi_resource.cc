// Placeholder until the OpenAPI resource lands: answers 501.
#include "api/resources.h"

namespace lakegate::api {

http::Response handle_spec(const http::Request&, Service&, const std::vector<std::string>&) {
  return error_response(Error(ErrorCode::kNotImplemented, "_spec is not implemented yet"));
}

http::Response handle_api_docs(const http::Request&, ServiceRegistry&,
                               const std::vector<std::string>&) {
  return error_response(Error(ErrorCode::kNotImplemented, "api_docs is not implemented yet"));
}

}  // namespace lakegate::api
