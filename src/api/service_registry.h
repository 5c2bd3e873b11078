// The configured services and their backends, by name. Built once at start;
// backends connect lazily, so lakegate starts even while Spark is down (and
// answers 503 until it is back). Thread-safe for lookups.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "catalog/metadata_cache.h"
#include "config/gateway_config.h"
#include "util/result.h"

namespace lakegate::api {

struct Service {
  config::ServiceConfig config;
  std::unique_ptr<backend::Backend> backend;
  std::unique_ptr<catalog::MetadataCache> metadata;  // over `backend`
};

class ServiceRegistry {
 public:
  // Creates a backend for every service; fails if any service's config is unusable.
  static Result<std::unique_ptr<ServiceRegistry>> create(const config::GatewayConfig& config);

  // The service named `name`, or nullptr.
  Service* find(const std::string& name) const;
  const std::vector<std::unique_ptr<Service>>& all() const { return services_; }

  // Interrupts running operations of every backend (shutdown).
  void shutdown();

 private:
  std::vector<std::unique_ptr<Service>> services_;
  std::map<std::string, Service*> by_name_;
};

}  // namespace lakegate::api
