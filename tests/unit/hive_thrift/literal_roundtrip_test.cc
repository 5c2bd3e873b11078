// Against a real Spark Thrift Server (LAKEGATE_THRIFT_BINARY and/or
// LAKEGATE_THRIFT_HTTP, e.g. from .testbed/env): both transports answer, and
// the audited literal renderer (sql/literal.h) round-trips thousands of
// random strings (quotes, backslashes, unicode, control characters, NUL),
// decimals, doubles, bigints and binaries through `SELECT <literal>`
// unchanged. Run by tests/e2e/test_thrift.py; not registered with ctest.
#include <gtest/gtest.h>

#include <charconv>
#include <cstdlib>
#include <random>

#include "backend/backend_factory.h"
#include "json_sink.h"
#include "sql/literal.h"

namespace lakegate::backend {
namespace {

// Collects column 0 as raw bytes (Utf8/Binary) or rendered JSON (others).
class ValueSink final : public BatchSink {
 public:
  bool on_schema(const arrow::Schema& schema) override {
    schema_ = schema;
    return true;
  }
  bool on_batch(const arrow::RecordBatch& batch) override {
    for (int64_t row = 0; row < batch.num_rows; ++row) {
      const auto& field = schema_.fields[0];
      const auto& column = batch.columns[0];
      if (column.is_null(row)) {
        values.push_back("<null>");
      } else if (field.type.id == arrow::TypeId::kUtf8 || field.type.id == arrow::TypeId::kBinary) {
        values.emplace_back(column.bytes(row));
      } else {
        std::string text;
        format::append_json_value(text, field, column, row);
        values.push_back(text);
      }
    }
    return true;
  }
  std::vector<std::string> values;
  arrow::Schema schema_;
};

std::unique_ptr<Backend> backend_for(const char* variable) {
  const char* url = std::getenv(variable);
  if (url == nullptr || *url == '\0') return nullptr;
  config::ServiceConfig config;
  config.name = "thrift";
  config.type = "spark";
  config.workspace_url = url;
  config.timeout_seconds = 120;
  auto backend = make_backend(config);
  EXPECT_TRUE(backend) << backend.error().message;
  return backend ? std::move(*backend) : nullptr;
}

std::vector<std::string> run(Backend& backend, const std::string& sql) {
  ValueSink sink;
  CancelToken cancel(CancelToken::Clock::now() + std::chrono::seconds(120));
  auto result = backend.execute(Statement{sql, {}, {}}, sink, cancel);
  EXPECT_TRUE(result) << (result ? "" : result.error().message) << "\n" << sql.substr(0, 300);
  return sink.values;
}

// SELECT * FROM VALUES (l0), (l1), … AS t(v), in the given order.
std::string values_query(const std::vector<std::string>& literals) {
  std::string sql = "SELECT v FROM (SELECT v, pos FROM VALUES ";
  for (size_t i = 0; i < literals.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += "(" + literals[i] + ", " + std::to_string(i) + ")";
  }
  return sql + " AS t(v, pos)) ORDER BY pos";
}

std::string random_utf8(std::mt19937_64& random) {
  static const std::vector<std::string> pieces = {"'",
                                                  "\\",
                                                  "\"",
                                                  "''",
                                                  "\\'",
                                                  "\\\\",
                                                  "\n",
                                                  "\r",
                                                  "\t",
                                                  "\b",
                                                  "\x01",
                                                  "\x1f",
                                                  "\x7f",
                                                  "%",
                                                  "_",
                                                  "?",
                                                  ":x",
                                                  "${x}",
                                                  "${spark.app.name}",
                                                  "${hiveconf:a}",
                                                  "$",
                                                  "--",
                                                  "/*",
                                                  "*/",
                                                  "`",
                                                  "$",
                                                  "{",
                                                  "}",
                                                  "\\u0041",
                                                  "\\n",
                                                  "\\0",
                                                  "é",
                                                  "ü",
                                                  "ß",
                                                  "☃",
                                                  "中文",
                                                  "עברית",
                                                  "😀",
                                                  "𝄞",
                                                  "\xc2\xa0",
                                                  "a",
                                                  "Z",
                                                  "0",
                                                  " ",
                                                  ";"};
  std::uniform_int_distribution<size_t> length(0, 12);
  std::uniform_int_distribution<size_t> pick(0, pieces.size() - 1);
  std::string out;
  for (size_t i = length(random); i > 0; --i) out += pieces[pick(random)];
  return out;
}

class ThriftRoundTrip : public ::testing::TestWithParam<const char*> {};

TEST_P(ThriftRoundTrip, TransportAnswers) {
  auto backend = backend_for(GetParam());
  ASSERT_TRUE(backend) << GetParam() << " not set: run scripts/testbed start";
  auto info = backend->test();
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_FALSE(info->server_version.empty());
  EXPECT_EQ(run(*backend, "SELECT 41 + 1 AS answer"), std::vector<std::string>{"42"});
}

TEST_P(ThriftRoundTrip, RandomStringsComeBackUnchanged) {
  auto backend = backend_for(GetParam());
  ASSERT_TRUE(backend) << GetParam() << " not set: run scripts/testbed start";
  std::mt19937_64 random(20261127);
  int checked = 0;
  for (int round = 0; round < 10; ++round) {
    std::vector<std::string> originals, literals;
    for (int i = 0; i < 500; ++i) {
      originals.push_back(random_utf8(random));
      if (i % 50 == 0) originals.back() += std::string("\0nul", 4);
      literals.push_back(*sql::string_literal(originals.back()));
    }
    auto values = run(*backend, values_query(literals));
    ASSERT_EQ(values.size(), originals.size());
    for (size_t i = 0; i < originals.size(); ++i) {
      ASSERT_EQ(values[i], originals[i]) << "literal " << literals[i];
      ++checked;
    }
  }
  EXPECT_EQ(checked, 5000);
}

TEST_P(ThriftRoundTrip, NumbersAndBinariesComeBackUnchanged) {
  auto backend = backend_for(GetParam());
  ASSERT_TRUE(backend) << GetParam() << " not set: run scripts/testbed start";
  std::mt19937_64 random(7);
  // Doubles: random bit patterns (finite), extremes, negative zero.
  std::vector<double> doubles = {0.0, -0.0, 1.5e300, -1.7976931348623157e308, 4.9e-324, 0.1, 1e-7};
  while (doubles.size() < 400) {
    uint64_t bits = random();
    double value;
    std::memcpy(&value, &bits, 8);
    if (std::isfinite(value)) doubles.push_back(value);
  }
  std::vector<std::string> literals, expected;
  for (double value : doubles) {
    literals.push_back(sql::double_literal(value));
    std::string text;
    format::append_json_double(text, value);
    expected.push_back(text);
  }
  EXPECT_EQ(run(*backend, values_query(literals)), expected);

  // Bigints.
  literals.clear();
  expected.clear();
  for (int64_t value : {INT64_MIN, INT64_MAX, int64_t(0), int64_t(-1)}) {
    literals.push_back(sql::bigint_literal(value));
    expected.push_back(std::to_string(value));
  }
  for (int i = 0; i < 200; ++i) {
    int64_t value = static_cast<int64_t>(random());
    literals.push_back(sql::bigint_literal(value));
    expected.push_back(std::to_string(value));
  }
  EXPECT_EQ(run(*backend, values_query(literals)), expected);

  // Decimals: one statement each (each literal has its own type), exact digits.
  for (std::string digits :
       {"12.50", "-0.050", "99999999999999999999999999999999999999",
        "-0.00000000000000000000000000000000000001", "0", "123456789.123456789"}) {
    auto rows = run(*backend, "SELECT " + *sql::decimal_literal(digits) + " AS d");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0], digits);
  }

  // Binaries: random bytes, all 256 byte values.
  literals.clear();
  std::vector<std::string> originals;
  std::string every_byte;
  for (int b = 0; b < 256; ++b) every_byte.push_back(static_cast<char>(b));
  originals.push_back(every_byte);
  originals.push_back("");
  for (int i = 0; i < 200; ++i) {
    std::string bytes(random() % 40, '\0');
    for (char& c : bytes) c = static_cast<char>(random());
    originals.push_back(bytes);
  }
  for (const auto& bytes : originals) literals.push_back(sql::binary_literal(bytes));
  EXPECT_EQ(run(*backend, values_query(literals)), originals);
}

TEST_P(ThriftRoundTrip, BoundParametersAreLiterals) {
  auto backend = backend_for(GetParam());
  ASSERT_TRUE(backend) << GetParam() << " not set: run scripts/testbed start";
  testing::JsonSink sink;
  CancelToken cancel(CancelToken::Clock::now() + std::chrono::seconds(60));
  Statement statement{"SELECT ? AS s, ? AS i, ? AS d, ? AS b, ? AS n, '?' AS q -- ?\n", {}, {}};
  statement.positional = {Value::string("x' OR '1'='1 \\"), Value::int64(-5),
                          Value::decimal("12.50"), Value::boolean(true), Value::null()};
  auto result = backend->execute(statement, sink, cancel);
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0], R"({"s":"x' OR '1'='1 \\","i":-5,"d":12.50,"b":true,"n":null,"q":"?"})");
}

INSTANTIATE_TEST_SUITE_P(Transports, ThriftRoundTrip,
                         ::testing::Values("LAKEGATE_THRIFT_BINARY", "LAKEGATE_THRIFT_HTTP"));

}  // namespace
}  // namespace lakegate::backend
