// lakegate's REST surface: the http::Handler that routes a request to its
// resource (/health, /api/v2 service list, /api/v2/{service}/_query, ...).
// One short function per resource; each parses the request, runs it on the
// service's backend and renders the result or a DreamFactory error envelope.
#pragma once

#include <memory>

#include "api/service_registry.h"
#include "http/handler.h"

namespace lakegate::api {

class Gateway final : public http::Handler {
 public:
  explicit Gateway(ServiceRegistry& services) : services_(services) {}
  http::Response handle(const http::Request& request) override;

 private:
  http::Response handle_service(const http::Request& request, Service& service,
                                const std::vector<std::string>& resource);
  http::Response list_services() const;

  ServiceRegistry& services_;
};

// Splits "/api/v2/svc/_table/x" into {"svc", "_table", "x"}; the "/api" prefix and
// an optional version segment (v2, v2.1) are removed. Returns false when the path
// is not under /api.
bool split_api_path(const std::string& path, std::vector<std::string>& segments);

}  // namespace lakegate::api
