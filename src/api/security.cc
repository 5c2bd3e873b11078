#include "api/security.h"

#include <cstdlib>
#include <iostream>
#include <set>

#include "crypto/crypto.h"
#include "crypto/secret_box.h"
#include "http/access_log.h"

namespace lakegate::api {
namespace {

std::string store_url(const config::GatewayConfig& config) {
  if (!config.store.empty()) return config.store;
  return "sqlite://" + config.config_dir + "/lakegate.db";
}

std::string store_dir(const config::GatewayConfig& config) {
  const std::string url = store_url(config);
  std::string path = url.rfind("sqlite://", 0) == 0 ? url.substr(9) : url;
  if (url.find("://") != std::string::npos && url.rfind("sqlite://", 0) != 0) {
    return config.config_dir;  // PostgreSQL: the key file lives next to the config
  }
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
}

Result<crypto::SecretBox> master_box(const config::GatewayConfig& config) {
  const char* env = std::getenv("LAKEGATE_MASTER_KEY");
  std::string env_value = env ? env : "";
  const std::string key_file = config.security.master_key_file.empty()
                                   ? store_dir(config) + "/lakegate.key"
                                   : config.security.master_key_file;
  auto key = crypto::load_master_key(env ? &env_value : nullptr, key_file);
  if (!key) return key.error();
  return crypto::SecretBox(std::move(*key));
}

}  // namespace

Result<std::unique_ptr<store::Store>> open_store(const config::GatewayConfig& config) {
  auto box = master_box(config);
  if (!box) return box.error();
  return store::Store::open(store_url(config), std::move(*box));
}

Status save_config_services(const config::GatewayConfig& config, store::Store& store) {
  for (size_t index = 0; index < config.services.size(); ++index) {
    store::ServiceRecord record;
    record.config = config.services[index];
    if (index < config.service_descriptions.size()) {
      record.description = config.service_descriptions[index];
    }
    record.source = "config";
    auto saved = store.upsert_config_service(record);
    if (!saved) return saved.error();
  }
  return {};
}

Status sync_services_from_store(store::Store& store, ServiceRegistry& services) {
  auto records = store.list_services();
  if (!records) return records.error();
  std::set<std::string> active;
  for (const auto& record : *records) {
    if (!record.is_active) continue;
    active.insert(record.config.name);
    auto current = services.find(record.config.name);
    if (current && current->id == record.id && current->config == record.config &&
        current->description == record.description) {
      continue;
    }
    auto service = make_service(record.config, record.id, record.description);
    if (!service) {
      std::cerr << "lakegate: " << service.error().message << "\n";
      continue;
    }
    services.put(std::move(*service));
  }
  for (const auto& service : services.all()) {
    if (!active.count(service->config.name)) services.remove(service->config.name);
  }
  return {};
}

Security::Security(const config::GatewayConfig& config, ServiceRegistry& services)
    : config_(config),
      services_(services),
      throttle_(auth::LoginThrottleOptions{
          config.security.login_free_failures, 1.0,
          static_cast<double>(config.security.login_max_delay_seconds)}) {}

Result<std::unique_ptr<Security>> Security::open(const config::GatewayConfig& config,
                                                 ServiceRegistry& services) {
  std::unique_ptr<Security> security(new Security(config, services));
  auto box = master_box(config);
  if (!box) return box.error();
  security->jwt_key_ = box->derive_key("lakegate-jwt-v1");
  auto store = store::Store::open(store_url(config), std::move(*box));
  if (!store) return store.error();
  security->store_ = std::move(*store);

  if (Status saved = save_config_services(config, *security->store_); !saved) {
    return saved.error();
  }
  if (Status synced = sync_services_from_store(*security->store_, services); !synced) {
    return synced.error();
  }
  security->services_counter_ =
      security->store_->change_counter().ok() ? *security->store_->change_counter() : -1;
  security->state_ = std::make_unique<auth::SecurityState>(*security->store_);
  if (Status loaded = security->state_->reload(); !loaded) return loaded.error();

  if (config.rate_limits.backend == "memory") {
    security->limiter_ = std::make_unique<auth::RateLimiter>(auth::make_memory_bucket_store());
  } else {
    auto buckets =
        auth::make_redis_bucket_store(config.rate_limits.backend, config.rate_limits.key_prefix);
    if (!buckets) return buckets.error();
    security->limiter_ = std::make_unique<auth::RateLimiter>(std::move(*buckets));
  }
  auth::AuditOptions audit;
  audit.file = config.audit.file;
  audit.max_file_bytes = config.audit.max_file_bytes;
  audit.max_files = config.audit.max_files;
  audit.to_store = config.audit.to_store;
  audit.queue_capacity = static_cast<size_t>(config.audit.queue_capacity);
  audit.warn = [](std::string_view message, std::string_view detail) {
    http::log_server_warning(message, detail);
  };
  security->audit_ = std::make_unique<auth::AuditLog>(
      audit, config.audit.to_store ? security->store_.get() : nullptr);
  security->node_id_ = crypto::hex_encode(crypto::random_bytes(8));
  if (auto last = security->store_->last_table_write()) security->seen_write_ = *last;
  services.write_announcer().set(
      [s = security.get()](const TableWriteNote& note) { s->queue_write(note); });
  security->poller_ = std::thread([s = security.get()] { s->poll_loop(); });
  return security;
}

Security::~Security() {
  services_.write_announcer().set({});
  stopping_ = true;
  if (poller_.joinable()) poller_.join();
  audit_.reset();  // drains the queue into the store before it closes
}

void Security::changed() {
  (void)state_->reload();
  (void)sync_services_from_store(*store_, services_);
}

void Security::queue_write(const TableWriteNote& note) {
  std::lock_guard lock(writes_mutex_);
  // Bounded while the store is unreachable: past this, other nodes still see
  // the writes within their version_ttl_ms and cache_ttl.
  if (unsent_writes_.size() >= 10000) return;
  store::TableWriteRecord record;
  record.service = note.service;
  record.table_name = note.table;
  record.is_ddl = note.ddl;
  record.node = node_id_;
  unsent_writes_.push_back(std::move(record));
}

void Security::exchange_writes() {
  std::vector<store::TableWriteRecord> unsent;
  {
    std::lock_guard lock(writes_mutex_);
    unsent.swap(unsent_writes_);
  }
  if (Status sent = store_->append_table_writes(unsent); !sent) {
    std::lock_guard lock(writes_mutex_);
    unsent_writes_.insert(unsent_writes_.begin(), unsent.begin(), unsent.end());
    return;
  }
  auto writes = store_->table_writes_after(seen_write_);
  if (!writes) return;
  for (const store::TableWriteRecord& write : *writes) {
    seen_write_ = write.seq;
    if (write.node == node_id_) continue;
    services_.forget_written({write.service, write.table_name, write.is_ddl});
  }
}

void Security::poll_loop() {
  const auto interval = std::chrono::seconds(config_.security.reload_interval_seconds);
  auto next = std::chrono::steady_clock::now() + interval;
  auto next_exchange = std::chrono::steady_clock::now() + kWriteJournalInterval;
  while (!stopping_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (std::chrono::steady_clock::now() >= next_exchange) {
      next_exchange = std::chrono::steady_clock::now() + kWriteJournalInterval;
      exchange_writes();
    }
    if (std::chrono::steady_clock::now() < next) continue;
    next = std::chrono::steady_clock::now() + interval;
    auto counter = store_->change_counter();
    if (!counter || *counter == state_->snapshot()->change_counter) continue;
    changed();
  }
}

}  // namespace lakegate::api
