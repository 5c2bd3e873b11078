#include "auth/audit_log.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "audit_test_support.h"
#include "crypto/secret_box.h"
#include "store/store.h"

namespace lakegate::auth {
namespace {

using testing::read_lines;
using testing::sample_record;
using testing::TempDir;
namespace fs = std::filesystem;

// The keys of a JSON object line, in order; fails the test when it is not one.
std::vector<std::string> keys_of(const std::string& line) {
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  EXPECT_EQ(parser.parse(line).get_object().get(object), simdjson::SUCCESS) << line;
  std::vector<std::string> keys;
  for (const auto field : object) keys.emplace_back(field.key);
  return keys;
}

TEST(AuditJsonLine, HasTheDocumentedKeysInOrder) {
  const std::string line = audit_json_line(sample_record());
  EXPECT_EQ(keys_of(line),
            (std::vector<std::string>{"time", "request_id", "app", "user", "role", "service",
                                      "resource", "verb", "status", "rows", "bytes", "duration_ms",
                                      "operation_id", "sql_hash", "remote_address"}));
  EXPECT_NE(line.find("\"duration_ms\":12.346"), std::string::npos) << line;
  EXPECT_NE(line.find("\"rows\":17"), std::string::npos);
  EXPECT_NE(line.find("\"status\":200"), std::string::npos);
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(AuditJsonLine, OmitsEmptyOptionalFields) {
  store::AuditRecord record;
  record.time = "2024-05-01T00:00:00.000Z";
  record.verb = "POST";
  record.status = 401;
  const std::string line = audit_json_line(record);
  EXPECT_EQ(keys_of(line), (std::vector<std::string>{"time", "request_id", "verb", "status",
                                                     "bytes", "duration_ms"}));
  EXPECT_EQ(line,
            R"({"time":"2024-05-01T00:00:00.000Z","request_id":"","verb":"POST","status":401,)"
            R"("bytes":0,"duration_ms":0.000})");
}

TEST(AuditJsonLine, NeverPrintsOtherFields) {
  const std::set<std::string> allowed = {
      "time",           "request_id", "app",  "user",  "role",        "service",      "resource",
      "verb",           "status",     "rows", "bytes", "duration_ms", "operation_id", "sql_hash",
      "remote_address", "params"};
  store::AuditRecord record = sample_record();
  record.params_json = R"({"limit":10})";
  const std::string line = audit_json_line(record);
  for (const auto& key : keys_of(line)) EXPECT_TRUE(allowed.count(key)) << key;
  EXPECT_EQ(line.find("987654321"), std::string::npos);  // the store id
  EXPECT_EQ(line.find("\"id\""), std::string::npos);
}

TEST(AuditJsonLine, ParamsAreRawJsonWhenValid) {
  store::AuditRecord record = sample_record();
  record.params_json = R"({"ids":[1,2],"name":"x"})";
  const std::string line = audit_json_line(record);
  EXPECT_NE(line.find(R"("params":{"ids":[1,2],"name":"x"}})"), std::string::npos) << line;
  keys_of(line);

  record.params_json = R"({"broken": )";  // not JSON: kept, but as a string
  const std::string quoted = audit_json_line(record);
  EXPECT_NE(quoted.find(R"("params":"{\"broken\": ")"), std::string::npos) << quoted;
  keys_of(quoted);
}

TEST(AuditJsonLine, EscapesHostileStrings) {
  store::AuditRecord record = sample_record();
  record.user = "evil\"},\"status\":999,\"x\":\"\n";
  record.resource = "_table/a\\b\x01\xff";
  const std::string line = audit_json_line(record);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  simdjson::dom::parser parser;
  simdjson::dom::element document;
  ASSERT_EQ(parser.parse(line).get(document), simdjson::SUCCESS) << line;
  int64_t status = 0;
  ASSERT_EQ(document["status"].get_int64().get(status), simdjson::SUCCESS);
  EXPECT_EQ(status, 200);
  std::string_view user;
  ASSERT_EQ(document["user"].get_string().get(user), simdjson::SUCCESS);
  EXPECT_EQ(user, record.user);
}

TEST(AuditJsonLine, NonFiniteDurationIsZero) {
  store::AuditRecord record = sample_record();
  record.duration_ms = std::nan("");
  EXPECT_NE(audit_json_line(record).find("\"duration_ms\":0.000"), std::string::npos);
  record.rows = 0;
  EXPECT_NE(audit_json_line(record).find("\"rows\":0"), std::string::npos);
}

TEST(AuditLog, WritesOneValidJsonLinePerRecord) {
  TempDir dir;
  const fs::path file = dir.path() / "logs" / "lakegate-audit.log";
  {
    AuditLog log({.file = file.string()}, nullptr);
    for (int i = 0; i < 100; ++i) log.record(sample_record(i));
    log.flush();
    const auto lines = read_lines(file);
    ASSERT_EQ(lines.size(), 100u);
    for (size_t i = 0; i < lines.size(); ++i) {
      keys_of(lines[i]);
      EXPECT_NE(lines[i].find("\"request_id\":\"req-" + std::to_string(i) + "\""),
                std::string::npos);
    }
    EXPECT_EQ(log.counters().written, 100u);
  }
}

TEST(AuditLog, AppendsToAnExistingFile) {
  TempDir dir;
  const fs::path file = dir.path() / "audit.log";
  {
    AuditLog log({.file = file.string()}, nullptr);
    log.record(sample_record(1));
  }  // the destructor drains
  {
    AuditLog log({.file = file.string()}, nullptr);
    log.record(sample_record(2));
  }
  const auto lines = read_lines(file);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[1].find("req-2"), std::string::npos);
}

TEST(AuditLog, RotatesBySizeKeepingMaxFiles) {
  TempDir dir;
  const fs::path file = dir.path() / "audit.log";
  const size_t line_bytes = audit_json_line(sample_record(100)).size() + 1;
  const uint64_t max_bytes = line_bytes * 4 + 10;  // four lines per file
  {
    AuditLog log({.file = file.string(), .max_file_bytes = max_bytes, .max_files = 3}, nullptr);
    for (int i = 100; i < 150; ++i) log.record(sample_record(i));
    log.flush();
  }
  EXPECT_TRUE(fs::exists(file));
  for (int index = 1; index <= 3; ++index) {
    const fs::path rotated = file.string() + "." + std::to_string(index);
    ASSERT_TRUE(fs::exists(rotated)) << rotated;
    EXPECT_LE(fs::file_size(rotated), max_bytes);
    EXPECT_EQ(read_lines(rotated).size(), 4u);
  }
  EXPECT_FALSE(fs::exists(file.string() + ".4"));
  // 50 lines: 12 full files rotated, 2 lines in the current one; the newest survive in order.
  const auto current = read_lines(file);
  ASSERT_EQ(current.size(), 2u);
  EXPECT_NE(current[1].find("req-149"), std::string::npos);
  EXPECT_NE(read_lines(file.string() + ".1")[3].find("req-147"), std::string::npos);
  EXPECT_NE(read_lines(file.string() + ".3")[0].find("req-136"), std::string::npos);
}

TEST(AuditLog, ALineLongerThanTheLimitStillGetsWritten) {
  TempDir dir;
  const fs::path file = dir.path() / "audit.log";
  {
    AuditLog log({.file = file.string(), .max_file_bytes = 10, .max_files = 2}, nullptr);
    for (int i = 0; i < 3; ++i) log.record(sample_record(i));
  }
  EXPECT_EQ(read_lines(file).size(), 1u);
  EXPECT_EQ(read_lines(file.string() + ".1").size(), 1u);
  EXPECT_EQ(read_lines(file.string() + ".2").size(), 1u);
  EXPECT_FALSE(fs::exists(file.string() + ".3"));
}

TEST(AuditLog, ConcurrentRecordsAreAllWritten) {
  TempDir dir;
  const fs::path file = dir.path() / "audit.log";
  AuditLog log({.file = file.string()}, nullptr);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&log, t] {
      for (int i = 0; i < 1000; ++i) log.record(sample_record(t * 1000 + i));
    });
  }
  for (auto& thread : threads) thread.join();
  log.flush();
  const auto lines = read_lines(file);
  ASSERT_EQ(lines.size(), 8000u);
  std::set<std::string> request_ids;
  simdjson::dom::parser parser;
  for (const auto& line : lines) {
    simdjson::dom::element document;
    ASSERT_EQ(parser.parse(line).get(document), simdjson::SUCCESS) << line;
    std::string_view request_id;
    ASSERT_EQ(document["request_id"].get_string().get(request_id), simdjson::SUCCESS);
    request_ids.emplace(request_id);
  }
  EXPECT_EQ(request_ids.size(), 8000u);
}

TEST(AuditLog, RecordsWithoutTicketsWaitForRoomInAFullQueue) {
  TempDir dir;
  const fs::path file = dir.path() / "audit.log";
  {
    AuditLog log({.file = file.string(), .queue_capacity = 4}, nullptr);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&log, t] {
        for (int i = 0; i < 500; ++i) log.record(sample_record(t * 500 + i));
      });
    }
    for (auto& thread : threads) thread.join();
    log.flush();
    EXPECT_EQ(read_lines(file).size(), 2000u);
    EXPECT_EQ(log.counters().written, 2000u);
    EXPECT_EQ(log.counters().slots_taken, 0u);
  }
  EXPECT_EQ(read_lines(file).size(), 2000u);
}

TEST(AuditLog, FlushWaitsForEverythingRecordedBefore) {
  TempDir dir;
  const fs::path file = dir.path() / "audit.log";
  AuditLog log({.file = file.string()}, nullptr);
  for (int round = 1; round <= 20; ++round) {
    for (int i = 0; i < 37; ++i) log.record(sample_record(i));
    log.flush();
    EXPECT_EQ(read_lines(file).size(), static_cast<size_t>(round * 37));
  }
}

TEST(AuditLog, BatchesRecordsIntoTheStore) {
  TempDir dir;
  auto opened = store::Store::open("sqlite://" + (dir.path() / "system.db").string(),
                                   crypto::SecretBox(std::string(32, 'k')));
  ASSERT_TRUE(opened) << opened.error().message;
  store::Store& system_store = **opened;
  const fs::path file = dir.path() / "audit.log";
  {
    AuditLog log({.file = file.string()}, &system_store);
    for (int i = 0; i < 1234; ++i) log.record(sample_record(i));
    log.flush();
    auto stored = system_store.query_audit({.limit = 5000});
    ASSERT_TRUE(stored) << stored.error().message;
    EXPECT_EQ(stored->size(), 1234u);
    EXPECT_EQ(read_lines(file).size(), 1234u);
    EXPECT_EQ(log.counters().written, 1234u);
    EXPECT_EQ(log.counters().store_failures, 0u);
    log.record(sample_record(5000));
  }  // the destructor drains into the store as well
  auto stored = system_store.query_audit({.user = "jane@example.com", .limit = 5000});
  ASSERT_TRUE(stored) << stored.error().message;
  ASSERT_EQ(stored->size(), 1235u);
  std::set<std::string> request_ids;
  for (const auto& record : *stored) request_ids.insert(record.request_id);
  EXPECT_TRUE(request_ids.count("req-5000"));
  EXPECT_TRUE(request_ids.count("req-0"));
}

TEST(AuditLog, ToStoreFalseLeavesTheStoreAlone) {
  TempDir dir;
  auto opened = store::Store::open("sqlite://" + (dir.path() / "system.db").string(),
                                   crypto::SecretBox(std::string(32, 'k')));
  ASSERT_TRUE(opened) << opened.error().message;
  {
    AuditLog log({.to_store = false}, opened->get());
    for (int i = 0; i < 10; ++i) log.record(sample_record(i));
    log.flush();
  }
  auto stored = (*opened)->query_audit({});
  ASSERT_TRUE(stored) << stored.error().message;
  EXPECT_TRUE(stored->empty());
}

TEST(AuditLog, NoFileAndNoStoreIsHarmless) {
  AuditLog log({}, nullptr);
  for (int i = 0; i < 10; ++i) log.record(sample_record(i));
  log.flush();
  EXPECT_EQ(log.counters().written, 10u);
}

TEST(AuditLog, FlushWithNothingRecordedReturns) {
  AuditLog log({}, nullptr);
  log.flush();
}

}  // namespace
}  // namespace lakegate::auth
