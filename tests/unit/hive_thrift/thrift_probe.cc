// thrift_probe: a developer CLI that runs SQL statements on a HiveServer2
// server through lakegate's Thrift connection layer and prints the raw result
// metadata (TTypeIds, qualifiers) and column values, to check what a server
// really sends. Usage: thrift_probe <thrift://h:p | http://h:p/cliservice> SQL...
#include <iostream>

#include "backend/hive_thrift/connection.h"

using namespace lakegate;
using namespace lakegate::backend::hive_thrift;

namespace {

void print_column(const tcli::TColumn& column) {
  auto nulls = [](const std::string& bits, size_t i) {
    return i / 8 < bits.size() && (static_cast<uint8_t>(bits[i / 8]) >> (i % 8)) & 1;
  };
  auto show = [&](const auto& values, const std::string& bits, auto print) {
    std::cout << "    [" << values.size() << " values, nulls " << bits.size() << " bytes] ";
    for (size_t i = 0; i < values.size() && i < 12; ++i) {
      if (nulls(bits, i)) {
        std::cout << "NULL | ";
      } else {
        print(values[i]);
        std::cout << " | ";
      }
    }
    std::cout << "\n";
  };
  auto plain = [](const auto& v) { std::cout << v; };
  if (column.__isset.boolVal) show(column.boolVal.values, column.boolVal.nulls, plain);
  if (column.__isset.byteVal)
    show(column.byteVal.values, column.byteVal.nulls, [](int8_t v) { std::cout << int(v); });
  if (column.__isset.i16Val) show(column.i16Val.values, column.i16Val.nulls, plain);
  if (column.__isset.i32Val) show(column.i32Val.values, column.i32Val.nulls, plain);
  if (column.__isset.i64Val) show(column.i64Val.values, column.i64Val.nulls, plain);
  if (column.__isset.doubleVal) {
    show(column.doubleVal.values, column.doubleVal.nulls, [](double v) {
      std::cout.precision(17);
      std::cout << v;
    });
  }
  if (column.__isset.stringVal)
    show(column.stringVal.values, column.stringVal.nulls,
         [](const std::string& v) { std::cout << "<" << v << ">"; });
  if (column.__isset.binaryVal)
    show(column.binaryVal.values, column.binaryVal.nulls,
         [](const std::string& v) { std::cout << "bin(" << v.size() << ")"; });
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: thrift_probe URL SQL...\n";
    return 2;
  }
  config::ServiceConfig service;
  service.name = "probe";
  service.workspace_url = argv[1];
  if (const char* token = std::getenv("PROBE_TOKEN")) service.access_token = token;
  std::string protocol = "thrift";
  if (const char* path = std::getenv("PROBE_HTTP_PATH")) {
    service.http_path = path;
    protocol = "sql_warehouse";
  }
  if (const char* ca = std::getenv("PROBE_CA")) service.ca_file = ca;
  auto endpoint = endpoint_from_config(service, protocol);
  if (!endpoint) {
    std::cerr << endpoint.error().message << "\n";
    return 1;
  }
  auto deadline = Connection::Clock::now() + std::chrono::seconds(60);
  auto connection = Connection::open(*endpoint, deadline);
  if (!connection) {
    std::cerr << "open: " << connection.error().message << "\n";
    return 1;
  }
  auto& c = **connection;
  std::cout << "server protocol " << c.server_protocol() << "\n";
  for (int i = 2; i < argc; ++i) {
    std::cout << "== " << argv[i] << "\n";
    tcli::TExecuteStatementReq request;
    request.sessionHandle = c.session();
    request.statement = argv[i];
    tcli::TExecuteStatementResp response;
    auto called = c.call("ExecuteStatement", deadline,
                         [&](auto& client) { client.ExecuteStatement(response, request); });
    if (!called) {
      std::cout << "  call error: " << called.error().message << "\n";
      continue;
    }
    if (response.status.statusCode >= 3) {
      std::cout << "  status " << response.status.statusCode
                << " sqlState=" << response.status.sqlState
                << " errorCode=" << response.status.errorCode
                << "\n  message: " << response.status.errorMessage.substr(0, 600) << "\n";
      auto mapped = Connection::check(response.status, "ExecuteStatement");
      std::cout << "  mapped: " << mapped.error().message.substr(0, 300) << "\n";
      for (auto& [k, v] : mapped.error().context) std::cout << "    " << k << "=" << v << "\n";
      continue;
    }
    tcli::TGetResultSetMetadataReq meta_request;
    meta_request.operationHandle = response.operationHandle;
    tcli::TGetResultSetMetadataResp meta;
    (void)c.call("meta", deadline,
                 [&](auto& client) { client.GetResultSetMetadata(meta, meta_request); });
    for (const auto& column : meta.schema.columns) {
      std::cout << "  col " << column.columnName << " entries=" << column.typeDesc.types.size();
      for (const auto& entry : column.typeDesc.types) {
        if (entry.__isset.primitiveEntry) {
          std::cout << " prim=" << entry.primitiveEntry.type;
          for (auto& [k, v] : entry.primitiveEntry.typeQualifiers.qualifiers)
            std::cout << " " << k << "=" << v.i32Value;
        }
        if (entry.__isset.arrayEntry) std::cout << " array";
      }
      std::cout << " comment=" << column.comment << "\n";
    }
    tcli::TFetchResultsReq fetch;
    fetch.operationHandle = response.operationHandle;
    fetch.maxRows = 100;
    for (int round = 0; round < 3; ++round) {
      tcli::TFetchResultsResp rows;
      auto fetched =
          c.call("fetch", deadline, [&](auto& client) { client.FetchResults(rows, fetch); });
      if (!fetched) {
        std::cout << fetched.error().message << "\n";
        break;
      }
      std::cout << "  fetch: hasMoreRows=" << rows.hasMoreRows
                << " columns=" << rows.results.columns.size()
                << " startRowOffset=" << rows.results.startRowOffset << "\n";
      size_t n = 0;
      for (const auto& column : rows.results.columns) {
        print_column(column);
        ++n;
      }
      if (rows.results.columns.empty() || (rows.results.columns[0].__isset.stringVal &&
                                           rows.results.columns[0].stringVal.values.empty()))
        break;
    }
    tcli::TCloseOperationReq close;
    close.operationHandle = response.operationHandle;
    tcli::TCloseOperationResp closed;
    (void)c.call("close", deadline, [&](auto& client) { client.CloseOperation(closed, close); });
  }
  c.close();
}
