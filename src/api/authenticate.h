// Who is calling, from DreamFactory's credentials: an app's API key (`api_key`
// query parameter, then the X-DreamFactory-API-Key header), and/or a session
// JWT (Authorization: Bearer, then X-DreamFactory-Session-Token, then
// `session_token`), or HTTP Basic credentials as a one-off login (slowed by
// the login throttle like the session endpoint). Missing, unknown, revoked or
// expired credentials → kAuthRequired (401) with DreamFactory's messages; an
// inactive app → kForbidden.
#pragma once

#include <memory>

#include "api/security.h"
#include "auth/principal.h"
#include "http/handler.h"

namespace lakegate::api {

Result<std::shared_ptr<const auth::Principal>> authenticate(
    const http::Request& request, const std::shared_ptr<const auth::SecuritySnapshot>& snapshot,
    Security& security);

// The principal for `user` (and optionally `app`) under `snapshot`: the role
// resolved as DreamFactory does; secrets and hashes cleared.
std::shared_ptr<const auth::Principal> principal_for(const auth::SecuritySnapshot& snapshot,
                                                     const store::UserRecord* user,
                                                     const store::AppRecord* app,
                                                     std::string session_id);

// Seconds since the epoch (wall clock), whole and with the fraction.
int64_t now_seconds();
double now_seconds_fractional();

}  // namespace lakegate::api
