// The backends the store tests run on, and a fresh empty database per test:
// SQLite always (a file in a new temporary directory); PostgreSQL when
// LAKEGATE_TEST_POSTGRES_URL names a server (a new schema there, selected
// through the URL's search_path option and dropped afterwards, so reruns and
// parallel test processes never see each other's tables).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "store/database.h"

namespace lakegate::store::testing {

inline const char* postgres_server_url() {
  const char* url = std::getenv("LAKEGATE_TEST_POSTGRES_URL");
  return url && *url ? url : nullptr;
}

inline std::vector<std::string> test_backends() {
  std::vector<std::string> backends = {"sqlite"};
  if (postgres_server_url()) backends.push_back("postgresql");
  return backends;
}

inline std::string backend_name(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

class ScratchDatabase {
 public:
  explicit ScratchDatabase(const std::string& backend) : backend_(backend) {
    static std::atomic<int> counter{0};
    const std::string unique = std::to_string(::getpid()) + "_" + std::to_string(++counter);
    if (backend == "sqlite") {
      std::string pattern =
          (std::filesystem::temp_directory_path() / "lakegate_store_test_XXXXXX").string();
      if (!::mkdtemp(pattern.data())) ADD_FAILURE() << "mkdtemp failed";
      directory_ = pattern;
      url_ = "sqlite://" + directory_ + "/store.db";
      return;
    }
    const std::string server = postgres_server_url();
    schema_ = "lakegate_test_" + unique;
    auto admin = open_database(server);
    if (!admin) {
      ADD_FAILURE() << admin.error().message;
      return;
    }
    auto created = (*admin)->query("CREATE SCHEMA " + schema_);
    if (!created) ADD_FAILURE() << created.error().message;
    url_ = server + (server.find('?') == std::string::npos ? "?" : "&") +
           "options=-csearch_path%3D" + schema_;
  }

  ~ScratchDatabase() {
    if (!directory_.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(directory_, ignored);
    }
    if (!schema_.empty()) {
      if (auto admin = open_database(postgres_server_url())) {
        (void)(*admin)->query("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
      }
    }
  }

  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  const std::string& url() const { return url_; }
  const std::string& backend() const { return backend_; }

 private:
  std::string backend_, url_, directory_, schema_;
};

}  // namespace lakegate::store::testing
