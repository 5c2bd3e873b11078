#include "crypto/password_hash.h"

#include <argon2.h>

#include <cstring>
#include <string>

#include "crypto/crypto.h"

namespace lakegate::crypto {
namespace {

constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;

}  // namespace

Result<std::string> hash_password(std::string_view password, const PasswordHashOptions& options) {
  const std::string salt = random_bytes(kSaltBytes);
  const size_t encoded_length =
      argon2_encodedlen(options.iterations, options.memory_kib, options.parallelism, kSaltBytes,
                        kHashBytes, Argon2_id);
  std::string encoded(encoded_length, '\0');
  const int result = argon2id_hash_encoded(
      options.iterations, options.memory_kib, options.parallelism, password.data(), password.size(),
      salt.data(), salt.size(), kHashBytes, encoded.data(), encoded.size());
  if (result != ARGON2_OK) {
    return Error(ErrorCode::kInternal,
                 std::string("password hashing failed: ") + argon2_error_message(result));
  }
  encoded.resize(std::strlen(encoded.c_str()));  // argon2_encodedlen counts the terminator
  return encoded;
}

bool verify_password(std::string_view password, const std::string& encoded) {
  if (encoded.rfind("$argon2id$", 0) != 0) return false;
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

}  // namespace lakegate::crypto
