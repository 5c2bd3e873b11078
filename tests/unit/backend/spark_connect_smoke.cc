// spark_connect_smoke: runs one statement against a Spark Connect server and
// prints the schema, the first rows and the row count.
//   spark_connect_smoke sc://127.0.0.1:15002 "SELECT ? AS x" [param…]
// Parameters bind as strings unless prefixed: int:5, dec:1.50, double:2.5,
// bool:true, null. LAKEGATE_SMOKE_TIMEOUT (seconds, default 60) sets the
// deadline. Exit status 0 on success, 1 on a lakegate error, 2 on misuse.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "backend/backend_factory.h"
#include "collecting_sink.h"

namespace {

using lakegate::backend::Value;

Value parse_param(const std::string& text) {
  auto starts = [&text](const char* prefix) { return text.rfind(prefix, 0) == 0; };
  if (text == "null") return Value::null();
  if (starts("int:")) return Value::int64(std::stoll(text.substr(4)));
  if (starts("dec:")) return Value::decimal(text.substr(4));
  if (starts("double:")) return Value::float64(std::stod(text.substr(7)));
  if (starts("bool:")) return Value::boolean(text.substr(5) == "true");
  return Value::string(text);
}

const char* type_name(const lakegate::arrow::DataType& type) {
  using lakegate::arrow::TypeId;
  switch (type.id) {
    case TypeId::kNull:
      return "null";
    case TypeId::kBool:
      return "bool";
    case TypeId::kInt:
      return "int";
    case TypeId::kFloat:
      return "float";
    case TypeId::kDecimal:
      return "decimal";
    case TypeId::kUtf8:
      return "utf8";
    case TypeId::kBinary:
      return "binary";
    case TypeId::kDate:
      return "date";
    case TypeId::kTimestamp:
      return "timestamp";
    case TypeId::kList:
      return "list";
    case TypeId::kMap:
      return "map";
    case TypeId::kStruct:
      return "struct";
    default:
      return "other";
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s sc://host:port \"SQL\" [param…]\n", argv[0]);
    return 2;
  }
  lakegate::config::ServiceConfig config;
  config.name = "smoke";
  config.type = "spark";
  config.workspace_url = argv[1];
  auto backend = lakegate::backend::make_backend(config);
  if (!backend) {
    std::fprintf(stderr, "error: %s\n", backend.error().message.c_str());
    return 1;
  }
  lakegate::backend::Statement statement;
  statement.sql = argv[2];
  for (int i = 3; i < argc; ++i) statement.positional.push_back(parse_param(argv[i]));

  const char* timeout_env = std::getenv("LAKEGATE_SMOKE_TIMEOUT");
  int timeout = timeout_env != nullptr ? std::atoi(timeout_env) : 60;
  lakegate::backend::CancelToken cancel(std::chrono::steady_clock::now() +
                                        std::chrono::seconds(timeout));
  lakegate::backend::testing::CollectingSink sink;
  auto started = std::chrono::steady_clock::now();
  auto summary = (*backend)->execute(statement, sink, cancel);
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  if (!summary) {
    const lakegate::Error& error = summary.error();
    std::printf("error %s (%d): %s\n", std::string(lakegate::error_name(error.code)).c_str(),
                lakegate::http_status(error.code), error.message.c_str());
    for (const auto& [key, value] : error.context) {
      std::printf("  %s = %s\n", key.c_str(), value.c_str());
    }
    std::printf("elapsed_ms: %lld\n", static_cast<long long>(elapsed.count()));
    return 1;
  }
  std::printf("schema:\n");
  for (const auto& field : sink.schema.fields) {
    std::printf("  %s %s%s\n", field.name.c_str(), type_name(field.type),
                field.nullable ? "" : " not null");
  }
  for (size_t row = 0; row < sink.rows.size() && row < 10; ++row) {
    std::string line;
    for (const auto& cell : sink.rows[row]) line += (line.empty() ? "" : " | ") + cell;
    std::printf("  %s\n", line.c_str());
  }
  std::printf("rows: %lld\nbatches: %d\noperation_id: %s\nelapsed_ms: %lld\n",
              static_cast<long long>(summary->rows), sink.batches, summary->operation_id.c_str(),
              static_cast<long long>(elapsed.count()));
  (*backend)->shutdown();
  return 0;
}
