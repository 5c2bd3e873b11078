#include "api/authenticate.h"

#include <chrono>

#include "crypto/api_key.h"
#include "crypto/jwt.h"
#include "crypto/password_hash.h"
#include "util/blocking_guard.h"
#include "util/json_text.h"

namespace lakegate::api {
namespace {

Error unauthorized(std::string message) {
  return Error(ErrorCode::kAuthRequired, std::move(message));
}

const std::string* api_key_of(const http::Request& request) {
  if (const std::string* key = request.query_param("api_key")) return key;
  return request.header("x-dreamfactory-api-key");
}

std::string session_token_of(const http::Request& request) {
  if (const std::string* auth = request.header("authorization")) {
    if (auth->size() > 7 && (auth->rfind("Bearer ", 0) == 0 || auth->rfind("bearer ", 0) == 0)) {
      return auth->substr(7);
    }
  }
  if (const std::string* token = request.header("x-dreamfactory-session-token")) return *token;
  if (const std::string* token = request.query_param("session_token")) return *token;
  return "";
}

// "Basic base64(email:password)" → (email, password).
bool basic_credentials(const http::Request& request, std::string& email, std::string& password) {
  const std::string* auth = request.header("authorization");
  if (auth == nullptr || auth->size() <= 6 ||
      (auth->rfind("Basic ", 0) != 0 && auth->rfind("basic ", 0) != 0)) {
    return false;
  }
  std::string decoded;
  if (!util::decode_base64(std::string_view(*auth).substr(6), decoded)) return false;
  const size_t colon = decoded.find(':');
  if (colon == std::string::npos) return false;
  email = decoded.substr(0, colon);
  password = decoded.substr(colon + 1);
  return true;
}

}  // namespace

double now_seconds_fractional() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::shared_ptr<const auth::Principal> principal_for(const auth::SecuritySnapshot& snapshot,
                                                     const store::UserRecord* user,
                                                     const store::AppRecord* app,
                                                     std::string session_id) {
  auto principal = std::make_shared<auth::Principal>();
  if (app != nullptr) {
    principal->app = *app;
    principal->app->api_key_hash.clear();
  }
  if (user != nullptr) {
    principal->user = *user;
    principal->user->password_hash.clear();
  }
  principal->role = snapshot.role_for(user, app);
  principal->session_id = std::move(session_id);
  return principal;
}

Result<std::shared_ptr<const auth::Principal>> authenticate(
    const http::Request& request, const std::shared_ptr<const auth::SecuritySnapshot>& snapshot,
    Security& security) {
  const store::AppRecord* app = nullptr;
  if (const std::string* key = api_key_of(request); key != nullptr && !key->empty()) {
    auto found = snapshot->apps_by_key_hash.find(crypto::api_key_hash(*key));
    if (found == snapshot->apps_by_key_hash.end()) return unauthorized("Invalid API Key.");
    app = &found->second;
    if (!app->is_active) {
      return Error(ErrorCode::kForbidden, "App \"" + app->name + "\" is not active.");
    }
  }

  const store::UserRecord* user = nullptr;
  std::string session_id;
  std::string email, password;
  if (const std::string token = session_token_of(request); !token.empty()) {
    auto claims = crypto::verify_jwt(token, security.jwt_key(), now_seconds());
    if (!claims) return claims.error();
    if (snapshot->revoked_sessions.count(claims->session_id)) {
      return unauthorized("Token has been revoked. Please log in again.");
    }
    auto found = snapshot->users.find(claims->user_id);
    if (found == snapshot->users.end() || !found->second.is_active) {
      return unauthorized("Unauthorized. User is not authenticated.");
    }
    user = &found->second;
    session_id = claims->session_id;
  } else if (basic_credentials(request, email, password)) {
    // A password hash takes tens of milliseconds of CPU: never on the event loop.
    if (!util::may_block()) return util::refuse_blocking("a password hash");
    const double now = now_seconds_fractional();
    const std::string ip_key = "ip:" + request.remote_address;
    const std::string user_key = "user:" + email;
    auto& throttle = security.throttle();
    if (throttle.wait_seconds(ip_key, now) > 0 || throttle.wait_seconds(user_key, now) > 0) {
      return Error(ErrorCode::kRateLimited, "Too many failed logins; try again later.");
    }
    const store::UserRecord* found = snapshot->find_user_by_email(email);
    if (found == nullptr || !found->is_active ||
        !crypto::verify_password(password, found->password_hash)) {
      throttle.record_failure(ip_key, now);
      throttle.record_failure(user_key, now);
      return unauthorized("Invalid credentials supplied.");
    }
    throttle.record_success(user_key);
    user = found;
  }

  if (app == nullptr && user == nullptr) {
    return unauthorized(
        "No session token (JWT) or API Key detected in request. Please send in "
        "X-DreamFactory-Session-Token and/or X-DreamFactory-API-Key request header. You can also "
        "use URL query parameters session_token and/or api_key.");
  }
  return principal_for(*snapshot, user, app, std::move(session_id));
}

}  // namespace lakegate::api
