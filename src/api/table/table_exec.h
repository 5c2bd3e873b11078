// Running _table statements whose (small) results lakegate reads itself
// instead of streaming them: COUNT(*) for include_count/count_only, the
// metrics row Delta answers DML with (num_affected_rows, num_inserted_rows,
// …), and short row lists (GET by id: JSON objects; as_list: JSON values).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "api/audit_notes.h"
#include "api/service_registry.h"
#include "core/backend.h"
#include "util/result.h"

namespace lakegate::api {

// The integer columns of the first row of a result, by column name. Results
// without rows give an empty map.
using MetricRow = std::map<std::string, int64_t>;

// These run before they return (no producer outlives them) and record each
// statement and its outcome in the request's `notes` for the audit.

Result<MetricRow> run_for_metrics(Service& service, const backend::Statement& statement,
                                  const backend::CancelToken& cancel, AuditNotes& notes);

// Rows affected by a DML statement: num_affected_rows of its metrics row,
// or -1 when the backend reported none. A statement that lost a Delta
// commit race is run again (write_retry.h; counted in notes.write_retries).
Result<int64_t> run_dml(Service& service, const backend::Statement& statement,
                        const backend::CancelToken& cancel, AuditNotes& notes);

// Every row of a result as one JSON object text (same rendering as the
// envelope), at most `max_rows` (more → kInternal; callers bound their SELECT).
Result<std::vector<std::string>> collect_json_rows(Service& service,
                                                   const backend::Statement& statement,
                                                   const backend::CancelToken& cancel,
                                                   int64_t max_rows, AuditNotes& notes);

// The first column of every row as JSON text (an id list), at most
// `max_rows` (more → kInternal).
Result<std::vector<std::string>> collect_json_values(Service& service,
                                                     const backend::Statement& statement,
                                                     const backend::CancelToken& cancel,
                                                     int64_t max_rows, AuditNotes& notes);

// A CancelToken deadline for `service`'s timeout from now.
backend::CancelToken::Clock::time_point service_deadline(const Service& service);

}  // namespace lakegate::api
