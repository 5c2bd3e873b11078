#include "api/session/session_resource.h"

#include <simdjson.h>

#include <ctime>

#include "api/authenticate.h"
#include "api/resources.h"
#include "crypto/api_key.h"
#include "crypto/crypto.h"
#include "crypto/jwt.h"
#include "crypto/password_hash.h"
#include "util/json_text.h"

namespace lakegate::api {
namespace {

std::string iso_time(int64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

struct LoginBody {
  std::string email, password;
};

Result<LoginBody> parse_login(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(body).get(root) || !root.is_object()) {
    return Error(ErrorCode::kBadRequest, "Login request body must be a JSON object.");
  }
  LoginBody login;
  std::string_view text;
  if (root["email"].get_string().get(text)) {
    return Error(ErrorCode::kBadRequest, "Login request is missing required email.");
  }
  login.email = std::string(text);
  if (root["password"].get_string().get(text)) {
    return Error(ErrorCode::kBadRequest, "Login request is missing required password.");
  }
  login.password = std::string(text);
  return login;
}

std::string session_json(const store::UserRecord& user, const auth::Principal& principal,
                         const std::string* token, const std::string& session_id,
                         int64_t expires_at) {
  std::string out = "{";
  if (token != nullptr) {
    out += "\"session_token\":";
    util::append_json_string(out, *token);
    out += ",";
  }
  out += "\"session_id\":";
  util::append_json_string(out, session_id);
  out += ",\"id\":" + std::to_string(user.id) + ",\"name\":";
  util::append_json_string(out, user.name);
  out += ",\"first_name\":";
  util::append_json_string(out, user.first_name);
  out += ",\"last_name\":";
  util::append_json_string(out, user.last_name);
  out += ",\"email\":";
  util::append_json_string(out, user.email);
  out += std::string(",\"is_sys_admin\":") + (user.is_sys_admin ? "true" : "false");
  out += ",\"last_login_date\":";
  util::append_json_string(out, user.last_login_date);
  if (expires_at > 0) {
    out += ",\"token_expiry_date\":";
    util::append_json_string(out, iso_time(expires_at));
  }
  out += ",\"role\":";
  util::append_json_string(out, principal.role_name());
  out += ",\"role_id\":";
  out += principal.role ? std::to_string(principal.role->id) : "null";
  out += "}";
  return out;
}

// Issues a new session for `user`: stored (so it can be revoked), then signed.
http::Response issue(Security& security, const store::UserRecord& user,
                     const std::shared_ptr<const auth::SecuritySnapshot>& snapshot,
                     const store::AppRecord* app) {
  const int64_t now = now_seconds();
  store::SessionRecord session;
  session.id = crypto::base64url_encode(crypto::random_bytes(18));
  session.user_id = user.id;
  session.expires_at = now + int64_t{security.config().security.jwt_ttl_minutes} * 60;
  if (Status saved = security.store().create_session(session); !saved) {
    return error_response(saved.error());
  }
  crypto::JwtClaims claims;
  claims.subject = user.email;
  claims.user_id = user.id;
  claims.session_id = session.id;
  claims.issued_at = now;
  claims.expires_at = session.expires_at;
  const std::string token = crypto::sign_jwt(claims, security.jwt_key());
  auto principal = principal_for(*snapshot, &user, app, session.id);
  return http::Response::json(
      200, session_json(user, *principal, &token, session.id, session.expires_at));
}

const store::AppRecord* app_of(const http::Request& request,
                               const auth::SecuritySnapshot& snapshot);

http::Response login(const http::Request& request, Security& security, bool admin_only) {
  auto body = parse_login(request.body);
  if (!body) return error_response(body.error());
  const double now = now_seconds_fractional();
  const std::string ip_key = "ip:" + request.remote_address;
  const std::string user_key = "user:" + body->email;
  auto& throttle = security.throttle();
  const double wait =
      std::max(throttle.wait_seconds(ip_key, now), throttle.wait_seconds(user_key, now));
  if (wait > 0) {
    auto response =
        error_response(Error(ErrorCode::kRateLimited, "Too many failed logins; try again later."));
    response.headers.emplace_back("Retry-After",
                                  std::to_string(static_cast<int64_t>(wait + 0.999)));
    return response;
  }
  auto snapshot = security.state().snapshot();
  const store::UserRecord* user = snapshot->find_user_by_email(body->email);
  const bool ok = user != nullptr && user->is_active && (!admin_only || user->is_sys_admin) &&
                  crypto::verify_password(body->password, user->password_hash);
  if (!ok) {
    throttle.record_failure(ip_key, now);
    throttle.record_failure(user_key, now);
    return error_response(Error(ErrorCode::kAuthRequired, "Invalid credentials supplied."));
  }
  throttle.record_success(user_key);
  store::UserRecord logged_in = *user;
  logged_in.last_login_date = iso_time(now_seconds());
  (void)security.store().set_last_login(user->id, logged_in.last_login_date);
  return issue(security, logged_in, snapshot, app_of(request, *snapshot));
}

const store::AppRecord* app_of(const http::Request& request,
                               const auth::SecuritySnapshot& snapshot) {
  const std::string* key = request.query_param("api_key");
  if (key == nullptr) key = request.header("x-dreamfactory-api-key");
  if (key == nullptr) return nullptr;
  auto found = snapshot.apps_by_key_hash.find(crypto::api_key_hash(*key));
  return found == snapshot.apps_by_key_hash.end() ? nullptr : &found->second;
}

}  // namespace

http::Response handle_session(const http::Request& request, Security& security, bool admin_only) {
  if (request.method == "POST") return login(request, security, admin_only);
  if (request.method != "GET" && request.method != "PUT" && request.method != "DELETE") {
    return method_not_allowed(request, "GET, POST, PUT, DELETE");
  }
  auto snapshot = security.state().snapshot();
  auto principal = authenticate(request, snapshot, security);
  if (!principal) return error_response(principal.error());
  const auth::Principal& who = **principal;
  if (!who.user || who.session_id.empty()) {
    return error_response(Error(ErrorCode::kAuthRequired, "No session token (JWT) in request."));
  }
  if (admin_only && !who.is_sys_admin()) {
    return error_response(Error(ErrorCode::kForbidden, "Only sys-admins have admin sessions."));
  }
  if (request.method == "GET") {
    return http::Response::json(200, session_json(*who.user, who, nullptr, who.session_id, 0));
  }
  if (Status revoked = security.store().revoke_session(who.session_id); !revoked) {
    return error_response(revoked.error());
  }
  security.changed();
  if (request.method == "DELETE") return http::Response::json(200, "{\"success\":true}");
  auto user = snapshot->users.find(who.user->id);
  if (user == snapshot->users.end()) {
    return error_response(
        Error(ErrorCode::kAuthRequired, "Unauthorized. User is not authenticated."));
  }
  return issue(security, user->second, snapshot, app_of(request, *snapshot));
}

}  // namespace lakegate::api
