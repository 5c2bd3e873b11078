#include "api/table/write_turns.h"

namespace lakegate::api {

std::optional<TableWriteTurns::Turn> TableWriteTurns::take(
    const std::string& table, std::chrono::steady_clock::time_point deadline) {
  std::shared_ptr<std::timed_mutex> gate;
  {
    std::lock_guard lock(mutex_);
    auto& slot = by_table_[table];
    if (!slot) slot = std::make_shared<std::timed_mutex>();
    gate = slot;
  }
  Turn turn(*gate, std::defer_lock);
  if (!turn.try_lock_until(deadline)) return std::nullopt;
  return turn;
}

}  // namespace lakegate::api
