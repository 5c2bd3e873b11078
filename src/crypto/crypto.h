// Small cryptographic primitives over OpenSSL used by the store and auth:
// secure random bytes, SHA-256, HMAC-SHA256, base64url and a constant-time
// comparison. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace lakegate::crypto {

// `count` bytes from the OS CSPRNG (RAND_bytes). Aborts only if OpenSSL cannot
// seed, which is a broken machine.
std::string random_bytes(size_t count);
// Raw 32-byte SHA-256 digest, and its lower-case hex form.
std::string sha256(std::string_view data);
std::string sha256_hex(std::string_view data);
// Raw 32-byte HMAC-SHA256 of `data` under `key`.
std::string hmac_sha256(std::string_view key, std::string_view data);
// RFC 4648 §5 base64url without padding; decode returns false on bad input.
std::string base64url_encode(std::string_view bytes);
bool base64url_decode(std::string_view text, std::string& out);
std::string hex_encode(std::string_view bytes);
bool hex_decode(std::string_view text, std::string& out);
// Compares in time independent of where the inputs differ (equal lengths).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace lakegate::crypto
