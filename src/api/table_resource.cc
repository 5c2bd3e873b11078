// Placeholder until the table resource lands: answers 501.
#include "api/resources.h"

namespace lakegate::api {

http::Response handle_table(const http::Request&, Service&, const std::vector<std::string>&) {
  Error error(ErrorCode::kNotImplemented, "_table is not implemented yet");
  return error_response(error);
}

}  // namespace lakegate::api
