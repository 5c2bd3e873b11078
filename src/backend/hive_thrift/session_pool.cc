#include "backend/hive_thrift/session_pool.h"

#include <algorithm>
#include <thread>

namespace lakegate::backend::hive_thrift {
namespace {

using Clock = Connection::Clock;

// A connection idle longer than this is checked before reuse.
constexpr auto kCheckAfterIdle = std::chrono::seconds(2);
constexpr auto kHealthCheckTimeout = std::chrono::seconds(5);
// Refused connects are retried this long at most (never past the deadline).
constexpr auto kConnectRetryBudget = std::chrono::seconds(10);
constexpr auto kFirstBackoff = std::chrono::milliseconds(200);
constexpr auto kMaxBackoff = std::chrono::seconds(2);

}  // namespace

ConnectionPool::ConnectionPool(Endpoint endpoint, size_t capacity, OnOpen on_open)
    : endpoint_(std::move(endpoint)),
      capacity_(std::max<size_t>(capacity, 1)),
      on_open_(std::move(on_open)) {}

ConnectionPool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->give_back(std::move(connection_), discarded_, fresh_);
}

void ConnectionPool::give_back(std::unique_ptr<Connection> connection, bool discarded, bool fresh) {
  std::unique_ptr<Connection> to_close;
  {
    std::lock_guard lock(mutex_);
    --leased_;
    if (discarded || fresh || closed_ || connection == nullptr || connection->broken()) {
      to_close = std::move(connection);
    } else {
      (connection->read_only_ready ? idle_read_only_ : idle_).push_back(std::move(connection));
    }
  }
  freed_.notify_one();
  if (to_close && fresh) {
    std::shared_ptr<Connection> closing(std::move(to_close));
    closer_.post([closing] { closing->close(); });
  } else if (to_close) {
    to_close->close();
  }
}

bool ConnectionPool::healthy(Connection& connection, const CancelToken& cancel) {
  tcli::TGetInfoReq request;
  request.sessionHandle = connection.session();
  request.infoType = tcli::TGetInfoType::CLI_DBMS_VER;
  tcli::TGetInfoResp response;
  auto deadline = std::min(cancel.deadline(), Clock::now() + kHealthCheckTimeout);
  auto called = connection.call("GetInfo", deadline, [&](tcli::TCLIServiceClient& client) {
    client.GetInfo(response, request);
  });
  return called && Connection::check(response.status, "GetInfo");
}

Result<std::unique_ptr<Connection>> ConnectionPool::open_connection(const CancelToken& cancel) {
  const auto retry_end = std::min(cancel.deadline(), Clock::now() + kConnectRetryBudget);
  auto backoff = std::chrono::milliseconds(kFirstBackoff);
  while (true) {
    auto connection = Connection::open(endpoint_, cancel.deadline());
    if (connection) {
      if (on_open_) {
        if (auto ready = on_open_(**connection, cancel.deadline()); !ready) {
          (*connection)->close();
          return ready.error();
        }
      }
      return connection;
    }
    // Only refused or reset connects are worth another try.
    if (connection.error().code != ErrorCode::kBackendUnavailable ||
        connection.error().message.find("TLS") != std::string::npos || cancel.cancelled() ||
        Clock::now() + backoff >= retry_end) {
      return connection.error();
    }
    std::this_thread::sleep_for(backoff);
    backoff = std::min<std::chrono::milliseconds>(backoff * 2, kMaxBackoff);
  }
}

Status ConnectionPool::take_slot(std::unique_lock<std::mutex>& lock, const CancelToken& cancel,
                                 const std::vector<std::unique_ptr<Connection>>* idle) {
  while (true) {
    if (closed_) return Error(ErrorCode::kBackendUnavailable, "the backend is shutting down");
    if (cancel.cancelled())
      return Error(ErrorCode::kCancelled, "cancelled while waiting for a session");
    if ((idle != nullptr && !idle->empty()) || leased_ < capacity_) break;
    if (freed_.wait_until(
            lock, std::min(cancel.deadline(), Clock::now() + std::chrono::milliseconds(100))) ==
            std::cv_status::timeout &&
        cancel.expired()) {
      return Error(ErrorCode::kTimeout, "no Thrift session became free before the service timeout");
    }
  }
  ++leased_;
  return {};
}

Result<ConnectionPool::Lease> ConnectionPool::acquire_fresh(const CancelToken& cancel) {
  Lease lease(this, nullptr, true);
  std::unique_ptr<Connection> expired;
  {
    std::unique_lock lock(mutex_);
    if (Status slot = take_slot(lock, cancel, nullptr); !slot) {
      lease.pool_ = nullptr;  // no slot was taken
      return slot.error();
    }
    if (!spares_.empty()) {
      std::unique_ptr<Connection> spare = std::move(spares_.back());
      spares_.pop_back();
      if (Clock::now() - spare->opened < kSpareMaxAge) {
        lease.connection_ = std::move(spare);
      } else {
        expired = std::move(spare);
      }
    }
  }
  if (expired) {
    closer_.post([closing = std::shared_ptr<Connection>(std::move(expired))] { closing->close(); });
  }
  refill_spares();
  if (lease.connection_) return lease;
  auto opened = open_connection(cancel);
  if (!opened) return opened.error();  // the lease gives the slot back
  lease.connection_ = std::move(*opened);
  return lease;
}

void ConnectionPool::refill_spares() {
  {
    std::lock_guard lock(mutex_);
    if (refilling_ || closed_) return;
    refilling_ = true;
  }
  closer_.post([this] {
    while (true) {
      {
        std::lock_guard lock(mutex_);
        if (closed_ || spares_.size() >= kSpares) break;
      }
      CancelToken deadline(Clock::now() + std::chrono::seconds(30));
      auto opened = open_connection(deadline);
      if (!opened) break;  // the next fresh request tries again
      std::unique_lock lock(mutex_);
      if (closed_) {
        lock.unlock();
        (*opened)->close();
        break;
      }
      spares_.push_back(std::move(*opened));
    }
    std::lock_guard lock(mutex_);
    refilling_ = false;
  });
}

Result<ConnectionPool::Lease> ConnectionPool::acquire(const CancelToken& cancel, bool read_only) {
  std::unique_ptr<Connection> connection;
  {
    std::unique_lock lock(mutex_);
    auto& idle = read_only ? idle_read_only_ : idle_;
    if (Status slot = take_slot(lock, cancel, &idle); !slot) return slot.error();
    if (!idle.empty()) {
      connection = std::move(idle.back());
      idle.pop_back();
    }
  }
  Lease lease(this, nullptr);
  if (connection && Clock::now() - connection->last_used > kCheckAfterIdle &&
      !healthy(*connection, cancel)) {
    connection->mark_broken();
    connection.reset();
    drop_idle();  // the server probably restarted: the others are dead too
  }
  if (!connection) {
    auto opened = open_connection(cancel);
    if (!opened) return opened.error();  // the lease gives the slot back
    connection = std::move(*opened);
  }
  lease.connection_ = std::move(connection);
  return lease;
}

void ConnectionPool::drop_idle() {
  std::vector<std::unique_ptr<Connection>> dropped;
  {
    std::lock_guard lock(mutex_);
    dropped.swap(idle_);
    for (auto& connection : idle_read_only_) dropped.push_back(std::move(connection));
    idle_read_only_.clear();
    // Spares opened before the failure are as dead as the idle connections.
    for (auto& spare : spares_) dropped.push_back(std::move(spare));
    spares_.clear();
  }
  for (auto& connection : dropped) connection->mark_broken();  // closes without CloseSession
}

void ConnectionPool::close() {
  std::vector<std::unique_ptr<Connection>> idle;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    idle.swap(idle_);
    for (auto& connection : idle_read_only_) idle.push_back(std::move(connection));
    idle_read_only_.clear();
    for (auto& spare : spares_) idle.push_back(std::move(spare));
    spares_.clear();
  }
  freed_.notify_all();
  for (auto& connection : idle) connection->close();
}

}  // namespace lakegate::backend::hive_thrift
