#include "sql/sql_fragment.h"

#include "util/sql_identifier.h"

namespace lakegate::sql {

SqlFragment& SqlFragment::add(FixedSql fixed) {
  text_ += fixed.text();
  return *this;
}

SqlFragment& SqlFragment::add(const SqlFragment& other) {
  text_ += other.text_;
  params_.insert(params_.end(), other.params_.begin(), other.params_.end());
  return *this;
}

SqlFragment& SqlFragment::add_column(const catalog::Column& column) {
  util::append_quoted_identifier(text_, column.name);
  return *this;
}

SqlFragment& SqlFragment::add_alias(FixedSql prefix, const catalog::Column& column) {
  util::append_quoted_identifier(text_, std::string(prefix.text()) + column.name);
  return *this;
}

SqlFragment& SqlFragment::add_table(const catalog::TableName& name) {
  text_ += catalog::quote_table_name(name);
  return *this;
}

SqlFragment& SqlFragment::add_integer(int64_t number) {
  text_ += std::to_string(number);
  return *this;
}

SqlFragment& SqlFragment::add_param(backend::Value value) {
  text_ += '?';
  params_.push_back(std::move(value));
  return *this;
}

Status SqlFragment::add_scalar_type(std::string_view spark_type) {
  bool ok = !spark_type.empty() && spark_type.size() <= 64;
  for (char c : spark_type) {
    bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '_' || c == ' ' || c == '(' || c == ')' || c == ',';
    ok = ok && allowed;
  }
  if (!ok) {
    return Error(ErrorCode::kInternal,
                 "unexpected characters in the Spark type of a column: " + std::string(spark_type));
  }
  text_ += spark_type;
  return {};
}

backend::Statement SqlFragment::to_statement() && {
  backend::Statement statement;
  statement.sql = std::move(text_);
  statement.positional = std::move(params_);
  return statement;
}

SqlFragment join(const std::vector<SqlFragment>& parts, FixedSql separator) {
  SqlFragment out;
  for (size_t index = 0; index < parts.size(); ++index) {
    if (index > 0) out.add(separator);
    out.add(parts[index]);
  }
  return out;
}

}  // namespace lakegate::sql
