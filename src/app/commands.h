// The lakegate command-line commands (main.cc wires them to CLI11):
//   lakegate serve --config F [--listen HOST:PORT]
//   lakegate test-connection --config F SERVICE
//   lakegate {admin|user|role|app} {create|list} ... (admin_commands.cc)
// Each returns the process exit code.
#pragma once

#include <string>
#include <vector>

namespace lakegate::app {

int serve(const std::string& config_path, const std::string& listen_override);
int test_connection(const std::string& config_path, const std::string& service_name);

struct AdminOptions {
  std::string config_path;
  std::string email, name, role;
  std::string password_env;  // read the password from this environment variable
  bool password_stdin = false;  // or from the first line of stdin
  std::vector<std::string> access;  // role create: SERVICE:COMPONENT:VERBS
};
// `noun` admin|user|role|app, `verb` create|list.
int admin_command(const std::string& noun, const std::string& verb, const AdminOptions& options);

}  // namespace lakegate::app
