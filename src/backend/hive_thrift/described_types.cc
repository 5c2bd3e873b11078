#include "backend/hive_thrift/described_types.h"

namespace lakegate::backend::hive_thrift {

std::string statement_shape(const Statement& statement) {
  std::string shape = statement.sql;
  const auto add_kind = [&shape](const Value& value) {
    shape.push_back('\0');
    shape += std::to_string(static_cast<int>(value.kind));
  };
  for (const Value& value : statement.positional) add_kind(value);
  for (const auto& [name, value] : statement.named) {
    shape.push_back('\0');
    shape += name;
    add_kind(value);
  }
  return shape;
}

std::optional<std::vector<std::string>> DescribedTypes::find(const std::string& shape,
                                                             const std::vector<std::string>& names,
                                                             Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto found = by_shape_.find(shape);
  if (found == by_shape_.end()) return std::nullopt;
  auto it = found->second;
  if (it->expires <= now || it->names != names) {
    by_shape_.erase(found);
    lru_.erase(it);
    return std::nullopt;
  }
  lru_.splice(lru_.begin(), lru_, it);
  return it->types;
}

void DescribedTypes::store(const std::string& shape, std::vector<std::string> names,
                           std::vector<std::string> types, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (auto found = by_shape_.find(shape); found != by_shape_.end()) {
    lru_.erase(found->second);
    by_shape_.erase(found);
  }
  lru_.push_front({shape, std::move(names), std::move(types), now + ttl_});
  by_shape_[shape] = lru_.begin();
  while (lru_.size() > capacity_) {
    by_shape_.erase(lru_.back().shape);
    lru_.pop_back();
  }
}

}  // namespace lakegate::backend::hive_thrift
