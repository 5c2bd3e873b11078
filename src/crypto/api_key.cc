#include "crypto/api_key.h"

#include "crypto/crypto.h"

namespace lakegate::crypto {
namespace {

constexpr std::string_view kApiKeyPrefix = "lg_";
constexpr size_t kApiKeyRandomBytes = 32;
constexpr size_t kDisplayPrefixLength = 8;

}  // namespace

std::string generate_api_key() {
  return std::string(kApiKeyPrefix) + base64url_encode(random_bytes(kApiKeyRandomBytes));
}

std::string api_key_hash(std::string_view api_key) {
  return sha256_hex(api_key);
}

std::string api_key_prefix(std::string_view api_key) {
  if (api_key.substr(0, kApiKeyPrefix.size()) == kApiKeyPrefix) {
    api_key.remove_prefix(kApiKeyPrefix.size());
  }
  return std::string(api_key.substr(0, kDisplayPrefixLength));
}

}  // namespace lakegate::crypto
