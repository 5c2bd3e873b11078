// Integration tests of the Spark Connect backend against a REAL server:
// LAKEGATE_SPARK_CONNECT=sc://127.0.0.1:15002 backend_integration_test
// Not registered with ctest; the end-to-end script runs it explicitly. If the
// variable is missing or the server is unreachable, the tests FAIL.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "backend/backend_factory.h"
#include "collecting_sink.h"

namespace lakegate::backend {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using testing::CollectingSink;

std::string server_url() {
  const char* url = std::getenv("LAKEGATE_SPARK_CONNECT");
  return url != nullptr ? url : "";
}

std::unique_ptr<Backend> make(const std::string& url, int pool_size = 4) {
  config::ServiceConfig config;
  config.name = "it";
  config.type = "spark";
  config.workspace_url = url;
  config.pool_size = pool_size;
  auto backend = make_backend(config);
  EXPECT_TRUE(backend.ok()) << backend.error().message;
  return backend ? std::move(*backend) : nullptr;
}

class SparkConnectIntegration : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_FALSE(server_url().empty()) << "LAKEGATE_SPARK_CONNECT is not set";
    backend_ = make(server_url()).release();
  }
  static void TearDownTestSuite() {
    delete backend_;
    backend_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(backend_, nullptr); }

  static Result<Summary> run(Statement statement, CollectingSink& sink,
                             std::chrono::seconds timeout = 120s) {
    CancelToken cancel(Clock::now() + timeout);
    return backend_->execute(statement, sink, cancel);
  }

  static Backend* backend_;
};
Backend* SparkConnectIntegration::backend_ = nullptr;

TEST_F(SparkConnectIntegration, TestConnectionReportsVersion) {
  auto info = backend_->test();
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->connection_type, "spark_connect");
  EXPECT_EQ(info->server_version.substr(0, 2), "4.");
  EXPECT_NE(info->detail.find("sc://"), std::string::npos);
}

TEST_F(SparkConnectIntegration, PositionalStringsRoundTripUnchanged) {
  const std::vector<std::string> strings = {"plain",
                                            "it's",
                                            "O''Brien",
                                            "back\\slash",
                                            "\\'",
                                            "-- comment",
                                            "a; DROP TABLE x; --",
                                            "\"double\"",
                                            "ünïcödé ✓ 日本語 🎉",
                                            "",
                                            "new\nline\ttab",
                                            "`tick`",
                                            "?",
                                            ":name",
                                            "%_"};
  Statement statement;
  statement.sql = "SELECT ";
  for (size_t i = 0; i < strings.size(); ++i) {
    statement.sql += (i ? ", ?" : "?") + std::string(" AS c") + std::to_string(i);
    statement.positional.push_back(Value::string(strings[i]));
  }
  CollectingSink sink;
  auto summary = run(statement, sink);
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_EQ(summary->rows, 1);
  EXPECT_EQ(sink.schema_calls, 1);
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0], strings);
}

TEST_F(SparkConnectIntegration, TypedPositionalParameters) {
  Statement statement{
      "SELECT ? AS n, ? AS b, ? AS l, ? AS d, ? AS bin, typeof(?) AS t",
      {Value::null(), Value::boolean(true), Value::int64(-9223372036854775807LL),
       Value::float64(0.5), Value::binary(std::string("\x00\xff\x01", 3)), Value::int64(1)},
      {}};
  CollectingSink sink;
  auto summary = run(statement, sink);
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0],
            (std::vector<std::string>{"NULL", "true", "-9223372036854775807", "0.500000",
                                      std::string("\x00\xff\x01", 3), "bigint"}));
}

TEST_F(SparkConnectIntegration, NamedParameters) {
  Statement statement{"SELECT :x + 1 AS y, :name AS n",
                      {},
                      {{":x", Value::int64(41)}, {"name", Value::string("it's :x")}}};
  CollectingSink sink;
  auto summary = run(statement, sink);
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0], (std::vector<std::string>{"42", "it's :x"}));
  EXPECT_EQ(sink.schema.fields.at(0).name, "y");
}

TEST_F(SparkConnectIntegration, DecimalsAreExact) {
  const std::vector<std::string> decimals = {"-0.050", "123", "12345678901234567890.123456789",
                                             "0.00000000000000000000000000000000000001",
                                             "99999999999999999999999999999999999999"};
  Statement statement{"SELECT ?, ?, ?, ?, ?, typeof(?)", {}, {}};
  for (const auto& text : decimals) statement.positional.push_back(Value::decimal(text));
  statement.positional.push_back(Value::decimal("-0.050"));
  CollectingSink sink;
  auto summary = run(statement, sink);
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  ASSERT_EQ(sink.rows.size(), 1u);
  for (size_t i = 0; i < decimals.size(); ++i) EXPECT_EQ(sink.rows[0][i], decimals[i]);
  EXPECT_EQ(sink.rows[0][5], "decimal(3,3)");
}

TEST_F(SparkConnectIntegration, EmptyResultStillHasSchema) {
  CollectingSink sink;
  auto summary = run({"SELECT 1 AS a, 'x' AS b WHERE false", {}, {}}, sink);
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_EQ(summary->rows, 0);
  EXPECT_EQ(sink.schema_calls, 1);
  ASSERT_EQ(sink.schema.fields.size(), 2u);
  EXPECT_EQ(sink.schema.fields[1].name, "b");
}

TEST_F(SparkConnectIntegration, DdlAndDmlRunAsRootSqlRelation) {
  const std::string table = "lakegate_it_" + std::to_string(std::rand() % 1000000);
  CollectingSink ignore;
  ASSERT_TRUE(run({"DROP TABLE IF EXISTS " + table, {}, {}}, ignore).ok());
  auto created =
      run({"CREATE TABLE " + table + " (id BIGINT, name STRING, amount DECIMAL(10,2)) USING delta",
           {},
           {}},
          ignore);
  ASSERT_TRUE(created.ok()) << created.error().message;
  auto inserted = run({"INSERT INTO " + table + " VALUES (?, ?, ?), (?, ?, ?)",
                       {Value::int64(1), Value::string("a'b"), Value::decimal("10.50"),
                        Value::int64(2), Value::null(), Value::decimal("-0.01")},
                       {}},
                      ignore);
  ASSERT_TRUE(inserted.ok()) << inserted.error().message;
  CollectingSink sink;
  auto selected = run({"SELECT id, name, amount FROM " + table + " ORDER BY id", {}, {}}, sink);
  ASSERT_TRUE(selected.ok()) << selected.error().message;
  ASSERT_EQ(sink.rows.size(), 2u);
  EXPECT_EQ(sink.rows[0], (std::vector<std::string>{"1", "a'b", "10.50"}));
  EXPECT_EQ(sink.rows[1], (std::vector<std::string>{"2", "NULL", "-0.01"}));
  EXPECT_TRUE(run({"DROP TABLE " + table, {}, {}}, ignore).ok());
}

TEST_F(SparkConnectIntegration, AnalysisErrorCarriesErrorClass) {
  CollectingSink sink;
  auto result = run({"SELECT no_such_column FROM range(1)", {}, {}}, sink);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kSparkAnalysis) << result.error().message;
  EXPECT_EQ(result.error().context_value("errorClass").substr(0, 17), "UNRESOLVED_COLUMN");
  EXPECT_EQ(result.error().context_value("sqlState"), "42703");
  EXPECT_NE(result.error().message.find("no_such_column"), std::string::npos);

  auto parse = run({"SELEC 1", {}, {}}, sink);
  ASSERT_FALSE(parse.ok());
  EXPECT_EQ(parse.error().code, ErrorCode::kSparkAnalysis);
  EXPECT_EQ(parse.error().context_value("errorClass"), "PARSE_SYNTAX_ERROR");
}

TEST_F(SparkConnectIntegration, MissingTableIsTableNotFound) {
  CollectingSink sink;
  auto result = run({"SELECT * FROM lakegate_no_such_table", {}, {}}, sink);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kTableNotFound) << result.error().message;
  EXPECT_EQ(result.error().context_value("errorClass"), "TABLE_OR_VIEW_NOT_FOUND");
  EXPECT_EQ(result.error().message.find("UnresolvedRelation"), std::string::npos);
  auto schema = run({"SELECT * FROM lakegate_no_schema.t", {}, {}}, sink);
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(schema.error().code, ErrorCode::kTableNotFound) << schema.error().message;
}

TEST_F(SparkConnectIntegration, WrongPortIsBackendUnavailable) {
  auto backend = make("sc://127.0.0.1:1");
  ASSERT_NE(backend, nullptr);
  CollectingSink sink;
  CancelToken cancel(Clock::now() + 10s);
  auto start = Clock::now();
  auto result = backend->execute({"SELECT 1", {}, {}}, sink, cancel);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kBackendUnavailable) << result.error().message;
  EXPECT_LT(Clock::now() - start, 5s);
  auto info = backend->test();
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().code, ErrorCode::kBackendUnavailable);
}

TEST_F(SparkConnectIntegration, DeadlineInterruptsSlowQuery) {
  CollectingSink sink;
  auto start = Clock::now();
  auto result = run({"SELECT count(*) FROM range(0, 10000000000)", {}, {}}, sink, 1s);
  auto elapsed = Clock::now() - start;
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kTimeout) << result.error().message;
  EXPECT_EQ(result.error().context_value("interrupted"), "true");
  EXPECT_LT(elapsed, 4s);
  // The backend is healthy afterwards.
  CollectingSink after;
  EXPECT_TRUE(run({"SELECT 1", {}, {}}, after).ok());
}

TEST_F(SparkConnectIntegration, SinkStopCancelsQuickly) {
  // 1000 partitions: Spark materialises each partition's Arrow batches in
  // the driver, and 50M-row partitions exhaust a 1 GiB test-bed driver.
  CollectingSink sink(/*stop_after_batches=*/1, /*keep_rows=*/false);
  auto start = Clock::now();
  auto result = run({"SELECT * FROM range(0, 100000000, 1, 1000)", {}, {}}, sink);
  auto elapsed = Clock::now() - start;
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kCancelled) << result.error().message;
  EXPECT_EQ(sink.batches, 1);
  EXPECT_EQ(result.error().context_value("interrupted"), "true");
  EXPECT_LT(elapsed, 10s);
  CollectingSink after;
  EXPECT_TRUE(run({"SELECT 1", {}, {}}, after).ok());
}

TEST_F(SparkConnectIntegration, TokenCancelFromAnotherThread) {
  CollectingSink sink;
  CancelToken cancel(Clock::now() + 120s);
  std::thread canceller([&cancel] {
    std::this_thread::sleep_for(700ms);
    cancel.cancel();
  });
  auto start = Clock::now();
  auto result =
      backend_->execute({"SELECT count(*) FROM range(0, 10000000000)", {}, {}}, sink, cancel);
  canceller.join();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kCancelled) << result.error().message;
  EXPECT_EQ(result.error().context_value("interrupted"), "true");
  EXPECT_LT(Clock::now() - start, 4s);
}

// A released session id is refused by the server (INVALID_HANDLE.
// SESSION_CLOSED); the backend replaces the session and retries once.
TEST_F(SparkConnectIntegration, ClosedSessionIsReplacedAndRetried) {
  const std::string session_id =
      "3f1c0a9e-6b2d-4e8f-9a7b-" + std::to_string(100000000000 + std::rand() % 899999999999);
  auto first = make(server_url() + "/;session_id=" + session_id, 1);
  ASSERT_NE(first, nullptr);
  CollectingSink sink;
  CancelToken cancel(Clock::now() + 60s);
  ASSERT_TRUE(first->execute({"SELECT 1", {}, {}}, sink, cancel).ok());
  first->shutdown();  // releases the session on the server

  auto second = make(server_url() + "/;session_id=" + session_id, 1);
  ASSERT_NE(second, nullptr);
  CollectingSink again;
  auto result = second->execute({"SELECT 2 AS two", {}, {}}, again, cancel);
  ASSERT_TRUE(result.ok()) << result.error().message;
  ASSERT_EQ(again.rows.size(), 1u);
  EXPECT_EQ(again.rows[0][0], "2");
}

TEST_F(SparkConnectIntegration, ManyBatchesStream) {
  CollectingSink sink(-1, /*keep_rows=*/false);
  auto summary = run({"SELECT id, cast(id AS STRING) AS s FROM range(0, 250000)", {}, {}}, sink);
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_EQ(summary->rows, 250000);
  EXPECT_EQ(sink.rows_seen, 250000);
  EXPECT_GT(sink.batches, 1);
  EXPECT_EQ(sink.schema_calls, 1);
}

TEST_F(SparkConnectIntegration, ConcurrentCallsShareABoundedPool) {
  auto backend = make(server_url(), /*pool_size=*/2);
  ASSERT_NE(backend, nullptr);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&backend, &ok, t] {
      for (int i = 0; i < 3; ++i) {
        CollectingSink sink;
        CancelToken cancel(Clock::now() + 60s);
        auto result =
            backend->execute({"SELECT ? * 2 AS v", {Value::int64(t * 10 + i)}, {}}, sink, cancel);
        if (result && sink.rows.size() == 1 &&
            sink.rows[0][0] == std::to_string((t * 10 + i) * 2)) {
          ++ok;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), 18);
  backend->shutdown();
  CollectingSink sink;
  CancelToken cancel(Clock::now() + 5s);
  auto after = backend->execute({"SELECT 1", {}, {}}, sink, cancel);
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.error().code, ErrorCode::kBackendUnavailable);
}

}  // namespace
}  // namespace lakegate::backend
