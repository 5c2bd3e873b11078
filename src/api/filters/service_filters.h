// The filters that find the service a request names: ServiceFilter resolves
// /api/v2/{service}/… in the registry (404 for an unknown one; system,
// api_docs, user and the root name no service), UnityCatalogFilter swaps in
// the caller's own copy of a `use_unity_catalog` service, run with the
// caller's Databricks token (401 without one).
#pragma once

#include "api/filters/request_filter.h"
#include "api/security.h"
#include "api/service_registry.h"

namespace lakegate::api {

class ServiceFilter final : public RequestFilter {
 public:
  explicit ServiceFilter(ServiceRegistry& services) : services_(services) {}
  FilterResult on_request(RequestContext& context) override;

 private:
  ServiceRegistry& services_;
};

class UnityCatalogFilter final : public RequestFilter {
 public:
  UnityCatalogFilter(ServiceRegistry& services, Security& security)
      : services_(services), security_(security) {}
  FilterResult on_request(RequestContext& context) override;

 private:
  ServiceRegistry& services_;
  Security& security_;
};

// True when the first segment names a gateway resource, not a service.
bool is_gateway_segment(const std::string& segment);

}  // namespace lakegate::api
