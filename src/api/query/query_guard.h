// Who may run raw SQL through _query, and how read-only SQL is made safe.
//   - sys-admins (and security off): anything;
//   - a role with a row filter or column rule anywhere on the service: never —
//     raw SQL can name any table and column, so it would bypass them;
//   - a `_query` grant with POST: any statement;
//   - a `_query` grant with GET only: read-only queries, by the sandbox of
//     sql/read_only_query.h: the caller's text wrapped where only a query
//     parses, `EXPLAIN EXTENDED` of that (nothing runs) checked against the
//     closed operator list and the denied functions in the same fresh
//     session, with SQL on files switched off, before the statement runs.
// Every caller's SQL runs in a fresh Spark session (backend::SessionUse), so
// what one request does to its session is never seen by another.
#pragma once

#include "api/access.h"
#include "api/service_registry.h"
#include "core/backend.h"
#include "util/result.h"

namespace lakegate::api {

enum class QueryGrant { kAny, kReadOnly };

// kForbidden when the caller may not run raw SQL on `service` at all.
Result<QueryGrant> authorize_query(const Access& access, const Service& service);

// The statement to run for `grant`: as given, on a fresh session (kAny), or
// sandboxed (kReadOnly): wrapped, on a fresh read-only session, with a
// preflight that explains and checks it in that session first (kForbidden
// naming what was refused; nothing of the caller's runs then).
backend::Statement prepare_caller_statement(QueryGrant grant, const Access& access,
                                            backend::Statement statement);

}  // namespace lakegate::api
