// The first typed stage of a _table write (like read_plan.h for reads):
// from the method, the parsed options and the resolved table, decide what
// the write is — its kind, the id fields, and for the single-statement kinds
// the statement itself — before Spark is asked. Pure: every refusal (no
// records, no filter, no id field, a batch rollback Delta cannot give, a
// non-Delta table) is unit-tested without Spark. table_write.cc executes
// the plan and renders DreamFactory's answers (batch semantics included).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/table/table_handlers.h"
#include "api/table/table_request_parser.h"
#include "core/backend.h"
#include "util/result.h"

namespace lakegate::api {

enum class WriteKind {
  kInsert,          // POST records: one INSERT of them all (batch semantics)
  kMerge,           // PUT records: one MERGE upsert by id (batch semantics)
  kPatchRecords,    // PATCH records: one UPDATE per record, by its id
  kUpdateSelected,  // PUT/PATCH with ids= or filter=: one UPDATE
  kDeleteSelected,  // DELETE with ids=, filter= or records: one DELETE
  kUpdateById,      // PATCH …/{id}
  kMergeById,       // PUT …/{id}
  kDeleteById,      // DELETE …/{id}
};

struct WritePlan {
  WriteKind kind = WriteKind::kInsert;
  std::vector<std::string> id_fields;
  // The single statement of kUpdateSelected, kDeleteSelected and the by-id
  // kinds; the batch kinds build theirs from the records as they run.
  std::optional<backend::Statement> statement;
  // The ids the statement names (kUpdateSelected, kDeleteSelected: echoed
  // in the answer), or the {id} of the URL (by-id kinds).
  std::vector<std::string> ids;
};

// The text of `record`'s value for `id_field` (any case), as an id; nullopt
// when absent, null or not a scalar.
std::optional<std::string> record_id_text(const sql::Record& record, std::string_view id_field);

// `method`: POST, PUT, PATCH or DELETE; `id`: the {id} segment or null.
Result<WritePlan> plan_write(const std::string& method, const TableTarget& target,
                             const TableOptions& options, const std::string* id);

}  // namespace lakegate::api
