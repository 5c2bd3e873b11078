// Tells whether a SQL text sent through _query may change what the metadata
// cache holds: its first keyword (after whitespace, `--` line comments and
// `/* */` block comments, which Spark lets nest) is one of CREATE, DROP,
// ALTER, REPLACE, TRUNCATE, MSCK, REFRESH, USE, COMMENT, RESTORE, CONVERT,
// GRANT, REVOKE, UNDROP, REPAIR or SYNC (any case). Plain reads and writes
// (SELECT, INSERT, UPDATE, MERGE, ...) keep the cache. Pure; thread-safe.
#pragma once

#include <string_view>

namespace lakegate::catalog {

bool changes_metadata(std::string_view sql);

// The first keyword of `sql` (see above), upper-cased; "" when none.
std::string_view first_keyword(std::string_view sql, char (&buffer)[16]);

}  // namespace lakegate::catalog
