// Everything security needs at run time, opened once by `lakegate serve`:
// the system store (SQLite or PostgreSQL) with the master key, the identity
// snapshot, the rate limiter, the audit log, the login throttle and the JWT
// signing key. Opening also syncs the config file's services into the store
// and adds the services created through the admin API to the registry.
// `open_store` alone serves the CLI commands.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "api/service_registry.h"
#include "auth/audit_log.h"
#include "auth/login_throttle.h"
#include "auth/rate_limiter.h"
#include "auth/security_state.h"
#include "config/gateway_config.h"
#include "store/store.h"

namespace lakegate::api {

// The store URL of `config` (default: sqlite://<config dir>/lakegate.db) and
// its master key (LAKEGATE_MASTER_KEY, else the key file).
Result<std::unique_ptr<store::Store>> open_store(const config::GatewayConfig& config);

class Security {
 public:
  // REQUIRES: `services` outlives the Security.
  static Result<std::unique_ptr<Security>> open(const config::GatewayConfig& config,
                                                ServiceRegistry& services);
  ~Security();

  bool enabled() const { return config_.security.enabled; }
  const config::GatewayConfig& config() const { return config_; }
  store::Store& store() { return *store_; }
  auth::SecurityState& state() { return *state_; }
  auth::RateLimiter& limiter() { return *limiter_; }
  auth::AuditLog& audit() { return *audit_; }
  auth::LoginThrottle& throttle() { return throttle_; }
  ServiceRegistry& services() { return services_; }
  const std::string& jwt_key() const { return jwt_key_; }

  // After an admin change: reload the snapshot now (this node) — other nodes
  // notice through the change counter within reload_interval_seconds.
  void changed();

  // How often the table write journal is exchanged with the store: this
  // node's writes sent, other nodes' writes applied (forget_written).
  static constexpr std::chrono::milliseconds kWriteJournalInterval{250};

 private:
  Security(const config::GatewayConfig& config, ServiceRegistry& services);
  void poll_loop();
  // Queues a write of this node for the journal (called by any thread).
  void queue_write(const TableWriteNote& note);
  // Sends the queued writes and applies the other nodes' new ones.
  void exchange_writes();

  config::GatewayConfig config_;
  ServiceRegistry& services_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<auth::SecurityState> state_;
  std::unique_ptr<auth::RateLimiter> limiter_;
  std::unique_ptr<auth::AuditLog> audit_;
  auth::LoginThrottle throttle_;
  std::string jwt_key_;
  std::atomic<bool> stopping_{false};
  std::thread poller_;
  int64_t services_counter_ = -1;  // change counter the registry was last synced at
  std::string node_id_;            // random per process: the journal skips its own rows
  std::mutex writes_mutex_;
  std::vector<store::TableWriteRecord> unsent_writes_;  // guarded by writes_mutex_
  int64_t seen_write_ = 0;  // the journal's last sequence applied (poller thread only)
};

// Records the config file's services in the store (source "config"), so roles
// and limits can name them; unchanged ones are not rewritten.
Status save_config_services(const config::GatewayConfig& config, store::Store& store);

// Makes the registry hold exactly the active services of the store (config
// services keep their file definition). Used at start and after changes.
Status sync_services_from_store(store::Store& store, ServiceRegistry& services);

}  // namespace lakegate::api
