// What the resources learn while answering that the audit record needs: the
// rows returned, the backend's operation id and a hash of the SQL run (and,
// when configured, the bound parameter values). Kept per thread: a request,
// including its streamed body, runs on one connection thread, and the Gateway
// clears the notes when a request starts.
#pragma once

#include <cstdint>
#include <string>

#include "core/backend.h"

namespace lakegate::api {

struct AuditNotes {
  int64_t rows = -1;
  std::string operation_id;
  std::string sql_hash;     // sha256 hex of the last statement's text
  std::string params_json;  // JSON array of the last statement's values
};

// This thread's notes.
AuditNotes& audit_notes();
// Clears this thread's notes (start of a request).
void reset_audit_notes();
// Records a statement and its outcome; rows add up over several statements.
void note_statement(const backend::Statement& statement, const Result<backend::Summary>& summary);

}  // namespace lakegate::api
