// Logging in and out: /api/v2/user/session (users) and
// /api/v2/system/admin/session (sys-admins only), DreamFactory's verbs —
// POST logs in with {"email","password"} and returns a session JWT, GET
// describes the current session, PUT refreshes the token (the old one is
// revoked), DELETE logs out (revokes it). Failed logins are slowed per email
// and per client address (auth/login_throttle.h).
#pragma once

#include "api/security.h"
#include "http/handler.h"

namespace lakegate::api {

http::Response handle_session(const http::Request& request, Security& security, bool admin_only);

}  // namespace lakegate::api
