// SecretBox: AES-256-GCM encryption of secrets at rest (service access
// tokens, users' Databricks tokens) under the 32-byte master key. The sealed
// form is text: "v1:" + base64url(12-byte random nonce | ciphertext | 16-byte
// tag); a tampered or foreign value fails to open. Thread-safe (immutable).
#pragma once

#include <string>
#include <string_view>

#include "util/result.h"

namespace lakegate::crypto {

class SecretBox {
 public:
  // REQUIRES: key.size() == 32 (aborts otherwise: a wrong size is a bug).
  explicit SecretBox(std::string key);

  // Empty plaintext seals to "" (no secret), so "unset" survives a round trip.
  std::string seal(std::string_view plaintext) const;
  // kStore "secret cannot be decrypted (wrong master key or corrupted)" on failure.
  Result<std::string> open(std::string_view sealed) const;

  // A key derived for another purpose (HMAC-SHA256(master, purpose)), e.g. the
  // JWT signing key, so one master key serves every node and purpose.
  std::string derive_key(std::string_view purpose) const;

 private:
  std::string key_;
};

// The master key: LAKEGATE_MASTER_KEY (64 hex chars or base64url of 32
// bytes) when `env_value` is set and non-empty; otherwise read from
// `key_file` (same two forms), which is created with its parent directory and
// mode 0600 holding a new random key (hex) if absent. Surrounding whitespace
// is ignored. kBadConfig when the value is malformed or the file has any
// group/other permission bit; messages name the file, never the key.
Result<std::string> load_master_key(const std::string* env_value, const std::string& key_file);

}  // namespace lakegate::crypto
