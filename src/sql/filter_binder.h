// Binds a parsed filter (sql/filter_ast.h) to a table: every column is
// resolved case-insensitively against the TableSchema and emitted only as the
// schema's spelling through util::quote_sql_identifier; every value (literal,
// `:placeholder` from the request's params, `{lookup}` from lookup values)
// becomes a bound `?` parameter; operators come from a closed set. The output
// is fully parenthesised. Errors are kBadRequest: unknown column
// ("Invalid or unparsable field in filter request: 'x'"), unknown parameter
// or lookup, non-scalar or null parameter. Pure.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/table_schema.h"
#include "sql/filter_ast.h"
#include "sql/sql_fragment.h"
#include "sql/table_request.h"
#include "util/result.h"

namespace lakegate::sql {

// Values of `{name}` tokens ("user.id", "role.name", custom lookups, ...).
using LookupValues = std::map<std::string, backend::Value, std::less<>>;
// `:name` → value, as the request's params (names with or without the ':').
using FilterParams = std::vector<std::pair<std::string, ClientValue>>;

// A server-side row filter (e.g. a role's) ANDed into the WHERE of every
// SELECT, count, UPDATE and DELETE, plus the lookup values that fill `{name}`
// tokens in it and in the client's filter. Default: no policy, no lookups.
struct PolicyFilter {
  std::shared_ptr<const filter::Node> expression;  // null = no policy filter
  LookupValues lookups;
  // The table `expression` is bound against: the full table, so a policy may
  // test columns hidden from the caller. Null = the request's table.
  std::shared_ptr<const catalog::TableSchema> schema;
};

// `node` as SQL over `table`. `lookups` may be null (then any `{name}` is a 400).
Result<SqlFragment> bind_filter(const filter::Node& node, const catalog::TableSchema& table,
                                const FilterParams& params, const LookupValues* lookups);

// Parses and binds `text`; blank text gives an empty fragment (no filter).
Result<SqlFragment> bind_filter_text(std::string_view text, const catalog::TableSchema& table,
                                     const FilterParams& params, const LookupValues* lookups);

// Escapes LIKE's wildcards `%`, `_` and the escape character `!` itself with
// `!`, for `LIKE ? ESCAPE '!'` (CONTAINS / STARTS WITH / ENDS WITH).
std::string escape_like(std::string_view text);

}  // namespace lakegate::sql
