#include "config/gateway_config.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace lakegate::config {
namespace {

Error config_error(const std::string& key, const std::string& what) {
  return Error(ErrorCode::kBadConfig, key + ": " + what).with("key", key);
}

// Replaces ${VAR} and ${VAR:-default} in `text`.
Result<std::string> substitute_env(const std::string& text, const std::string& key,
                                   const EnvLookup& env) {
  std::string out;
  size_t position = 0;
  while (true) {
    const size_t start = text.find("${", position);
    if (start == std::string::npos) break;
    const size_t end = text.find('}', start);
    if (end == std::string::npos) return config_error(key, "unterminated ${...}");
    out.append(text, position, start - position);
    std::string reference = text.substr(start + 2, end - start - 2);
    std::optional<std::string> fallback;
    if (const size_t dash = reference.find(":-"); dash != std::string::npos) {
      fallback = reference.substr(dash + 2);
      reference.resize(dash);
    }
    static const std::regex kVarName("[A-Za-z_][A-Za-z0-9_]*");
    if (!std::regex_match(reference, kVarName)) {
      return config_error(key, "bad environment variable name in ${...}");
    }
    auto value = env(reference);
    if (!value && !fallback) {
      return config_error(key, "environment variable " + reference + " is not set");
    }
    out.append(value ? *value : *fallback);
    position = end + 1;
  }
  out.append(text, position, std::string::npos);
  return out;
}

// Reads the fields of one YAML map, checking types and rejecting unknown keys.
class MapReader {
 public:
  MapReader(const YAML::Node& node, std::string path, const EnvLookup& env)
      : node_(node), path_(std::move(path)), env_(env) {}

  Status check_is_map() const {
    if (!node_.IsMap()) return config_error(path_, "expected a mapping");
    return {};
  }

  Status string(const char* name, std::string& out) {
    seen_.insert(name);
    const YAML::Node field = node_[name];
    if (!field || field.IsNull()) return {};
    if (!field.IsScalar()) return config_error(key(name), "expected a string");
    auto value = substitute_env(field.Scalar(), key(name), env_);
    if (!value) return value.error();
    out = std::move(*value);
    return {};
  }

  Status integer(const char* name, int64_t min, int64_t max, int64_t& out) {
    std::string text;
    if (Status s = string(name, text); !s) return s;
    if (text.empty()) return {};
    char* end = nullptr;
    errno = 0;
    const long long value = std::strtoll(text.c_str(), &end, 10);
    if (errno != 0 || *end != '\0' || value < min || value > max) {
      return config_error(key(name), "expected an integer in [" + std::to_string(min) + ", " +
                                         std::to_string(max) + "], got \"" + text + "\"");
    }
    out = value;
    return {};
  }

  template <typename Int>
  Status integer_into(const char* name, int64_t min, int64_t max, Int& out) {
    int64_t value = static_cast<int64_t>(out);
    if (Status s = integer(name, min, max, value); !s) return s;
    out = static_cast<Int>(value);
    return {};
  }

  Status boolean(const char* name, bool& out) {
    std::string text;
    if (Status s = string(name, text); !s) return s;
    if (text.empty()) return {};
    if (text == "true" || text == "True" || text == "yes" || text == "1") {
      out = true;
    } else if (text == "false" || text == "False" || text == "no" || text == "0") {
      out = false;
    } else {
      return config_error(key(name), "expected true or false, got \"" + text + "\"");
    }
    return {};
  }

  YAML::Node child(const char* name) {
    seen_.insert(name);
    return node_[name];
  }

  Status reject_unknown() const {
    for (const auto& entry : node_) {
      const std::string name = entry.first.as<std::string>();
      if (!seen_.count(name)) return config_error(key(name), "unknown key");
    }
    return {};
  }

  std::string key(const std::string& name) const {
    return path_.empty() ? name : path_ + "." + name;
  }

 private:
  YAML::Node node_;  // a handle (cheap to copy); a reference could dangle on node[i]
  std::string path_;
  const EnvLookup& env_;
  std::set<std::string> seen_;
};

Status read_service_config(const YAML::Node& node, const std::string& path, const EnvLookup& env,
                           ServiceConfig& service) {
  MapReader reader(node, path, env);
  if (Status s = reader.check_is_map(); !s) return s;
  Status s;
  if (!(s = reader.string("workspace_url", service.workspace_url))) return s;
  if (!(s = reader.string("http_path", service.http_path))) return s;
  if (!(s = reader.string("cluster_id", service.cluster_id))) return s;
  if (!(s = reader.string("access_token", service.access_token))) return s;
  if (!(s = reader.string("catalog", service.catalog))) return s;
  if (!(s = reader.string("schema", service.schema))) return s;
  if (!(s = reader.integer_into("timeout", 1, 86400, service.timeout_seconds))) return s;
  if (!(s = reader.boolean("use_unity_catalog", service.use_unity_catalog))) return s;
  if (!(s = reader.string("protocol", service.protocol))) return s;
  if (!(s = reader.string("ca_file", service.ca_file))) return s;
  if (!(s = reader.string("user_id", service.user_id))) return s;
  if (!(s = reader.integer_into("pool_size", 1, 256, service.pool_size))) return s;
  if (!(s = reader.integer_into("max_records", 1, 100000000, service.max_records))) return s;
  if (!(s = reader.integer_into("max_concurrent_requests", 1, 100000,
                                service.max_concurrent_requests))) {
    return s;
  }
  if (!(s = reader.integer_into("max_queued_requests", 0, 1000000, service.max_queued_requests)))
    return s;
  if (!(s = reader.integer_into("version_ttl_ms", 0, 3600000, service.version_ttl_ms))) return s;
  if (!(s = reader.boolean("cache_enabled", service.cache_enabled))) return s;
  if (!(s = reader.integer_into("cache_ttl", 1, 31536000, service.cache_ttl))) return s;
  if (!(s = reader.integer_into("cache_max_mb", 1, 1048576, service.cache_max_mb))) return s;
  return reader.reject_unknown();
}

}  // namespace

Status validate_service(const ServiceConfig& service, const std::string& path) {
  static const std::regex kServiceName("[_0-9a-zA-Z.-]+");
  if (service.name.empty()) return config_error(path + ".name", "required");
  if (!std::regex_match(service.name, kServiceName)) {
    return config_error(path + ".name", "must match [_0-9a-zA-Z-.]+");
  }
  if (service.name == "system" || service.name == "user" || service.name == "api_docs") {
    return config_error(path + ".name", "\"" + service.name + "\" is reserved");
  }
  if (service.type != "spark" && service.type != "databricks") {
    return config_error(path + ".type", "expected \"spark\" or \"databricks\"");
  }
  static const std::set<std::string> kProtocols = {"", "spark_connect", "sql_warehouse", "thrift"};
  if (!kProtocols.count(service.protocol)) {
    return config_error(path + ".config.protocol",
                        "expected spark_connect, sql_warehouse or thrift");
  }
  if (service.workspace_url.empty()) {
    return config_error(path + ".config.workspace_url", "required");
  }
  if (service.cache_enabled && service.use_unity_catalog) {
    return config_error(path + ".config.cache_enabled",
                        "cannot be combined with use_unity_catalog (what a caller may see is "
                        "decided by Databricks per caller)");
  }
  if ((!service.cluster_id.empty() || !service.http_path.empty()) &&
      service.workspace_url.rfind("https://", 0) != 0 &&
      service.workspace_url.rfind("http://", 0) != 0) {
    return config_error(path + ".config.workspace_url",
                        "must be an https:// workspace URL when cluster_id or http_path is set");
  }
  return {};
}

namespace {

Result<ParsedService> parse_service_node(const YAML::Node& node, const std::string& path,
                                         const EnvLookup& env) {
  MapReader service_reader(node, path, env);
  Status s;
  if (!(s = service_reader.check_is_map())) return s.error();
  ParsedService parsed;
  ServiceConfig& service = parsed.config;
  if (!(s = service_reader.string("name", service.name))) return s.error();
  if (!(s = service_reader.string("label", service.label))) return s.error();
  if (!(s = service_reader.string("type", service.type))) return s.error();
  if (!(s = service_reader.string("description", parsed.description))) return s.error();
  if (!(s = service_reader.boolean("is_active", parsed.is_active))) return s.error();
  const YAML::Node config_node = service_reader.child("config");
  if (!config_node) return config_error(path + ".config", "required");
  if (!(s = read_service_config(config_node, path + ".config", env, service))) return s.error();
  if (!(s = service_reader.reject_unknown())) return s.error();
  if (!(s = validate_service(service, path))) return s.error();
  if (service.label.empty()) service.label = service.name;
  return parsed;
}

Status read_string_list(MapReader& reader, const char* name, std::vector<std::string>& out) {
  const YAML::Node node = reader.child(name);
  if (!node || node.IsNull()) return {};
  if (!node.IsSequence()) return config_error(reader.key(name), "expected a list of strings");
  out.clear();
  for (const auto& item : node) {
    if (!item.IsScalar()) return config_error(reader.key(name), "expected a list of strings");
    out.push_back(item.Scalar());
  }
  return {};
}

Status read_security(GatewayConfig& config, MapReader& reader, const EnvLookup& env) {
  Status s;
  if (!(s = reader.string("store", config.store))) return s;
  if (YAML::Node node = reader.child("security"); node && !node.IsNull()) {
    MapReader r(node, "security", env);
    SecurityConfig& c = config.security;
    if (!(s = r.check_is_map())) return s;
    if (!(s = r.boolean("enabled", c.enabled))) return s;
    if (!(s = r.string("master_key_file", c.master_key_file))) return s;
    if (!(s = r.integer_into("jwt_ttl_minutes", 1, 525600, c.jwt_ttl_minutes))) return s;
    if (!(s = r.string("unity_catalog_token_header", c.unity_catalog_token_header))) return s;
    if (!(s = r.integer_into("login_free_failures", 0, 1000, c.login_free_failures))) return s;
    if (!(s = r.integer_into("login_max_delay_seconds", 1, 86400, c.login_max_delay_seconds)))
      return s;
    if (!(s = r.integer_into("reload_interval_seconds", 1, 3600, c.reload_interval_seconds)))
      return s;
    if (!(s = read_string_list(r, "denied_functions", c.denied_functions))) return s;
    if (!(s = r.reject_unknown())) return s;
  }
  if (YAML::Node node = reader.child("rate_limits"); node && !node.IsNull()) {
    MapReader r(node, "rate_limits", env);
    if (!(s = r.check_is_map())) return s;
    if (!(s = r.string("backend", config.rate_limits.backend))) return s;
    if (!(s = r.string("key_prefix", config.rate_limits.key_prefix))) return s;
    if (!(s = r.reject_unknown())) return s;
    const std::string& backend = config.rate_limits.backend;
    if (backend != "memory" && backend.rfind("redis://", 0) != 0) {
      return config_error("rate_limits.backend", "expected memory or redis://host:port[/db]");
    }
  }
  if (YAML::Node node = reader.child("result_cache"); node && !node.IsNull()) {
    MapReader r(node, "result_cache", env);
    if (!(s = r.check_is_map())) return s;
    if (!(s = r.string("shared", config.result_cache.shared))) return s;
    if (!(s = r.string("key_prefix", config.result_cache.key_prefix))) return s;
    if (!(s = r.reject_unknown())) return s;
    const std::string& shared = config.result_cache.shared;
    if (!shared.empty() && shared.rfind("redis://", 0) != 0) {
      return config_error("result_cache.shared", "expected redis://host:port[/db]");
    }
    if (config.result_cache.key_prefix.empty()) {
      return config_error("result_cache.key_prefix", "must not be empty");
    }
  }
  if (YAML::Node node = reader.child("audit"); node && !node.IsNull()) {
    MapReader r(node, "audit", env);
    AuditConfig& c = config.audit;
    if (!(s = r.check_is_map())) return s;
    if (!(s = r.string("file", c.file))) return s;
    if (!(s = r.integer_into("max_file_bytes", 4096, int64_t{1} << 40, c.max_file_bytes))) return s;
    if (!(s = r.integer_into("max_files", 1, 1000, c.max_files))) return s;
    if (!(s = r.boolean("to_store", c.to_store))) return s;
    if (!(s = r.boolean("include_params", c.include_params))) return s;
    if (!(s = r.integer_into("queue_capacity", 1, 10000000, c.queue_capacity))) return s;
    if (!(s = r.integer_into("full_wait_ms", 0, 60000, c.full_wait_ms))) return s;
    if (!(s = r.reject_unknown())) return s;
  }
  if (YAML::Node node = reader.child("cors"); node && !node.IsNull()) {
    if (!node.IsSequence()) return config_error("cors", "expected a list of rules");
    for (size_t index = 0; index < node.size(); ++index) {
      MapReader r(node[index], "cors[" + std::to_string(index) + "]", env);
      CorsRule rule;
      if (!(s = r.check_is_map())) return s;
      if (!(s = r.string("origin", rule.origin))) return s;
      if (rule.origin.empty()) return config_error(r.key("origin"), "required");
      if (!(s = read_string_list(r, "methods", rule.methods))) return s;
      if (!(s = read_string_list(r, "headers", rule.headers))) return s;
      if (!(s = read_string_list(r, "exposed_headers", rule.exposed_headers))) return s;
      if (!(s = r.integer_into("max_age_seconds", 0, 86400, rule.max_age_seconds))) return s;
      if (!(s = r.boolean("allow_credentials", rule.allow_credentials))) return s;
      if (!(s = r.reject_unknown())) return s;
      if (rule.allow_credentials && rule.origin == "*") {
        return config_error(r.key("allow_credentials"),
                            "cannot be true for origin \"*\" (browsers refuse it)");
      }
      config.cors.push_back(std::move(rule));
    }
  }
  if (YAML::Node node = reader.child("tls"); node && !node.IsNull()) {
    MapReader r(node, "tls", env);
    if (!(s = r.check_is_map())) return s;
    if (!(s = r.string("cert_file", config.tls.cert_file))) return s;
    if (!(s = r.string("key_file", config.tls.key_file))) return s;
    if (!(s = r.reject_unknown())) return s;
    if (config.tls.cert_file.empty() != config.tls.key_file.empty()) {
      return config_error("tls", "cert_file and key_file go together");
    }
  }
  return {};
}

}  // namespace

bool is_loopback_host(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

Result<ParsedService> parse_service_json(const std::string& json_text) {
  if (json_text.find("${") != std::string::npos) {
    return Error(ErrorCode::kBadRequest, "service definitions may not contain ${...}");
  }
  YAML::Node node;
  try {
    node = YAML::Load(json_text);
  } catch (const YAML::Exception& e) {
    return Error(ErrorCode::kBadRequest, "service is not valid JSON");
  }
  const EnvLookup no_env = [](const std::string&) -> std::optional<std::string> {
    return std::nullopt;
  };
  auto parsed = parse_service_node(node, "service", no_env);
  if (!parsed) {
    Error error = parsed.error();
    error.code = ErrorCode::kBadRequest;
    return error;
  }
  return parsed;
}

const ServiceConfig* GatewayConfig::find_service(const std::string& name) const {
  for (const auto& service : services) {
    if (service.name == name) return &service;
  }
  return nullptr;
}

Result<std::pair<std::string, uint16_t>> split_host_port(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size()) {
    return Error(ErrorCode::kBadConfig, "expected HOST:PORT, got \"" + listen + "\"");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string port_text = listen.substr(colon + 1);
  char* end = nullptr;
  const long port = std::strtol(port_text.c_str(), &end, 10);
  if (*end != '\0' || port < 0 || port > 65535) {
    return Error(ErrorCode::kBadConfig, "bad port in \"" + listen + "\"");
  }
  return std::make_pair(host, static_cast<uint16_t>(port));
}

Result<GatewayConfig> parse_config(const std::string& text, const EnvLookup& env) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return Error(ErrorCode::kBadConfig, std::string("config is not valid YAML: ") + e.what());
  }
  GatewayConfig config;
  MapReader reader(root, "", env);
  if (Status s = reader.check_is_map(); !s) return s.error();
  Status s;
  if (!(s = reader.string("listen", config.listen))) return s.error();
  if (auto hp = split_host_port(config.listen); !hp)
    return config_error("listen", hp.error().message);

  if (YAML::Node http = reader.child("http"); http && !http.IsNull()) {
    MapReader limits(http, "http", env);
    if (!(s = limits.check_is_map())) return s.error();
    HttpLimits& l = config.http;
    if (!(s = limits.integer_into("max_body_bytes", 1, int64_t{1} << 34, l.max_body_bytes)))
      return s.error();
    if (!(s = limits.integer_into("max_header_bytes", 1024, 1 << 20, l.max_header_bytes)))
      return s.error();
    if (!(s = limits.integer_into("read_timeout_seconds", 1, 3600, l.read_timeout_seconds)))
      return s.error();
    if (!(s = limits.integer_into("idle_timeout_seconds", 1, 3600, l.idle_timeout_seconds)))
      return s.error();
    if (!(s = limits.integer_into("header_timeout_seconds", 1, 3600, l.header_timeout_seconds)))
      return s.error();
    if (!(s = limits.integer_into("write_timeout_seconds", 1, 3600, l.write_timeout_seconds)))
      return s.error();
    if (!(s = limits.integer_into("max_connections", 1, 1000000, l.max_connections)))
      return s.error();
    if (!(s = limits.integer_into("max_requests_per_connection", 1, 100000000,
                                  l.max_requests_per_connection))) {
      return s.error();
    }
    if (!(s = limits.integer_into("worker_threads", 1, 4096, l.worker_threads))) return s.error();
    if (!(s = limits.integer_into("io_threads", 0, 64, l.io_threads))) return s.error();
    if (!(s = limits.integer_into("shutdown_grace_seconds", 0, 3600, l.shutdown_grace_seconds)))
      return s.error();
    if (!(s = limits.reject_unknown())) return s.error();
  }

  const YAML::Node services = reader.child("services");
  if (services && !services.IsNull() && !services.IsSequence()) {
    return config_error("services", "expected a list of services");
  }
  std::set<std::string> names;
  for (size_t index = 0; services && services.IsSequence() && index < services.size(); ++index) {
    const std::string path = "services[" + std::to_string(index) + "]";
    auto parsed = parse_service_node(services[index], path, env);
    if (!parsed) return parsed.error();
    if (!names.insert(parsed->config.name).second) {
      return config_error(path + ".name", "duplicate service name \"" + parsed->config.name + "\"");
    }
    if (parsed->is_active) {
      config.services.push_back(std::move(parsed->config));
      config.service_descriptions.push_back(std::move(parsed->description));
    }
  }
  if (!(s = read_security(config, reader, env))) return s.error();
  if (!config.security.enabled) {
    auto hp = split_host_port(config.listen);
    if (!hp || !is_loopback_host(hp->first)) {
      return config_error("security.enabled",
                          "false is allowed only when listen is a loopback address");
    }
  }
  if (!(s = reader.reject_unknown())) return s.error();
  return config;
}

Result<GatewayConfig> load_config(const std::string& path) {
  std::ifstream file(path);
  if (!file) return Error(ErrorCode::kBadConfig, "cannot read config file " + path);
  std::stringstream text;
  text << file.rdbuf();
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
  auto config = parse_config(text.str(), [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  });
  if (config) config->config_dir = dir;
  return config;
}

}  // namespace lakegate::config
