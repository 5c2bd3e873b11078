// Helpers shared by the store_*.cc files, private to the store: timestamps,
// the write transaction that bumps the change counter, parameter encoders and
// a RowReader that decodes one result row column by column.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/secret_box.h"
#include "store/database.h"
#include "util/result.h"

namespace lakegate::store {

// Now as ISO 8601 UTC: "YYYY-MM-DDTHH:MM:SSZ" (record dates).
std::string utc_now_iso8601();
// Now as RFC 3339 UTC with milliseconds: "YYYY-MM-DDTHH:MM:SS.mmmZ" (audit times).
std::string utc_now_rfc3339_millis();

// Runs `body` in a transaction that first bumps change_counter, so other
// nodes see the write; the bump also serializes writers on PostgreSQL.
Status run_write(Database& db, const std::function<Status()>& body);

// DELETE FROM `table` WHERE id = ? as one write; kNotFound names `what`
// when no row matched. REQUIRES: `table` is one of the store's own tables.
Status delete_by_id(Database& db, std::string_view table, std::string_view what, int64_t id);
// kNotFound (naming `what`) when an UPDATE … RETURNING id matched no row.
Status expect_row(const Result<std::vector<DbRow>>& rows, std::string_view what, int64_t id);

// Parameter encoders: integers and flags as decimal text, absent ids as NULL.
DbValue integer_param(int64_t value);
DbValue flag_param(bool value);
DbValue optional_id_param(const std::optional<int64_t>& id);
DbValue real_param(double value);
// "" as NULL, for optional unique text columns.
DbValue nullable_text_param(const std::string& text);

// Opens a sealed column; "" (no secret) opens to "". kStore names `what`.
Result<std::string> open_secret(const crypto::SecretBox& secrets, std::string_view sealed,
                                std::string_view what);

Error not_found(std::string_view what, int64_t id);
Error corrupt(std::string_view what);

// The id in the first column of the first row of `rows` (INSERT … RETURNING id).
Result<int64_t> returned_id(const Result<std::vector<DbRow>>& rows);

// Reads one row left to right; the first malformed or missing column turns
// status() into kStore and later reads yield defaults.
class RowReader {
 public:
  explicit RowReader(const DbRow& row) : row_(row) {}

  std::string text();  // NULL reads as ""
  int64_t integer();
  std::optional<int64_t> optional_integer();  // NULL reads as nullopt
  bool flag();                                // 1/0 (SQLite) or t/f (PostgreSQL)
  double real();

  Status status() const;

 private:
  const DbValue* next(std::string_view kind);

  const DbRow& row_;
  size_t column_ = 0;
  std::optional<Error> error_;
};

}  // namespace lakegate::store
