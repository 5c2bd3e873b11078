#include "util/blocking_guard.h"

#include <string>

namespace lakegate::util {
namespace {
thread_local NonBlockingScope* current_scope = nullptr;
}  // namespace

NonBlockingScope::NonBlockingScope() {
  current_scope = this;
}

NonBlockingScope::~NonBlockingScope() {
  if (current_scope == this) current_scope = nullptr;
}

bool may_block() {
  return current_scope == nullptr;
}

Error refuse_blocking(std::string_view what) {
  if (current_scope != nullptr) current_scope->refused_ = true;
  return Error(ErrorCode::kBackendUnavailable,
               "would block on the event loop: " + std::string(what));
}

bool take_blocking_refusal() {
  if (current_scope == nullptr || !current_scope->refused_) return false;
  current_scope->refused_ = false;
  return true;
}

}  // namespace lakegate::util
