// `lakegate test-connection`: opens the service's backend, asks the server who
// it is, and prints one JSON line: success, connection type and why it was
// chosen, server version, latency. Exit 0 on success, 1 on failure.
#include <chrono>
#include <iostream>

#include "app/commands.h"
#include "backend/backend_factory.h"
#include "config/gateway_config.h"
#include "util/json_text.h"

namespace lakegate::app {

int test_connection(const std::string& config_path, const std::string& service_name) {
  auto config = config::load_config(config_path);
  if (!config) {
    std::cerr << "lakegate: " << config.error().message << "\n";
    return 1;
  }
  const config::ServiceConfig* service = config->find_service(service_name);
  std::string out;
  if (service == nullptr) {
    out = "{\"success\":false,\"message\":";
    util::append_json_string(out, "no service named \"" + service_name + "\" in " + config_path);
    std::cout << out << "}\n";
    return 1;
  }
  std::string reason;
  auto protocol = backend::select_protocol(*service, &reason);
  const auto started = std::chrono::steady_clock::now();
  Result<backend::ConnectionInfo> info = Error(ErrorCode::kInternal, "not run");
  if (protocol) {
    auto backend = backend::make_backend(*service);
    info = backend ? (*backend)->test() : Result<backend::ConnectionInfo>(backend.error());
  } else {
    info = protocol.error();
  }
  const auto latency_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::steady_clock::now() - started)
                              .count();
  out = "{\"success\":";
  out += info ? "true" : "false";
  out += ",\"service\":";
  util::append_json_string(out, service->name);
  out += ",\"connection_type\":";
  util::append_json_string(out, protocol ? *protocol : std::string());
  out += ",\"reason\":";
  util::append_json_string(out, reason);
  if (info) {
    out += ",\"message\":";
    util::append_json_string(out, "Spark connection successful");
    out += ",\"server_version\":";
    util::append_json_string(out, info->server_version);
    out += ",\"endpoint\":";
    util::append_json_string(out, info->detail);
  } else {
    out += ",\"message\":";
    util::append_json_string(out, info.error().message);
    out += ",\"error_code\":";
    util::append_json_string(out, std::string(error_name(info.error().code)));
  }
  out += ",\"latency_ms\":" + std::to_string(latency_ms) + "}";
  std::cout << out << "\n";
  return info ? 0 : 1;
}

}  // namespace lakegate::app
