// API keys of apps: generated once (shown to the admin a single time),
// stored only as a SHA-256 hash; a short non-secret prefix is kept for lists.
#pragma once

#include <string>
#include <string_view>

namespace lakegate::crypto {

// "lg_" + 43 base64url characters (32 random bytes).
std::string generate_api_key();
// Lower-case hex SHA-256 of the key: what the store keeps and lookups use.
std::string api_key_hash(std::string_view api_key);
// The first 8 characters after "lg_" (without "lg_"), for display as "lg_ab12cd34…".
std::string api_key_prefix(std::string_view api_key);

}  // namespace lakegate::crypto
