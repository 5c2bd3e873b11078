// Reading Spark's error text, shared by every protocol's error mapping:
// Spark messages start with "[ERROR_CLASS] …", sometimes behind
// "pkg.SomeException: " prefixes. Pure functions; no protocol headers.
#pragma once

#include <string>
#include <string_view>

namespace lakegate::backend {

// The error class named at the start of `message` ("[TABLE_OR_VIEW_NOT_FOUND] …"
// → "TABLE_OR_VIEW_NOT_FOUND"), skipping "pkg.Exception: " prefixes; empty
// when there is none.
std::string error_class_in_message(std::string_view message);

// True if the error names a relation a REST path refers to that does not
// exist (→ 404): a main class ending in _NOT_FOUND that names a table, view,
// schema, database, namespace, catalog or path (TABLE_OR_VIEW_NOT_FOUND,
// SCHEMA_NOT_FOUND, DELTA_TABLE_NOT_FOUND.SUB, …), or no class and SQLSTATE
// 42P01. Column, routine and handle errors are not.
bool is_missing_relation(std::string_view error_class, std::string_view sql_state);

// True if the error is Delta's optimistic-concurrency conflict (→ 409): the
// statement's commit lost a race with another commit and was abandoned, so
// it wrote nothing (Delta's concurrency-control docs): a main class of
// DELTA_CONCURRENT_{APPEND,DELETE_READ,DELETE_DELETE,TRANSACTION,WRITE},
// DELTA_METADATA_CHANGED or DELTA_PROTOCOL_CHANGED, or no class and Delta's
// SQLSTATE 2D521.
bool is_write_conflict(std::string_view error_class, std::string_view sql_state);

}  // namespace lakegate::backend
