// gRPC plumbing for one Spark Connect endpoint: the channel (TLS or
// plaintext, large receive limit, keepalive, fast reconnect) and the
// per-call ClientContext setup (metadata and deadline). Channels are
// thread-safe and shared by every session of a backend.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>

#include "backend/spark_connect/connection_string.h"
#include "util/result.h"

namespace lakegate::backend::spark_connect {

// Creates the channel. Fails (kBadConfig) only if `ca_file` cannot be read;
// connecting is lazy, so an unreachable server shows up on the first call.
Result<std::shared_ptr<grpc::Channel>> make_channel(const Endpoint& endpoint);

// Adds the endpoint's metadata (authorization, extra headers) to `context`
// and sets its deadline unless `deadline` is time_point::max().
void prepare_context(grpc::ClientContext& context, const Endpoint& endpoint,
                     std::chrono::steady_clock::time_point deadline);

}  // namespace lakegate::backend::spark_connect
