#include "api/filters/request_filter.h"

#include "util/blocking_guard.h"

namespace lakegate::api {

std::optional<http::Response> FilterChainRun::run() {
  while (!reply_ && next_filter_ < filters_.size()) {
    FilterResult result = filters_[next_filter_]->on_request(context_);
    // The filter runs again where it may block; its answer (an error) is moot.
    if (util::take_blocking_refusal()) return std::nullopt;
    ++next_filter_;  // it saw the request: it sees the response
    reply_ = std::move(result);
  }
  std::optional<http::Response> response = std::move(reply_);
  reply_.reset();
  if (!response) {
    response = terminal_(context_);
    if (util::take_blocking_refusal()) return std::nullopt;
  }
  for (size_t index = next_filter_; index > 0; --index) {
    filters_[index - 1]->on_response(context_, *response);
  }
  return response;
}

}  // namespace lakegate::api
