#include "api/service_registry.h"

#include <algorithm>

#include "backend/backend_factory.h"
#include "crypto/crypto.h"
#include "util/blocking_guard.h"

namespace lakegate::api {
namespace {

constexpr size_t kMaxCallerServices = 64;

}  // namespace

Result<std::shared_ptr<Service>> make_service(const config::ServiceConfig& config, int64_t id,
                                              std::string description) {
  auto backend = backend::make_backend(config);
  if (!backend) {
    Error error = backend.error();
    error.message = "service \"" + config.name + "\": " + error.message;
    return error;
  }
  auto service = std::make_shared<Service>();
  service->config = config;
  service->id = id;
  service->description = std::move(description);
  service->backend = std::move(*backend);
  service->metadata = std::make_unique<catalog::MetadataCache>(*service->backend, service->config);
  if (config.cache_enabled) {
    service->results = std::make_unique<cache::ResultCache>(
        static_cast<size_t>(config.cache_max_mb) << 20, std::chrono::seconds(config.cache_ttl));
  }
  return service;
}

Result<std::unique_ptr<ServiceRegistry>> ServiceRegistry::create(
    const config::GatewayConfig& config) {
  auto registry = std::make_unique<ServiceRegistry>();
  auto shared = SharedAnswers::open(config.result_cache);
  if (!shared) return shared.error();
  registry->shared_answers_ = std::move(*shared);
  for (size_t index = 0; index < config.services.size(); ++index) {
    const std::string description =
        index < config.service_descriptions.size() ? config.service_descriptions[index] : "";
    auto service = make_service(config.services[index], 0, description);
    if (!service) return service.error();
    registry->put(std::move(*service));
  }
  return registry;
}

std::shared_ptr<Service> ServiceRegistry::find(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<Service>> ServiceRegistry::all() const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<Service>> services;
  for (const auto& [name, service] : by_name_) services.push_back(service);
  std::sort(services.begin(), services.end(), [this](const auto& a, const auto& b) {
    if (a->id != b->id) return a->id < b->id;
    return first_added_.at(a->config.name) < first_added_.at(b->config.name);
  });
  return services;
}

void ServiceRegistry::put(std::shared_ptr<Service> service) {
  std::lock_guard lock(mutex_);
  service->writes = announcer_;
  if (service->results) service->shared_results = shared_answers_;
  const std::string name = service->config.name;
  first_added_.emplace(name, next_sequence_++);
  by_name_[name] = std::move(service);
  caller_services_.remove_if([&](const auto& entry) { return entry.second->config.name == name; });
}

void ServiceRegistry::remove(const std::string& name) {
  std::lock_guard lock(mutex_);
  by_name_.erase(name);
  caller_services_.remove_if([&](const auto& entry) { return entry.second->config.name == name; });
}

Result<std::shared_ptr<Service>> ServiceRegistry::as_caller(const std::shared_ptr<Service>& service,
                                                            const std::string& token) {
  const std::string key = service->config.name + '\n' + crypto::sha256_hex(token);
  {
    std::lock_guard lock(mutex_);
    for (auto it = caller_services_.begin(); it != caller_services_.end(); ++it) {
      if (it->first == key) {
        caller_services_.splice(caller_services_.begin(), caller_services_, it);
        return it->second;
      }
    }
  }
  if (!util::may_block()) return util::refuse_blocking("a new caller service");
  config::ServiceConfig config = service->config;
  config.access_token = token;
  auto copy = make_service(config, service->id, service->description);
  if (!copy) return copy.error();
  (*copy)->writes = announcer_;
  std::lock_guard lock(mutex_);
  caller_services_.emplace_front(key, *copy);
  if (caller_services_.size() > kMaxCallerServices) caller_services_.pop_back();
  return *copy;
}

void ServiceRegistry::forget_written(const TableWriteNote& note) {
  std::vector<std::shared_ptr<Service>> named;
  {
    std::lock_guard lock(mutex_);
    if (auto found = by_name_.find(note.service); found != by_name_.end()) {
      named.push_back(found->second);
    }
    for (auto& entry : caller_services_) {
      if (entry.second->config.name == note.service) named.push_back(entry.second);
    }
  }
  for (auto& service : named) {
    if (note.table != "*") {
      service->metadata->invalidate_version_of(note.table);
    } else if (note.ddl) {
      service->metadata->invalidate();
    } else {
      service->metadata->invalidate_versions();
    }
    if (!service->results) continue;
    note.ddl ? service->results->clear() : service->results->drop_inexact();
  }
}

void WriteAnnouncer::set(std::function<void(const TableWriteNote&)> listener) {
  std::lock_guard lock(mutex_);
  listener_ = std::move(listener);
}

void WriteAnnouncer::announce(const TableWriteNote& note) const {
  std::function<void(const TableWriteNote&)> listener;
  {
    std::lock_guard lock(mutex_);
    listener = listener_;
  }
  if (listener) listener(note);
}

void ServiceRegistry::shutdown() {
  std::lock_guard lock(mutex_);
  for (auto& [name, service] : by_name_) service->backend->shutdown();
  for (auto& entry : caller_services_) entry.second->backend->shutdown();
}

}  // namespace lakegate::api
