#include "crypto/secret_box.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>

#include "crypto/crypto.h"
#include "util/ascii.h"

namespace lakegate::crypto {
namespace {

constexpr std::string_view kSealedPrefix = "v1:";
constexpr size_t kKeyBytes = 32;
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;
constexpr const char* kOpenFailed = "secret cannot be decrypted (wrong master key or corrupted)";

struct CipherContextFree {
  void operator()(EVP_CIPHER_CTX* context) const { EVP_CIPHER_CTX_free(context); }
};
using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, CipherContextFree>;

unsigned char* writable_bytes(std::string& text) {
  return reinterpret_cast<unsigned char*>(text.data());
}
const unsigned char* bytes_of(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "lakegate: %s\n", what);
  std::abort();
}

// 64 hex characters or unpadded base64url of 32 bytes; false otherwise.
bool parse_key_text(std::string_view text, std::string& key) {
  text = util::trim_whitespace(text);
  if (text.size() == kKeyBytes * 2 && hex_decode(text, key)) return true;
  if (base64url_decode(text, key) && key.size() == kKeyBytes) return true;
  key.clear();
  return false;
}

Error bad_config(std::string message) {
  return Error(ErrorCode::kBadConfig, std::move(message));
}

// Creates `key_file` holding a fresh key; `exists` is set when another process won the race.
Result<std::string> create_key_file(const std::string& key_file, bool& exists) {
  exists = false;
  const std::filesystem::path path(key_file);
  if (path.has_parent_path()) {
    std::error_code error;
    std::filesystem::create_directories(path.parent_path(), error);
    if (error) {
      return bad_config("cannot create the directory of master key file " + key_file + ": " +
                        error.message());
    }
  }
  const int fd = ::open(key_file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) {
      exists = true;
      return std::string();
    }
    return bad_config("cannot create master key file " + key_file + ": " + std::strerror(errno));
  }
  std::string key = random_bytes(kKeyBytes);
  const std::string text = hex_encode(key) + "\n";
  size_t written = 0;
  while (written < text.size()) {
    const ssize_t count = ::write(fd, text.data() + written, text.size() - written);
    if (count < 0 && errno == EINTR) continue;
    if (count <= 0) {
      const std::string reason = std::strerror(errno);
      ::close(fd);
      ::unlink(key_file.c_str());
      return bad_config("cannot write master key file " + key_file + ": " + reason);
    }
    written += static_cast<size_t>(count);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const std::string reason = std::strerror(errno);
    ::unlink(key_file.c_str());
    return bad_config("cannot write master key file " + key_file + ": " + reason);
  }
  return key;
}

Result<std::string> read_key_file(const std::string& key_file) {
  const int fd = ::open(key_file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return bad_config("cannot open master key file " + key_file + ": " + std::strerror(errno));
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    const std::string reason = std::strerror(errno);
    ::close(fd);
    return bad_config("cannot stat master key file " + key_file + ": " + reason);
  }
  if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    ::close(fd);
    return bad_config("master key file " + key_file +
                      " is accessible by group or others; run chmod 600 on it");
  }
  if (!S_ISREG(info.st_mode)) {
    ::close(fd);
    return bad_config("master key file " + key_file + " is not a regular file");
  }
  std::string text;
  char buffer[256];
  while (text.size() <= 4096) {
    const ssize_t count = ::read(fd, buffer, sizeof(buffer));
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) {
      const std::string reason = std::strerror(errno);
      ::close(fd);
      return bad_config("cannot read master key file " + key_file + ": " + reason);
    }
    if (count == 0) break;
    text.append(buffer, static_cast<size_t>(count));
  }
  ::close(fd);
  std::string key;
  if (!parse_key_text(text, key)) {
    return bad_config("master key file " + key_file +
                      " is malformed (expected 64 hex characters or base64url of 32 bytes)");
  }
  return key;
}

}  // namespace

SecretBox::SecretBox(std::string key) : key_(std::move(key)) {
  if (key_.size() != kKeyBytes) die("SecretBox needs a 32-byte key");
}

std::string SecretBox::seal(std::string_view plaintext) const {
  if (plaintext.empty()) return std::string();
  const std::string nonce = random_bytes(kNonceBytes);
  std::string payload = nonce;
  payload.resize(kNonceBytes + plaintext.size() + kTagBytes);
  unsigned char* ciphertext = writable_bytes(payload) + kNonceBytes;

  CipherContext context(EVP_CIPHER_CTX_new());
  int length = 0;
  int final_length = 0;
  if (!context ||
      EVP_EncryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) != 1 ||
      EVP_EncryptInit_ex(context.get(), nullptr, nullptr, bytes_of(key_), bytes_of(nonce)) != 1 ||
      EVP_EncryptUpdate(context.get(), ciphertext, &length, bytes_of(plaintext),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(context.get(), ciphertext + length, &final_length) != 1 ||
      static_cast<size_t>(length + final_length) != plaintext.size() ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes,
                          ciphertext + plaintext.size()) != 1) {
    die("AES-256-GCM encryption failed");
  }
  return std::string(kSealedPrefix) + base64url_encode(payload);
}

Result<std::string> SecretBox::open(std::string_view sealed) const {
  if (sealed.empty()) return std::string();
  const Error failure(ErrorCode::kStore, kOpenFailed);
  if (sealed.substr(0, kSealedPrefix.size()) != kSealedPrefix) return failure;
  std::string payload;
  if (!base64url_decode(sealed.substr(kSealedPrefix.size()), payload)) return failure;
  if (payload.size() <= kNonceBytes + kTagBytes) return failure;

  const std::string_view all(payload);
  const std::string_view nonce = all.substr(0, kNonceBytes);
  const std::string_view ciphertext =
      all.substr(kNonceBytes, payload.size() - kNonceBytes - kTagBytes);
  std::string tag(all.substr(payload.size() - kTagBytes));
  std::string plaintext(ciphertext.size(), '\0');

  CipherContext context(EVP_CIPHER_CTX_new());
  int length = 0;
  int final_length = 0;
  if (!context ||
      EVP_DecryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) != 1 ||
      EVP_DecryptInit_ex(context.get(), nullptr, nullptr, bytes_of(key_), bytes_of(nonce)) != 1 ||
      EVP_DecryptUpdate(context.get(), writable_bytes(plaintext), &length, bytes_of(ciphertext),
                        static_cast<int>(ciphertext.size())) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) != 1 ||
      EVP_DecryptFinal_ex(context.get(), writable_bytes(plaintext) + length, &final_length) != 1) {
    return failure;
  }
  plaintext.resize(static_cast<size_t>(length + final_length));
  return plaintext;
}

std::string SecretBox::derive_key(std::string_view purpose) const {
  return hmac_sha256(key_, purpose);
}

Result<std::string> load_master_key(const std::string* env_value, const std::string& key_file) {
  if (env_value != nullptr && !env_value->empty()) {
    std::string key;
    if (!parse_key_text(*env_value, key)) {
      return bad_config(
          "LAKEGATE_MASTER_KEY is malformed (expected 64 hex characters or base64url of 32 "
          "bytes)");
    }
    return key;
  }
  if (key_file.empty()) {
    return bad_config("no master key: set LAKEGATE_MASTER_KEY or a master key file");
  }
  struct stat info {};
  if (::stat(key_file.c_str(), &info) != 0) {
    if (errno != ENOENT) {
      return bad_config("cannot stat master key file " + key_file + ": " + std::strerror(errno));
    }
    bool exists = false;
    auto created = create_key_file(key_file, exists);
    if (!created || !exists) return created;
    // Another process created it between our stat and open: read theirs.
  }
  return read_key_file(key_file);
}

}  // namespace lakegate::crypto
