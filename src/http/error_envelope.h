// The DreamFactory error envelope, the one JSON shape every lakegate error
// takes on the wire:
//   {"error":{"code":413,"status_code":413,"message":"…","context":null}}
// `code` and `status_code` both carry the HTTP status (DreamFactory clients
// read either); `context` is an object of the error's context pairs, or null.
// Used by the server for its own errors (413, 431, 400, 503, …) and by api/.
#pragma once

#include <string>
#include <string_view>

#include "util/error.h"

namespace lakegate::http {

// The envelope for `error`, with status lakegate::http_status(error.code).
std::string error_envelope(const Error& error);

// The envelope for a raw HTTP status and message (context null).
std::string error_envelope(int status, std::string_view message);

// The envelope with a structured context: `context_json` is a JSON value the
// caller built with util/json_text.h (the 429's list of exceeded limits, a
// batch error's failed indexes and results), and `code` DreamFactory's code
// where it differs from the status (1000 for a batch error).
std::string error_envelope(int status, std::string_view message, std::string_view context_json,
                           int code);

}  // namespace lakegate::http
