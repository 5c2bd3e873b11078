// The first typed stage of a _table read (PostgREST's ApiRequest → Plan):
// from the parsed options and the resolved table, decide everything the
// read will do before Spark is asked — its shape (a page, one record, a
// list of ids, a count, the history), the output format, the final
// sql::ReadRequest (ids, limit, stable order, a cursor's pinned version and
// offset) and whether the current Delta version must be looked up. Pure: no
// I/O, so every decision is unit-tested without Spark. table_read.cc runs
// the next stages: pin the version, then execute and render.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "api/table/table_handlers.h"
#include "api/table/table_request_parser.h"
#include "config/service_config.h"
#include "format/result_writer.h"
#include "http/handler.h"
#include "sql/table_request.h"
#include "util/result.h"

namespace lakegate::api {

enum class ReadShape {
  kPage,       // a page of rows, streamed in the chosen format
  kRecord,     // GET /_table/{name}/{id}: one JSON object, 404 if absent
  kIdList,     // as_list: the id values of a page
  kCountOnly,  // count_only: a bare number
  kHistory,    // history=true: the Delta log, streamed
};

struct ReadPlan {
  ReadShape shape = ReadShape::kPage;
  format::OutputFormat format = format::OutputFormat::kJson;
  // Headers every answer carries (Content-Disposition of a download).
  std::vector<std::pair<std::string, std::string>> headers;
  // The statement's inputs, final: ids, limit, order, fields, time travel.
  sql::ReadRequest read;
  std::string record_id;  // kRecord
  // as_list: rows carry only the (first) id field; with an id, the record too.
  bool ids_only = false;
  int64_t limit = 0;  // rows of the answer (1 for a record)
  bool include_count = false;
  bool include_schema = false;
  // Identifies the query for cursors and ETags (table_paging.h).
  uint64_t paging_hash = 0;
  // A Delta read with no cursor, version or timestamp: it is pinned to the
  // table's current version before it runs.
  bool pin_current_version = false;
};

// `id`: the {id} path segment, or null for the collection. Errors: a bad
// file name, no acceptable format, no id field where one is needed, a bad
// or foreign cursor, time travel on a non-Delta table (400); the history
// under a row filter or column rules (403).
Result<ReadPlan> plan_read(const http::Request& request, const config::ServiceConfig& service,
                           const TableTarget& target, const TableOptions& options,
                           const std::string* id);

// Rows per page: `asked` within 1..max_records (service), else max_records
// (1000 when the service sets none).
int64_t effective_limit(int64_t asked, const config::ServiceConfig& service);

}  // namespace lakegate::api
