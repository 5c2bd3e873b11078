#include "crypto/jwt.h"

#include <simdjson.h>

#include <cmath>

#include "crypto/crypto.h"
#include "util/json_text.h"

namespace lakegate::crypto {
namespace {

// The only header lakegate issues (and the only algorithm it accepts).
constexpr std::string_view kHeaderJson = R"({"alg":"HS256","typ":"JWT"})";
constexpr size_t kMaxTokenLength = 16 * 1024;
constexpr size_t kSignatureBytes = 32;

Error invalid_token() {
  return Error(ErrorCode::kAuthRequired, "Invalid token.");
}

// A JSON number as whole seconds/ids; false for any other type or out of range.
bool element_to_int64(simdjson::dom::element value, int64_t& out) {
  switch (value.type()) {
    case simdjson::dom::element_type::INT64:
      return value.get_int64().get(out) == simdjson::SUCCESS;
    case simdjson::dom::element_type::UINT64:
      return false;  // above INT64_MAX
    case simdjson::dom::element_type::DOUBLE: {
      double number = 0;
      if (value.get_double().get(number) != simdjson::SUCCESS || !std::isfinite(number)) {
        return false;
      }
      number = std::floor(number);
      // 2^63 is exactly representable; anything at or above it does not fit.
      if (number < -9223372036854775808.0 || number >= 9223372036854775808.0) return false;
      out = static_cast<int64_t>(number);
      return true;
    }
    default:
      return false;
  }
}

bool element_to_string(simdjson::dom::element value, std::string& out) {
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) return false;
  out.assign(text);
  return true;
}

// True when the header is a JSON object with exactly one "alg", equal to "HS256".
bool header_is_hs256(simdjson::dom::parser& parser, std::string_view header_json) {
  simdjson::dom::object header;
  if (parser.parse(header_json.data(), header_json.size()).get_object().get(header) !=
      simdjson::SUCCESS) {
    return false;
  }
  int alg_count = 0;
  bool alg_ok = false;
  for (const auto field : header) {
    if (field.key != "alg") continue;
    ++alg_count;
    std::string_view alg;
    alg_ok = field.value.get_string().get(alg) == simdjson::SUCCESS && alg == "HS256";
  }
  return alg_count == 1 && alg_ok;
}

// Reads the claims; `has_exp` reports whether a numeric "exp" was present.
bool parse_claims(simdjson::dom::parser& parser, std::string_view payload_json, JwtClaims& claims,
                  bool& has_exp) {
  has_exp = false;
  simdjson::dom::object payload;
  if (parser.parse(payload_json.data(), payload_json.size()).get_object().get(payload) !=
      simdjson::SUCCESS) {
    return false;
  }
  for (const auto field : payload) {
    bool ok = true;
    if (field.key == "exp") {
      ok = element_to_int64(field.value, claims.expires_at);
      has_exp = ok;
    } else if (field.key == "iat") {
      ok = element_to_int64(field.value, claims.issued_at);
    } else if (field.key == "user_id") {
      ok = element_to_int64(field.value, claims.user_id);
    } else if (field.key == "sub") {
      ok = element_to_string(field.value, claims.subject);
    } else if (field.key == "jti") {
      ok = element_to_string(field.value, claims.session_id);
    }
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string sign_jwt(const JwtClaims& claims, std::string_view key) {
  std::string payload = "{\"iat\":" + std::to_string(claims.issued_at) +
                        ",\"exp\":" + std::to_string(claims.expires_at) + ",\"sub\":";
  util::append_json_string(payload, claims.subject);
  payload += ",\"user_id\":" + std::to_string(claims.user_id) + ",\"jti\":";
  util::append_json_string(payload, claims.session_id);
  payload += '}';

  std::string token = base64url_encode(kHeaderJson);
  token += '.';
  token += base64url_encode(payload);
  const std::string signature = hmac_sha256(key, token);
  token += '.';
  token += base64url_encode(signature);
  return token;
}

Result<JwtClaims> verify_jwt(std::string_view token, std::string_view key, int64_t now_seconds) {
  if (token.empty() || token.size() > kMaxTokenLength) return invalid_token();
  const size_t first_dot = token.find('.');
  if (first_dot == std::string_view::npos) return invalid_token();
  const size_t second_dot = token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos) return invalid_token();
  if (token.find('.', second_dot + 1) != std::string_view::npos) return invalid_token();

  const std::string_view signing_input = token.substr(0, second_dot);
  std::string header_json, payload_json, signature;
  if (!base64url_decode(token.substr(0, first_dot), header_json) ||
      !base64url_decode(token.substr(first_dot + 1, second_dot - first_dot - 1), payload_json) ||
      !base64url_decode(token.substr(second_dot + 1), signature)) {
    return invalid_token();
  }
  // The signature first: nothing else of an unauthenticated token is trusted.
  if (signature.size() != kSignatureBytes ||
      !constant_time_equal(signature, hmac_sha256(key, signing_input))) {
    return invalid_token();
  }

  thread_local simdjson::dom::parser parser;
  if (!header_is_hs256(parser, header_json)) return invalid_token();
  JwtClaims claims;
  bool has_exp = false;
  if (!parse_claims(parser, payload_json, claims, has_exp) || !has_exp) return invalid_token();
  if (claims.expires_at <= now_seconds) {
    return Error(ErrorCode::kAuthRequired, "Token has expired.");
  }
  return claims;
}

}  // namespace lakegate::crypto
