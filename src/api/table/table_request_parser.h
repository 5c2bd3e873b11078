// Stage 1 of a _table request: reads DreamFactory's options (and their
// aliases) from the query string and, for tunnelled or wrapped requests, the
// JSON body, plus the records of a write body. Nothing is checked against the
// table here (sql/ does that); only the option syntax: numbers, booleans,
// the order clause, conflicting options. Errors are kBadRequest.
//
// Option names (query string; also JSON members of a GET body or of a
// {"resource":[…]} write body; the query string wins):
//   filter|where  fields|select  limit|top  offset|skip  order|sort|order_by
//   group|group_by  ids  id_field  include_count  count_only  as_list
//   include_schema  history  file  cursor  as_of_version  as_of_timestamp
//   continue  rollback  params
// `params` fills `:name` in the filter: in the body {"params":{":s":"x"}},
// {"params":{"s":"x"}} or [{"name":"s","value":"x"}]; in the query string
// params[s]=x (or params[:s]=x) for string values, or params=<JSON object>.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/handler.h"
#include "sql/table_request.h"
#include "util/result.h"

namespace lakegate::api {

// One record of a write body, with each value's JSON text kept for echoing.
struct ParsedRecord {
  sql::Record values;
  std::vector<std::string> raw_json;  // parallel to `values`
  // The JSON text of column `name` (case-insensitive), or nullptr.
  const std::string* raw(std::string_view name) const;
};

struct TableOptions {
  sql::ReadRequest read;  // limit: as asked (0 = not given); offset; time travel
  bool include_count = false;
  bool count_only = false;
  bool as_list = false;
  bool include_schema = false;
  bool history = false;
  bool continue_on_error = false;
  bool rollback = false;
  std::string file;    // file=…: download name
  std::string cursor;  // cursor=… from a previous page's meta.next_cursor
  // Write body: the records ({"resource":[…]} or a bare array), or the one
  // bare object (`single_object`). Empty for GET.
  std::vector<ParsedRecord> records;
  bool single_object = false;
  bool has_body_records = false;  // the body held records (possibly zero)
};

// Parses the query string and body of `request` (`request.method` decides how
// the body is read: GET → options object; writes → records, options only
// inside a {"resource":…} wrapper).
Result<TableOptions> parse_table_options(const http::Request& request);

// "a desc nulls last, `b c` asc" → terms. `;` or unknown words → 400.
Result<std::vector<sql::OrderTerm>> parse_order(std::string_view text);

// Splits a comma-separated list, trimming blanks and dropping empty items.
std::vector<std::string> split_list(std::string_view text);

// Boolean option text: true/1/yes/on or "" → true, false/0/no/off → false.
Result<bool> parse_flag(std::string_view name, std::string_view text);

}  // namespace lakegate::api
