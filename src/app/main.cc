// lakegate's entry point: parses the command line and runs a command.
#include <CLI/CLI.hpp>
#include <iostream>

#include "app/commands.h"
#include "lakegate_version.h"

int main(int argc, char** argv) {
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

  CLI11_PARSE(cli, argc, argv);
  if (serve->parsed()) return lakegate::app::serve(config_path, listen);
  if (test->parsed()) return lakegate::app::test_connection(config_path, service);
  return 2;
}
