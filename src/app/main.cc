// lakegate's entry point: parses the command line and runs a command.
#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>
#include <map>

#include "app/commands.h"
#include "lakegate_version.h"

int main(int argc, char** argv) {
  // A peer that closed its socket (client, Redis, Spark) must give a write
  // error, never kill the process.
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App cli{"lakegate: secure REST APIs for Apache Spark, Databricks and Delta Lake"};
  cli.set_version_flag("--version", std::string("lakegate ") + LAKEGATE_VERSION);
  cli.require_subcommand(1);

  std::string config_path;
  std::string listen;
  auto* serve = cli.add_subcommand("serve", "Serve the REST API");
  serve->add_option("--config,-c", config_path, "lakegate.yaml")->required();
  serve->add_option("--listen", listen, "HOST:PORT (overrides the config's listen)");

  std::string service;
  auto* test = cli.add_subcommand("test-connection", "Check a service's connection to Spark");
  test->add_option("--config,-c", config_path, "lakegate.yaml")->required();
  test->add_option("service", service, "service name")->required();

  // Scripted set-up: admin/user/role/app commands on the system store.
  lakegate::app::AdminOptions admin;
  std::vector<std::pair<CLI::App*, std::pair<std::string, std::string>>> admin_commands;
  std::map<std::string, CLI::App*> groups;
  auto add_admin = [&](const std::string& noun, const std::string& verb, const std::string& help) {
    CLI::App*& group = groups[noun];
    if (group == nullptr) {
      group = cli.add_subcommand(noun, noun + " commands (system store)");
      group->require_subcommand(1);
    }
    CLI::App* command = group->add_subcommand(verb, help);
    command->add_option("--config,-c", admin.config_path, "lakegate.yaml")->required();
    admin_commands.push_back({command, {noun, verb}});
    return command;
  };
  for (const char* noun : {"admin", "user"}) {
    auto* create = add_admin(noun, "create", std::string("Create a ") + noun);
    create->add_option("--email", admin.email, "email (login name)")->required();
    create->add_option("--name", admin.name, "display name");
    create->add_option("--password-env", admin.password_env, "read the password from this variable");
    create->add_flag("--password-stdin", admin.password_stdin, "read the password from stdin");
    if (std::string(noun) == "user") create->add_option("--role", admin.role, "default role name");
  }
  auto* role_create = add_admin("role", "create", "Create a role");
  role_create->add_option("--name", admin.name, "role name")->required();
  role_create->add_option("--access", admin.access,
                          "SERVICE:COMPONENT:VERBS, e.g. 'sales:_table/*:GET' (repeatable)");
  add_admin("role", "list", "List roles");
  auto* app_create = add_admin("app", "create", "Create an app and print its API key once");
  app_create->add_option("--name", admin.name, "app name")->required();
  app_create->add_option("--role", admin.role, "default role name");

  CLI11_PARSE(cli, argc, argv);
  for (const auto& [command, names] : admin_commands) {
    if (command->parsed()) return lakegate::app::admin_command(names.first, names.second, admin);
  }
  if (serve->parsed()) return lakegate::app::serve(config_path, listen);
  if (test->parsed()) return lakegate::app::test_connection(config_path, service);
  return 2;
}
