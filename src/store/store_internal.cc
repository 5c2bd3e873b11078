#include "store/store_internal.h"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>

#include "store/transaction.h"

namespace lakegate::store {
namespace {

std::string format_utc(std::time_t seconds, const char* format) {
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char text[40];
  const size_t length = std::strftime(text, sizeof text, format, &parts);
  return std::string(text, length);
}

}  // namespace

std::string utc_now_iso8601() {
  return format_utc(std::time(nullptr), "%Y-%m-%dT%H:%M:%SZ");
}

std::string utc_now_rfc3339_millis() {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  const int64_t millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count();
  std::string text = format_utc(static_cast<std::time_t>(millis / 1000), "%Y-%m-%dT%H:%M:%S");
  char fraction[8];
  std::snprintf(fraction, sizeof fraction, ".%03dZ", static_cast<int>(millis % 1000));
  return text + fraction;
}

Status run_write(Database& db, const std::function<Status()>& body) {
  return run_transaction(db, [&]() -> Status {
    if (auto bumped = db.query("UPDATE change_counter SET value = value + 1 WHERE id = 1");
        !bumped) {
      return bumped.error();
    }
    return body();
  });
}

Status delete_by_id(Database& db, std::string_view table, std::string_view what, int64_t id) {
  const std::string sql = "DELETE FROM " + std::string(table) + " WHERE id = ? RETURNING id";
  return run_write(db, [&] { return expect_row(db.query(sql, {integer_param(id)}), what, id); });
}

Status expect_row(const Result<std::vector<DbRow>>& rows, std::string_view what, int64_t id) {
  if (!rows) return rows.error();
  if (rows->empty()) return not_found(what, id);
  return ok_status();
}

DbValue integer_param(int64_t value) {
  return std::to_string(value);
}

DbValue flag_param(bool value) {
  return std::string(value ? "1" : "0");
}

DbValue optional_id_param(const std::optional<int64_t>& id) {
  if (!id) return std::nullopt;
  return std::to_string(*id);
}

DbValue real_param(double value) {
  char text[32];
  const auto result = std::to_chars(text, text + sizeof text, value);
  return std::string(text, result.ptr);
}

DbValue nullable_text_param(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return text;
}

Result<std::string> open_secret(const crypto::SecretBox& secrets, std::string_view sealed,
                                std::string_view what) {
  if (sealed.empty()) return std::string();
  auto plaintext = secrets.open(sealed);
  if (!plaintext) {
    return Error(ErrorCode::kStore, std::string(what) + ": " + plaintext.error().message);
  }
  return plaintext;
}

Error not_found(std::string_view what, int64_t id) {
  return Error(ErrorCode::kNotFound, std::string(what) + " " + std::to_string(id) + " not found");
}

Error corrupt(std::string_view what) {
  return Error(ErrorCode::kStore, "store holds malformed " + std::string(what));
}

Result<int64_t> returned_id(const Result<std::vector<DbRow>>& rows) {
  if (!rows) return rows.error();
  if (rows->empty()) return corrupt("RETURNING result (no row)");
  RowReader reader(rows->front());
  const int64_t id = reader.integer();
  if (auto status = reader.status(); !status) return status.error();
  return id;
}

const DbValue* RowReader::next(std::string_view kind) {
  if (error_) return nullptr;
  if (column_ >= row_.size()) {
    error_ = corrupt("row (too few columns)");
    return nullptr;
  }
  const DbValue* cell = &row_[column_++];
  if (!*cell && kind != "nullable") {
    error_ = corrupt(std::string(kind) + " column " + std::to_string(column_ - 1) + " (NULL)");
    return nullptr;
  }
  return cell;
}

std::string RowReader::text() {
  const DbValue* cell = next("nullable");
  return cell && *cell ? **cell : std::string();
}

int64_t RowReader::integer() {
  const DbValue* cell = next("integer");
  int64_t value = 0;
  if (!cell) return value;
  const std::string& text = **cell;
  if (std::from_chars(text.data(), text.data() + text.size(), value).ec != std::errc()) {
    error_ = corrupt("integer column " + std::to_string(column_ - 1));
  }
  return value;
}

std::optional<int64_t> RowReader::optional_integer() {
  if (!error_ && column_ < row_.size() && !row_[column_]) {
    ++column_;
    return std::nullopt;
  }
  return integer();
}

bool RowReader::flag() {
  const DbValue* cell = next("flag");
  if (!cell) return false;
  const std::string& text = **cell;
  if (text == "1" || text == "t" || text == "true") return true;
  if (text != "0" && text != "f" && text != "false") {
    error_ = corrupt("flag column " + std::to_string(column_ - 1));
  }
  return false;
}

double RowReader::real() {
  const DbValue* cell = next("real");
  double value = 0;
  if (!cell) return value;
  const std::string& text = **cell;
  if (std::from_chars(text.data(), text.data() + text.size(), value).ec != std::errc()) {
    error_ = corrupt("real column " + std::to_string(column_ - 1));
  }
  return value;
}

Status RowReader::status() const {
  if (error_) return *error_;
  return ok_status();
}

}  // namespace lakegate::store
