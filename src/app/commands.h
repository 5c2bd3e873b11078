// The lakegate command-line commands (main.cc wires them to CLI11):
//   lakegate serve --config F [--listen HOST:PORT]
//   lakegate test-connection --config F SERVICE
// Each returns the process exit code.
#pragma once

#include <string>

namespace lakegate::app {

int serve(const std::string& config_path, const std::string& listen_override);
int test_connection(const std::string& config_path, const std::string& service_name);

}  // namespace lakegate::app
