// Store: the table write journal that lets nodes sharing a store drop what
// they cached about a table another node wrote.
#include "store/store.h"
#include "store/store_internal.h"
#include "store/transaction.h"

namespace lakegate::store {

Status Store::append_table_writes(const std::vector<TableWriteRecord>& writes, int64_t keep) {
  if (writes.empty()) return ok_status();
  std::lock_guard lock(mutex_);
  return run_transaction(*db_, [&]() -> Status {
    for (const TableWriteRecord& write : writes) {
      auto inserted = db_->query(
          "INSERT INTO table_write (service, table_name, is_ddl, node) VALUES (?, ?, ?, ?)",
          {write.service, write.table_name, flag_param(write.is_ddl), write.node});
      if (!inserted) return inserted.error();
    }
    auto pruned =
        db_->query("DELETE FROM table_write WHERE seq <= (SELECT MAX(seq) FROM table_write) - ?",
                   {integer_param(keep)});
    if (!pruned) return pruned.error();
    return ok_status();
  });
}

Result<std::vector<TableWriteRecord>> Store::table_writes_after(int64_t after, int64_t limit) {
  std::lock_guard lock(mutex_);
  auto rows = db_->query(
      "SELECT seq, service, table_name, is_ddl, node FROM table_write WHERE seq > ? "
      "ORDER BY seq LIMIT ?",
      {integer_param(after), integer_param(limit)});
  if (!rows) return rows.error();
  std::vector<TableWriteRecord> writes;
  writes.reserve(rows->size());
  for (const DbRow& row : *rows) {
    RowReader reader(row);
    TableWriteRecord& write = writes.emplace_back();
    write.seq = reader.integer();
    write.service = reader.text();
    write.table_name = reader.text();
    write.is_ddl = reader.flag();
    write.node = reader.text();
    if (auto status = reader.status(); !status) return status.error();
  }
  return writes;
}

Result<int64_t> Store::last_table_write() {
  std::lock_guard lock(mutex_);
  auto rows = db_->query("SELECT COALESCE(MAX(seq), 0) FROM table_write");
  if (!rows) return rows.error();
  if (rows->empty()) return int64_t{0};
  RowReader reader(rows->front());
  const int64_t seq = reader.integer();
  if (auto status = reader.status(); !status) return status.error();
  return seq;
}

}  // namespace lakegate::store
