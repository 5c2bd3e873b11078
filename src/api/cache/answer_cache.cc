#include "api/cache/answer_cache.h"

#include <algorithm>

#include "api/resources.h"
#include "util/ascii.h"
#include "util/blocking_guard.h"

namespace lakegate::api {
namespace {

using cache::Clock;

constexpr const char* kCacheHeader = "X-Lakegate-Cache";

std::string cache_control(bool exact, Clock::duration left) {
  if (exact) return "private, no-cache";
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(left).count();
  return "private, max-age=" + std::to_string(std::max<int64_t>(0, seconds));
}

// Copies what passes through, up to `cap` bytes; past that it only passes.
class CopyingSink final : public util::ByteSink {
 public:
  CopyingSink(util::ByteSink& out, size_t cap) : out_(out), cap_(cap) {}
  bool write(std::string_view bytes) override {
    if (!overflowed_) {
      if (copy_.size() + bytes.size() > cap_) {
        overflowed_ = true;
        copy_.clear();
        copy_.shrink_to_fit();
      } else {
        copy_.append(bytes);
      }
    }
    return out_.write(bytes);
  }
  bool overflowed() const { return overflowed_; }
  std::string take() { return std::move(copy_); }

 private:
  util::ByteSink& out_;
  const size_t cap_;
  std::string copy_;
  bool overflowed_ = false;
};

}  // namespace

bool wants_fresh_answer(const http::Request& request) {
  if (const std::string* refresh = request.query_param("refresh")) {
    const std::string value = util::ascii_lower(*refresh);
    if (value == "true" || value == "1" || value == "yes") return true;
  }
  if (const std::string* control = request.header("cache-control")) {
    if (util::ascii_lower(*control).find("no-cache") != std::string::npos) return true;
  }
  return false;
}

CacheUse plan_cache_use(const http::Request& request, const std::shared_ptr<Service>& service,
                        cache::KeyBuilder key, bool exact) {
  CacheUse use;
  if (!service->results || request.head_only) return use;
  use.service = service;
  use.key = key.take();
  use.exact = exact;
  use.refresh = wants_fresh_answer(request);
  return use;
}

std::optional<http::Response> cached_answer(const CacheUse& use) {
  if (!use.service || use.refresh) return std::nullopt;
  const auto now = Clock::now();
  cache::ResultCache& results = *use.service->results;
  auto entry = results.find(use.key, now);
  const char* tier = "local";
  if (!entry && use.service->shared_results) {
    // Another node may have made it: ask the shared tier (off the event loop).
    if (!util::may_block()) return error_response(util::refuse_blocking("a shared cache lookup"));
    if (auto found = use.service->shared_results->get(use.service->config.name, use.key)) {
      results.store(use.key, std::move(found->answer), found->exact, now, found->age);
      entry = results.find(use.key, now);
      tier = "shared";
    }
  }
  if (!entry) return std::nullopt;
  http::Response response;
  response.status = entry->answer.status;
  response.headers = entry->answer.headers;
  response.body = entry->answer.body;
  const auto age = std::chrono::duration_cast<std::chrono::seconds>(now - entry->stored_at);
  response.headers.emplace_back("Age", std::to_string(age.count()));
  response.headers.emplace_back("Cache-Control",
                                cache_control(entry->exact, entry->expires_at - now));
  response.headers.emplace_back(kCacheHeader, "hit");
  response.headers.emplace_back("X-Lakegate-Cache-Tier", tier);
  return response;
}

namespace {

// Keeps a complete answer: in this node's memory and, when there is one, in
// the shared tier (off the event loop only).
void keep(const std::shared_ptr<Service>& service, const std::string& key, cache::Answer answer,
          bool exact) {
  if (service->shared_results && util::may_block()) {
    service->shared_results->put(service->config.name, key, answer, exact,
                                 std::chrono::milliseconds(0), service->results->ttl());
  }
  service->results->store(key, std::move(answer), exact, Clock::now());
}

}  // namespace

http::Response remember_answer(const CacheUse& use, http::Response response) {
  if (!use.service) return response;
  cache::ResultCache& results = *use.service->results;
  if (use.refresh) results.note_bypass();
  // Stored without the headers that describe this one delivery.
  cache::Answer stored;
  stored.status = response.status;
  stored.headers = response.headers;
  response.headers.emplace_back("Cache-Control", cache_control(use.exact, results.ttl()));
  response.headers.emplace_back(kCacheHeader, use.refresh ? "refresh" : "miss");
  if (response.status != 200) return response;
  if (!response.producer) {
    stored.body = response.body;
    keep(use.service, use.key, std::move(stored), use.exact);
    return response;
  }
  response.producer = [inner = std::move(response.producer), service = use.service, key = use.key,
                       exact = use.exact,
                       stored = std::move(stored)](util::ByteSink& out) mutable -> http::StreamEnd {
    CopyingSink copying(out, service->results->max_entry_bytes());
    http::StreamEnd end = inner(copying);
    if (end.kind == http::StreamEnd::Kind::kComplete && !copying.overflowed()) {
      stored.body = copying.take();
      keep(service, key, std::move(stored), exact);
    }
    return end;
  };
  return response;
}

}  // namespace lakegate::api
