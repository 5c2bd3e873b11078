#include "tls_test_support.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>

#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <cstdio>
#include <filesystem>
#include <functional>

namespace lakegate::http::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using boost::system::error_code;

namespace {

bool add_extension(X509* cert, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
  if (extension == nullptr) return false;
  const bool added = X509_add_ext(cert, extension, -1) == 1;
  X509_EXTENSION_free(extension);
  return added;
}

bool write_pem(const std::string& path, const std::function<int(FILE*)>& write) {
  FILE* file = std::fopen(path.c_str(), "w");
  if (file == nullptr) return false;
  const bool written = write(file) == 1;
  return std::fclose(file) == 0 && written;
}

bool write_self_signed(const std::string& cert_path, const std::string& key_path) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  bool ok = key != nullptr && cert != nullptr;
  if (ok) {
    X509_set_version(cert, 2);  // v3, for the extensions
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
    X509_set_issuer_name(cert, name);
    ok = add_extension(cert, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost") &&
         X509_sign(cert, key, EVP_sha256()) > 0 &&
         write_pem(cert_path, [&](FILE* file) { return PEM_write_X509(file, cert); }) &&
         write_pem(key_path, [&](FILE* file) {
           return PEM_write_PrivateKey(file, key, nullptr, nullptr, 0, nullptr, nullptr);
         });
  }
  X509_free(cert);
  EVP_PKEY_free(key);
  return ok;
}

}  // namespace

TestCertificate::TestCertificate() {
  std::string pattern = (std::filesystem::temp_directory_path() / "lakegate-tls-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) return;
  directory_ = pattern;
  cert_file_ = directory_ + "/cert.pem";
  key_file_ = directory_ + "/key.pem";
  ok_ = write_self_signed(cert_file_, key_file_);
}

TestCertificate::~TestCertificate() {
  std::error_code ignored;
  if (!directory_.empty()) std::filesystem::remove_all(directory_, ignored);
}

TlsClient::TlsClient(uint16_t port, const std::string& ca_file)
    : port_(port), ssl_(asio::ssl::context::tls_client), stream_(io_, ssl_) {
  ssl_.load_verify_file(ca_file, error_);
  stream_.set_verify_mode(asio::ssl::verify_peer);
  stream_.set_verify_callback(asio::ssl::host_name_verification("127.0.0.1"));
}

void TlsClient::run() {
  io_.restart();
  io_.run();
}

error_code TlsClient::connect(std::chrono::milliseconds timeout) {
  if (error_) return error_;  // the CA file did not load
  beast::get_lowest_layer(stream_).expires_after(timeout);
  beast::get_lowest_layer(stream_).async_connect(
      asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), port_), [this](error_code ec) {
        error_ = ec;
        if (ec) return;
        stream_.async_handshake(asio::ssl::stream_base::client,
                                [this](error_code handshake_ec) { error_ = handshake_ec; });
      });
  run();
  return error_;
}

std::optional<TlsClient::Response> TlsClient::get(const std::string& target, bool keep_alive,
                                                  std::chrono::milliseconds timeout) {
  bhttp::request<bhttp::empty_body> request(bhttp::verb::get, target, 11);
  request.set(bhttp::field::host, "127.0.0.1");
  request.keep_alive(keep_alive);
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(1ull << 30);
  beast::get_lowest_layer(stream_).expires_after(timeout);
  bhttp::async_write(stream_, request, [&](error_code ec, size_t) {
    error_ = ec;
    if (ec) return;
    bhttp::async_read(stream_, buffer_, parser,
                      [&](error_code read_ec, size_t) { error_ = read_ec; });
  });
  run();
  if (error_) return std::nullopt;
  return parser.release();
}

bool TlsClient::wait_closed(std::chrono::milliseconds timeout) {
  char scratch[4096];
  size_t received = 0;
  beast::get_lowest_layer(stream_).expires_after(timeout);
  stream_.async_read_some(asio::buffer(scratch), [&](error_code ec, size_t n) {
    error_ = ec;
    received = n;
  });
  run();
  return received == 0 && error_ && error_ != beast::error::timeout;
}

}  // namespace lakegate::http::testing
