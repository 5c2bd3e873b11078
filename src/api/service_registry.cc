#include "api/service_registry.h"

#include "backend/backend_factory.h"

namespace lakegate::api {

Result<std::unique_ptr<ServiceRegistry>> ServiceRegistry::create(
    const config::GatewayConfig& config) {
  auto registry = std::unique_ptr<ServiceRegistry>(new ServiceRegistry());
  for (const auto& service_config : config.services) {
    auto backend = backend::make_backend(service_config);
    if (!backend) {
      Error error = backend.error();
      error.message = "service \"" + service_config.name + "\": " + error.message;
      return error;
    }
    auto service = std::make_unique<Service>();
    service->config = service_config;
    service->backend = std::move(*backend);
    service->metadata =
        std::make_unique<catalog::MetadataCache>(*service->backend, service->config);
    registry->by_name_[service_config.name] = service.get();
    registry->services_.push_back(std::move(service));
  }
  return registry;
}

Service* ServiceRegistry::find(const std::string& name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

void ServiceRegistry::shutdown() {
  for (auto& service : services_) service->backend->shutdown();
}

}  // namespace lakegate::api
