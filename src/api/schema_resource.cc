// Placeholder until the schema resource lands: answers 501.
#include "api/resources.h"

namespace lakegate::api {

http::Response handle_schema(const http::Request&, Service&, const std::vector<std::string>&) {
  Error error(ErrorCode::kNotImplemented, "_schema is not implemented yet");
  return error_response(error);
}

}  // namespace lakegate::api
