// How a read resource uses its service's result cache (cache/result_cache.h):
// decide whether this request may be answered from it (the service caches,
// a GET that is not HEAD, the client did not ask for a fresh answer), serve a
// stored answer, or pass the answer it computes through the cache on its
// way to the client — a streamed body is copied while it streams and kept
// only once it ended complete and fits. Every answer of a caching service
// says what the cache did (X-Lakegate-Cache: hit, miss or refresh) and how a
// client may keep it (Cache-Control private: `no-cache` for an answer keyed
// by its Delta version, which the client revalidates with its ETag;
// `max-age` of the time left for the others); a hit also carries Age and
// X-Lakegate-Cache-Tier (local, or shared: found in the Redis tier another
// node filled, shared_answers.h, asked off the event loop after a local miss).
// A client asks for a fresh answer with ?refresh=true or a request
// Cache-Control: no-cache; the fresh answer replaces the stored one.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "api/service_registry.h"
#include "cache/cache_key.h"
#include "http/handler.h"

namespace lakegate::api {

struct CacheUse {
  std::shared_ptr<Service> service;  // null: this request is not cached
  std::string key;
  bool exact = false;    // the key names the Delta versions read
  bool refresh = false;  // skip the lookup, store the fresh answer
};

// The cache use of a read whose answer is decided by `key` (the caller
// knows the request only reads); an empty use when the service keeps no
// cache or the request is a HEAD.
CacheUse plan_cache_use(const http::Request& request, const std::shared_ptr<Service>& service,
                        cache::KeyBuilder key, bool exact);

// The stored answer of `use`, ready to send; nullopt on a miss, a refresh,
// or when the request is not cached.
std::optional<http::Response> cached_answer(const CacheUse& use);

// `response` (computed on a miss) with the cache headers; kept in the cache
// when it is a complete 200 (a streamed body once it ended complete).
http::Response remember_answer(const CacheUse& use, http::Response response);

// true for ?refresh=true (also 1/yes) or a request Cache-Control: no-cache.
bool wants_fresh_answer(const http::Request& request);

}  // namespace lakegate::api
