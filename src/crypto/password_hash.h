// Password hashing with argon2id (libargon2), in the standard encoded form
// "$argon2id$v=19$m=…,t=…,p=…$salt$hash" so parameters can change later.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/result.h"

namespace lakegate::crypto {

struct PasswordHashOptions {
  uint32_t memory_kib = 19456;  // m. Default: 19 MiB (OWASP's argon2id minimum).
  uint32_t iterations = 2;      // t. Default: 2.
  uint32_t parallelism = 1;     // p. Default: 1.
};

// Hashes `password` with a fresh random 16-byte salt.
Result<std::string> hash_password(std::string_view password,
                                  const PasswordHashOptions& options = {});
// True when `password` matches `encoded`; false for a mismatch or a malformed hash.
bool verify_password(std::string_view password, const std::string& encoded);

}  // namespace lakegate::crypto
