#include "crypto/secret_box.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <vector>

#include "crypto/crypto.h"

namespace lakegate::crypto {
namespace {

namespace fs = std::filesystem;

const std::string kKey(32, 'k');

// A fresh directory under the system temp dir, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "lakegate-secret-box-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code error;
    fs::remove_all(path_, error);
  }
  fs::path path() const { return path_; }

 private:
  fs::path path_;
};

void write_file(const fs::path& path, const std::string& text, fs::perms mode) {
  std::ofstream(path) << text;
  fs::permissions(path, mode);
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Flips one bit of the decoded payload at `index` and re-encodes it.
std::string tamper(const std::string& sealed, size_t index) {
  std::string payload;
  EXPECT_TRUE(base64url_decode(sealed.substr(3), payload));
  payload[index] = static_cast<char>(payload[index] ^ 0x01);
  return "v1:" + base64url_encode(payload);
}

TEST(SecretBox, RoundTrips) {
  const SecretBox box(kKey);
  for (const std::string& plaintext : std::vector<std::string>{
           "x", "dapi0123456789abcdef", std::string(5000, 'z'), std::string("with\0nul", 8)}) {
    const std::string sealed = box.seal(plaintext);
    EXPECT_EQ(sealed.rfind("v1:", 0), 0u);
    if (plaintext.size() > 8) {
      EXPECT_EQ(sealed.find(plaintext), std::string::npos);
    }
    auto opened = box.open(sealed);
    ASSERT_TRUE(opened) << opened.error().message;
    EXPECT_EQ(*opened, plaintext);
  }
}

TEST(SecretBox, SealedLayoutIsNonceCiphertextTag) {
  const SecretBox box(kKey);
  const std::string sealed = box.seal("hello");
  std::string payload;
  ASSERT_TRUE(base64url_decode(sealed.substr(3), payload));
  EXPECT_EQ(payload.size(), 12u + 5u + 16u);
}

TEST(SecretBox, EmptyPlaintextIsEmptySealed) {
  const SecretBox box(kKey);
  EXPECT_EQ(box.seal(""), "");
  auto opened = box.open("");
  ASSERT_TRUE(opened);
  EXPECT_EQ(*opened, "");
}

TEST(SecretBox, FreshNonceEveryTime) {
  const SecretBox box(kKey);
  std::set<std::string> sealed;
  for (int i = 0; i < 50; ++i) sealed.insert(box.seal("same secret"));
  EXPECT_EQ(sealed.size(), 50u);
}

TEST(SecretBox, TamperingAnyRegionFails) {
  const SecretBox box(kKey);
  const std::string sealed = box.seal("the secret");  // 12 nonce + 10 ct + 16 tag
  for (const size_t index :
       {size_t{0}, size_t{11}, size_t{12}, size_t{21}, size_t{22}, size_t{37}}) {
    auto opened = box.open(tamper(sealed, index));
    ASSERT_FALSE(opened) << "index " << index;
    EXPECT_EQ(opened.error().code, ErrorCode::kStore);
    EXPECT_EQ(opened.error().message, "secret cannot be decrypted (wrong master key or corrupted)");
  }
}

TEST(SecretBox, WrongKeyFails) {
  const std::string sealed = SecretBox(kKey).seal("the secret");
  auto opened = SecretBox(std::string(32, 'j')).open(sealed);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, ErrorCode::kStore);
}

TEST(SecretBox, MalformedSealedTextFails) {
  const SecretBox box(kKey);
  const std::string sealed = box.seal("the secret");
  for (const std::string& bad : std::vector<std::string>{
           std::string("plaintext"), std::string("v2:") + sealed.substr(3), sealed.substr(3),
           std::string("v1:"), std::string("v1:!!!!"), sealed.substr(0, 20),
           std::string("v1:") + base64url_encode(std::string(28, 'a')), sealed + "A"}) {
    EXPECT_FALSE(box.open(bad)) << bad;
  }
}

TEST(SecretBox, DerivedKeysDependOnPurposeAndMaster) {
  const SecretBox box(kKey);
  EXPECT_EQ(box.derive_key("jwt").size(), 32u);
  EXPECT_EQ(box.derive_key("jwt"), hmac_sha256(kKey, "jwt"));
  EXPECT_NE(box.derive_key("jwt"), box.derive_key("other"));
  EXPECT_NE(box.derive_key("jwt"), SecretBox(std::string(32, 'j')).derive_key("jwt"));
}

TEST(MasterKey, EnvAcceptsHexAndBase64Url) {
  const std::string key = random_bytes(32);
  const std::string hex = hex_encode(key);
  auto from_hex = load_master_key(&hex, "/nonexistent/never-read");
  ASSERT_TRUE(from_hex) << from_hex.error().message;
  EXPECT_EQ(*from_hex, key);

  const std::string base64 = base64url_encode(key);
  auto from_base64 = load_master_key(&base64, "/nonexistent/never-read");
  ASSERT_TRUE(from_base64) << from_base64.error().message;
  EXPECT_EQ(*from_base64, key);
}

TEST(MasterKey, EnvRejectsMalformedWithoutEchoingIt) {
  for (const std::string& bad : std::vector<std::string>{
           hex_encode(std::string(31, 'a')), hex_encode(std::string(33, 'a')), std::string(64, 'g'),
           base64url_encode(std::string(16, 'a')), std::string("short")}) {
    auto key = load_master_key(&bad, "/nonexistent/never-read");
    ASSERT_FALSE(key) << bad;
    EXPECT_EQ(key.error().code, ErrorCode::kBadConfig);
    EXPECT_EQ(key.error().message.find(bad), std::string::npos);
  }
}

TEST(MasterKey, CreatesKeyFileWithMode0600) {
  TempDir dir;
  const fs::path file = dir.path() / "nested" / "master.key";
  auto key = load_master_key(nullptr, file.string());
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_EQ(key->size(), 32u);

  struct stat info {};
  ASSERT_EQ(::stat(file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  const std::string text = read_file(file);
  EXPECT_EQ(text, hex_encode(*key) + "\n");

  // A second load reads the same key back.
  auto again = load_master_key(nullptr, file.string());
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(*again, *key);
}

TEST(MasterKey, EmptyEnvFallsBackToFile) {
  TempDir dir;
  const std::string empty;
  auto key = load_master_key(&empty, (dir.path() / "master.key").string());
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_TRUE(fs::exists(dir.path() / "master.key"));
}

TEST(MasterKey, RefusesFileReadableByOthers) {
  TempDir dir;
  const fs::path file = dir.path() / "master.key";
  const std::string secret_hex = hex_encode(random_bytes(32));
  write_file(file, secret_hex + "\n",
             fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                 fs::perms::others_read);
  auto key = load_master_key(nullptr, file.string());
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().code, ErrorCode::kBadConfig);
  EXPECT_NE(key.error().message.find(file.string()), std::string::npos);
  EXPECT_EQ(key.error().message.find(secret_hex), std::string::npos);

  fs::permissions(file, fs::perms::owner_read | fs::perms::group_write);
  EXPECT_FALSE(load_master_key(nullptr, file.string()));

  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write);
  auto fixed = load_master_key(nullptr, file.string());
  ASSERT_TRUE(fixed) << fixed.error().message;
  EXPECT_EQ(hex_encode(*fixed), secret_hex);
}

TEST(MasterKey, RejectsMalformedFile) {
  TempDir dir;
  const fs::path file = dir.path() / "master.key";
  const std::string bad = "not a key at all";
  write_file(file, bad, fs::perms::owner_read | fs::perms::owner_write);
  auto key = load_master_key(nullptr, file.string());
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().code, ErrorCode::kBadConfig);
  EXPECT_NE(key.error().message.find(file.string()), std::string::npos);
  EXPECT_EQ(key.error().message.find(bad), std::string::npos);

  write_file(file, "", fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_FALSE(load_master_key(nullptr, file.string()));
}

TEST(MasterKey, AcceptsBase64UrlFile) {
  TempDir dir;
  const fs::path file = dir.path() / "master.key";
  const std::string key = random_bytes(32);
  write_file(file, base64url_encode(key) + "\n", fs::perms::owner_read);
  auto loaded = load_master_key(nullptr, file.string());
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(*loaded, key);
}

}  // namespace
}  // namespace lakegate::crypto
