// One transaction on a Database, private to the store: BEGIN, the caller's
// statements, COMMIT; ROLLBACK when any of them fails. On SQLite it begins
// IMMEDIATE, so concurrent writers (other connections to the same file) wait
// on the busy timeout up front instead of failing to upgrade a read lock.
#pragma once

#include <functional>

#include "store/database.h"
#include "util/result.h"

namespace lakegate::store {

// Runs `body` inside one transaction; returns body's error (after rolling
// back) or COMMIT's.
Status run_transaction(Database& db, const std::function<Status()>& body);

}  // namespace lakegate::store
