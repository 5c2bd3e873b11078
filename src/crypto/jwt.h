// JSON Web Tokens, HS256 only (RFC 7519 / 7515), for user and admin sessions.
// Claims follow DreamFactory: iat, exp, sub, user_id, plus jti (the session
// id, for revocation). Verification checks the algorithm header is exactly
// HS256 (no "none", no key confusion), the signature in constant time, and
// expiry against the clock given.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/result.h"

namespace lakegate::crypto {

struct JwtClaims {
  std::string subject;     // "sub": the user's email
  int64_t user_id = 0;     // "user_id"
  std::string session_id;  // "jti"
  int64_t issued_at = 0;   // "iat", seconds since the epoch
  int64_t expires_at = 0;  // "exp", seconds since the epoch
};

std::string sign_jwt(const JwtClaims& claims, std::string_view key);
// kAuthRequired with "Token has expired." / "Invalid token." messages.
Result<JwtClaims> verify_jwt(std::string_view token, std::string_view key, int64_t now_seconds);

}  // namespace lakegate::crypto
