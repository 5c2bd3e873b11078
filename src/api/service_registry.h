// The services and their backends, by name. Built at start from the config
// file and the store; services added, changed or removed through the admin
// API are swapped in while lakegate runs: a request holds a shared_ptr to the
// Service it started with, so a replaced service's backend lives until its
// last request ends. Backends connect lazily, so lakegate starts even while
// Spark is down (and answers 503 until it is back). Thread-safe.
//
// Unity Catalog mode: for a service with use_unity_catalog, `as_caller`
// gives a copy of the service whose backend authenticates with the caller's
// own Databricks token (cached per token hash, a bounded number of them).
#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "api/cache/shared_answers.h"
#include "api/table/write_turns.h"
#include "cache/result_cache.h"
#include "catalog/metadata_cache.h"
#include "config/gateway_config.h"
#include "core/backend.h"
#include "util/result.h"

namespace lakegate::api {

// A write through this node that other nodes must hear of (they drop the
// versions and TTL-bound answers they cached for it). `table` is the
// resolved name as TableName::display() shows it, or "*" when the tables
// written are not known (SQL of a full grant); `ddl` when the statement may
// have created, dropped or altered tables.
struct TableWriteNote {
  std::string service;
  std::string table;
  bool ddl = false;
};

// Where a node's writes are told (api::Security sets the store's journal);
// shared by every Service of a registry. Thread-safe.
class WriteAnnouncer {
 public:
  void set(std::function<void(const TableWriteNote&)> listener);
  void announce(const TableWriteNote& note) const;

 private:
  mutable std::mutex mutex_;
  std::function<void(const TableWriteNote&)> listener_;
};

struct Service {
  config::ServiceConfig config;
  int64_t id = 0;           // the store's id (0 when security is off)
  std::string description;  // shown in the service list
  std::unique_ptr<backend::Backend> backend;
  std::unique_ptr<catalog::MetadataCache> metadata;  // over `backend`
  // Answers of reads (config.cache_enabled), else null (api/cache/); and,
  // when the gateway has result_cache.shared, their tier in Redis.
  std::unique_ptr<cache::ResultCache> results;
  std::shared_ptr<SharedAnswers> shared_results;
  // Writes to one table take turns on this node (api/table/write_turns.h).
  TableWriteTurns write_turns;
  // Tells other nodes of this node's writes (set by the registry; never null
  // once the service is in a registry).
  std::shared_ptr<const WriteAnnouncer> writes = std::make_shared<WriteAnnouncer>();
};

// A service ready to serve: backend created from `config` (which must be valid).
Result<std::shared_ptr<Service>> make_service(const config::ServiceConfig& config, int64_t id,
                                              std::string description);

class ServiceRegistry {
 public:
  // Creates a backend for every service of the file; fails if any is unusable.
  static Result<std::unique_ptr<ServiceRegistry>> create(const config::GatewayConfig& config);

  // The service named `name`, or null.
  std::shared_ptr<Service> find(const std::string& name) const;
  // All services in the order they were defined (store id, then first addition).
  std::vector<std::shared_ptr<Service>> all() const;

  // Adds or replaces the service of that name (its old backend is shut down
  // once unused). Removing an unknown name is a no-op.
  void put(std::shared_ptr<Service> service);
  void remove(const std::string& name);

  // The service as run with `token` (Unity Catalog mode); cached per token.
  Result<std::shared_ptr<Service>> as_caller(const std::shared_ptr<Service>& service,
                                             const std::string& token);

  // Interrupts running operations of every backend (shutdown).
  void shutdown();

  // Where every service's writes are announced (Security: the store's journal).
  WriteAnnouncer& write_announcer() { return *announcer_; }
  // Drops what this node cached about a table another node wrote: its
  // looked-up version (all versions for "*", all metadata after DDL) and the
  // TTL-bound result-cache answers (all of them after DDL), in the service
  // of that name and its Unity Catalog caller copies.
  void forget_written(const TableWriteNote& note);

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<WriteAnnouncer> announcer_ = std::make_shared<WriteAnnouncer>();
  std::shared_ptr<SharedAnswers> shared_answers_;  // result_cache.shared, or null
  std::map<std::string, std::shared_ptr<Service>> by_name_;
  std::map<std::string, uint64_t> first_added_;  // name → sequence number
  uint64_t next_sequence_ = 0;
  // Caller-token copies: key = service name + '\n' + sha256(token); most recent first.
  std::list<std::pair<std::string, std::shared_ptr<Service>>> caller_services_;
};

}  // namespace lakegate::api
