// `lakegate serve`: loads and validates the config, builds the service
// registry (backends connect lazily), opens the system store and security
// (unless security is disabled), and runs the HTTP server until SIGTERM
// or SIGINT, then shuts down gracefully and interrupts Spark operations that
// outlive the grace period.
#include <sys/resource.h>

#include <iostream>

#include "api/gateway.h"
#include "api/security.h"
#include "api/service_registry.h"
#include "app/commands.h"
#include "config/gateway_config.h"
#include "http/server.h"
#include "lakegate_version.h"

namespace lakegate::app {

namespace {

// Each connection is a file descriptor: raise the soft limit to the hard one
// (what an operator allowed), and say so when max_connections cannot fit.
void raise_file_limit(size_t max_connections) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    (void)setrlimit(RLIMIT_NOFILE, &limit);
    (void)getrlimit(RLIMIT_NOFILE, &limit);
  }
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < max_connections) {
    std::cerr << "lakegate: WARNING: http.max_connections is " << max_connections
              << " but the open-file limit is " << limit.rlim_cur
              << "; connections beyond it are refused (raise `ulimit -n`)" << std::endl;
  }
}

}  // namespace

int serve(const std::string& config_path, const std::string& listen_override) {
  auto config = config::load_config(config_path);
  if (!config) {
    std::cerr << "lakegate: " << config.error().message << "\n";
    return 2;
  }
  if (!listen_override.empty()) config->listen = listen_override;
  auto address = config::split_host_port(config->listen);
  if (!address) {
    std::cerr << "lakegate: --listen: " << address.error().message << "\n";
    return 2;
  }
  auto services = api::ServiceRegistry::create(*config);
  if (!services) {
    std::cerr << "lakegate: " << services.error().message << "\n";
    return 2;
  }

  std::unique_ptr<api::Security> security;
  if (config->security.enabled) {
    auto opened = api::Security::open(*config, **services);
    if (!opened) {
      std::cerr << "lakegate: " << opened.error().message << "\n";
      return 2;
    }
    security = std::move(*opened);
  } else {
    std::cerr << "lakegate: WARNING: security is disabled; every request is let through"
              << std::endl;
  }

  http::ServerOptions options;
  options.tls_cert_file = config->tls.cert_file;
  options.tls_key_file = config->tls.key_file;
  options.host = address->first;
  options.port = address->second;
  options.max_body_bytes = config->http.max_body_bytes;
  options.max_header_bytes = config->http.max_header_bytes;
  options.header_timeout = std::chrono::seconds(config->http.header_timeout_seconds);
  options.read_timeout = std::chrono::seconds(config->http.read_timeout_seconds);
  options.idle_timeout = std::chrono::seconds(config->http.idle_timeout_seconds);
  options.write_timeout = std::chrono::seconds(config->http.write_timeout_seconds);
  options.max_connections = static_cast<size_t>(config->http.max_connections);
  options.max_requests_per_connection =
      static_cast<size_t>(config->http.max_requests_per_connection);
  options.worker_threads = static_cast<size_t>(config->http.worker_threads);
  options.io_threads = static_cast<size_t>(config->http.io_threads);
  raise_file_limit(options.max_connections);

  api::Gateway gateway(**services, security.get(), config->cors);
  http::Server server(options, gateway);
  if (Status started = server.start(); !started) {
    std::cerr << "lakegate: " << started.error().message << "\n";
    return 1;
  }
  std::cerr << "lakegate " << LAKEGATE_VERSION << " listening on "
            << (config->tls.enabled() ? "https://" : "http://") << options.host << ":"
            << server.bound_port() << " with " << (*services)->all().size() << " service(s)"
            << std::endl;
  Status ran;
  {
    // In-flight requests get the grace period; after it, Spark operations still
    // running are interrupted so their requests end (and run() can return).
    api::ServiceRegistry* registry = services->get();
    http::ShutdownSignals signals(server, std::chrono::seconds(config->http.shutdown_grace_seconds),
                                  [registry] { registry->shutdown(); });
    ran = server.run();
  }
  (*services)->shutdown();
  if (!ran) {
    std::cerr << "lakegate: " << ran.error().message << "\n";
    return 1;
  }
  std::cerr << "lakegate: stopped" << std::endl;
  return 0;
}

}  // namespace lakegate::app
