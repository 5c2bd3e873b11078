// What the resources learn while answering that the audit record needs: the
// rows returned, the backend's operation id and a hash of the SQL run (and,
// when configured, the bound parameter values). One AuditNotes per request,
// owned by its api::Access (Access::audit_notes()); a streamed body's
// producer holds the same shared_ptr, so the notes travel with the request
// whatever thread runs it. The Gateway reads them for the audit record once
// the response, or its streamed body, is done. Not synchronized: one part of
// a request writes at a time (the resource, then its producer, then the
// Gateway reads).
#pragma once

#include <cstdint>
#include <string>

#include "core/backend.h"

namespace lakegate::api {

struct AuditNotes {
  int64_t rows = -1;  // rows returned or affected; -1 = no statement ran
  std::string operation_id;
  std::string sql_hash;     // sha256 hex of the last statement's text
  std::string params_json;  // JSON array of the last statement's values
  int write_retries = 0;    // statements re-run after losing a Delta commit race
};

// Records a statement and its outcome in `notes`; rows add up over several
// statements.
void note_statement(AuditNotes& notes, const backend::Statement& statement,
                    const Result<backend::Summary>& summary);

}  // namespace lakegate::api
