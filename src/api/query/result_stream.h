// Runs a Statement on a backend and streams its result to the HTTP client in
// the format the client asked for (JSON envelope by default; NDJSON or CSV by
// Accept header or ?format=). The returned producer sends nothing until the
// first rows (or the end) arrive, so a statement Spark rejects still gets a
// proper error status; a failure after rows were sent aborts the transfer so
// the client never mistakes a truncated body for a complete one.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "api/audit_notes.h"
#include "api/service_registry.h"
#include "core/backend.h"
#include "format/result_writer.h"
#include "http/handler.h"

namespace lakegate::api {

using format::OutputFormat;

// Picks the output format from `?format=` or the Accept header; unknown → 406 error.
Result<OutputFormat> choose_format(const http::Request& request);

// A streamed response running `statement` on `service` within its timeout.
// The producer holds `service` (it stays alive while the body streams) and
// `notes`, where it records the statement and its outcome for the audit.
// `on_complete`, when set, runs once the backend has finished the statement
// (successfully or not, before the body is finished), e.g. to drop the
// metadata cache after DDL.
// REQUIRES: service and notes are not null.
http::Response stream_statement(std::shared_ptr<Service> service, backend::Statement statement,
                                OutputFormat format, std::shared_ptr<AuditNotes> notes,
                                std::function<void()> on_complete = {});

// How a streamed response ends once the backend returned `summary`: an error
// before anything was written replaces the response with the error envelope;
// one after the body started aborts the transfer; success finishes `writer`.
http::StreamEnd stream_end(const Result<backend::Summary>& summary,
                           const util::FirstWriteSink& tracking, format::ResultWriter& writer);

}  // namespace lakegate::api
