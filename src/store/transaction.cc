#include "store/transaction.h"

namespace lakegate::store {

Status run_transaction(Database& db, const std::function<Status()>& body) {
  const char* begin = db.dialect() == "sqlite" ? "BEGIN IMMEDIATE" : "BEGIN";
  if (auto begun = db.query(begin); !begun) return begun.error();
  Status status = body();
  if (status) {
    auto committed = db.query("COMMIT");
    if (committed) return ok_status();
    status = committed.error();
  }
  (void)db.query("ROLLBACK");  // best effort: the original error is what matters
  return status;
}

}  // namespace lakegate::store
