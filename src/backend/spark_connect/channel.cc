#include "backend/spark_connect/channel.h"

#include <fstream>
#include <sstream>

namespace lakegate::backend::spark_connect {
namespace {

constexpr int kStreamWindowBytes = 8 << 20;  // HTTP/2 per-stream receive window

// Java gRPC servers (Spark's included) refuse client pings more often than
// every 5 minutes by default and close the connection after repeated ones,
// so keepalive stays above that.
constexpr int kKeepaliveTimeMs = 6 * 60 * 1000;
constexpr int kKeepaliveTimeoutMs = 20 * 1000;
// After a server restart the channel retries at most this far apart, so the
// first requests after the restart reconnect promptly.
constexpr int kMaxReconnectBackoffMs = 4000;

Result<std::string> read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Error(ErrorCode::kBadConfig, "cannot read ca_file '" + path + "'");
  std::ostringstream text;
  text << file.rdbuf();
  if (!file.good() && !file.eof()) {
    return Error(ErrorCode::kBadConfig, "cannot read ca_file '" + path + "'");
  }
  return text.str();
}

}  // namespace

Result<std::shared_ptr<grpc::Channel>> make_channel(const Endpoint& endpoint) {
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (endpoint.use_tls) {
    grpc::SslCredentialsOptions options;
    if (!endpoint.ca_file.empty()) {
      auto roots = read_file(endpoint.ca_file);
      if (!roots) return roots.error();
      options.pem_root_certs = std::move(*roots);
    }
    credentials = grpc::SslCredentials(options);
  } else {
    credentials = grpc::InsecureChannelCredentials();
  }
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(endpoint.max_message_bytes);
  arguments.SetMaxSendMessageSize(endpoint.max_message_bytes);
  arguments.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, kKeepaliveTimeMs);
  arguments.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, kKeepaliveTimeoutMs);
  arguments.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 0);
  arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 500);
  arguments.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 500);
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, kMaxReconnectBackoffMs);
  // Bounded memory: a fixed HTTP/2 receive window instead of gRPC's automatic
  // growth (BDP probing), so Spark cannot push tens of MB ahead of a slow
  // HTTP client; a window of a few batches keeps throughput on loopback.
  arguments.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  arguments.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, kStreamWindowBytes);
  arguments.SetUserAgentPrefix(endpoint.user_agent.empty() ? "lakegate" : endpoint.user_agent);
  return grpc::CreateCustomChannel(endpoint.target(), credentials, arguments);
}

void prepare_context(grpc::ClientContext& context, const Endpoint& endpoint,
                     std::chrono::steady_clock::time_point deadline) {
  if (!endpoint.token.empty()) context.AddMetadata("authorization", "Bearer " + endpoint.token);
  for (const auto& [key, value] : endpoint.headers) context.AddMetadata(key, value);
  if (deadline != std::chrono::steady_clock::time_point::max()) {
    auto remaining = deadline - std::chrono::steady_clock::now();
    context.set_deadline(
        std::chrono::system_clock::now() +
        std::chrono::duration_cast<std::chrono::system_clock::duration>(remaining));
  }
}

}  // namespace lakegate::backend::spark_connect
