// Where a thread may wait. The HTTP event loop must never block: the server
// first tries each request there, inside a NonBlockingScope, and every call
// that would wait (Spark, the system store, Redis, a password hash, a full
// audit trail) asks may_block() first; inside the scope it refuses instead,
// with refuse_blocking(), and the scope remembers the refusal. The gateway
// then hands the request to a worker thread, which resumes it at the step
// that refused (api/filters/request_filter.h). Outside any scope (workers,
// tests, the CLI) may_block() is true and nothing changes.
#pragma once

#include <string_view>

#include "util/error.h"

namespace lakegate::util {

// While alive, may_block() is false on this thread. Scopes do not nest.
class NonBlockingScope {
 public:
  NonBlockingScope();
  ~NonBlockingScope();
  NonBlockingScope(const NonBlockingScope&) = delete;
  NonBlockingScope& operator=(const NonBlockingScope&) = delete;

  // Whether a call refused to block since the scope began (or since the
  // last take_blocking_refusal()).
  bool refused() const { return refused_; }

 private:
  friend Error refuse_blocking(std::string_view what);

  // Whether a call on this thread refused to block since the scope began or
  // since the last call; clears the mark. Always false outside a scope.
  bool take_blocking_refusal();
  friend bool take_blocking_refusal();
  bool refused_ = false;
};

// False inside a NonBlockingScope on this thread.
bool may_block();

// Called instead of waiting when may_block() is false: marks the scope and
// returns the error the caller passes up (it never reaches a client; the
// request moves to a worker). `what` names the wait, for the log of a bug.
Error refuse_blocking(std::string_view what);

// Whether a call on this thread refused to block since the scope began or
// since the last call; clears the mark. Always false outside a scope.
bool take_blocking_refusal();

}  // namespace lakegate::util
