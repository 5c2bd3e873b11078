// Which df-limits rows apply to a request, their bucket keys, and the verdict
// drawn from the bucket store. Matching and the two override rules follow
// df-limits' EvaluateLimits middleware; the counting is a token bucket per key
// instead of Laravel's fixed windows, so a burst at a window edge cannot reach
// twice the rate.
#include "auth/rate_limiter.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>

#include "util/ascii.h"

namespace lakegate::auth {
namespace {

constexpr std::array<int64_t, 5> kPeriodSeconds = {60, 3600, 86400, 7 * 86400, 30 * 86400};
constexpr std::array<std::string_view, 5> kPeriodNames = {"minute", "hour", "day", "7-day",
                                                          "30-day"};

// Slack for floating-point rounding in refill arithmetic (seconds).
constexpr double kEpsilon = 1e-6;

// What a limit type names. The key is built in this order, as DreamFactory's
// templates do: instance[.user:%s|.each_user:%s][.role:%s][.service:%s][.endpoint:%s].
struct LimitType {
  std::string_view name;
  bool user = false;       // one named user (limit.user_id)
  bool each_user = false;  // every authenticated user, keyed by the caller's id
  bool role = false;       // one role (limit.role_id)
  bool service = false;    // one service (limit.service_id)
  bool endpoint = false;   // one component of that service (limit.endpoint)
  // For each_user types: the user type whose limits naming the caller override it.
  std::string_view user_counterpart = {};
};

constexpr std::array<LimitType, 10> kLimitTypes = {{
    {"instance"},
    {"instance.user", true},
    {"instance.each_user", false, true, false, false, false, "instance.user"},
    {"instance.role", false, false, true},
    {"instance.service", false, false, false, true},
    {"instance.user.service", true, false, false, true},
    {"instance.each_user.service", false, true, false, true, false, "instance.user.service"},
    {"instance.service.endpoint", false, false, false, true, true},
    {"instance.user.service.endpoint", true, false, false, true, true},
    {"instance.each_user.service.endpoint", false, true, false, true, true,
     "instance.user.service.endpoint"},
}};

const LimitType* find_type(std::string_view name) {
  for (const LimitType& type : kLimitTypes) {
    if (type.name == name) return &type;
  }
  return nullptr;
}

// Endpoints compare without surrounding slashes and case-insensitively (Spark
// identifiers are case-insensitive).
std::string normalize_endpoint(std::string_view endpoint) {
  while (!endpoint.empty() && endpoint.front() == '/') endpoint.remove_prefix(1);
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.remove_suffix(1);
  return util::ascii_lower(endpoint);
}

// "" and "*" match any component; "p*" matches components starting with p;
// anything else matches exactly.
bool endpoint_matches(const std::string& pattern, const std::string& requested) {
  const std::string wanted = normalize_endpoint(pattern);
  const std::string actual = normalize_endpoint(requested);
  if (wanted.empty() || wanted == "*") return true;
  if (wanted.back() == '*') {
    return actual.starts_with(std::string_view(wanted).substr(0, wanted.size() - 1));
  }
  return wanted == actual;
}

bool applies(const store::LimitRecord& limit, const LimitType& type, const LimitRequest& request) {
  if (type.user && (!limit.user_id || limit.user_id != request.user_id)) return false;
  if (type.each_user && !request.user_id) return false;
  if (type.role && (!limit.role_id || limit.role_id != request.role_id)) return false;
  if (type.service && (request.service_id == 0 || limit.service_id != request.service_id)) {
    return false;
  }
  if (type.endpoint && !endpoint_matches(limit.endpoint, request.endpoint)) return false;
  if (!limit.verb.empty() && !util::equals_ignore_case(limit.verb, request.verb)) return false;
  return true;
}

std::string bucket_key(const store::LimitRecord& limit, const LimitType& type,
                       const LimitRequest& request) {
  // Appended piece by piece: `"literal" + std::to_string(...)` trips GCC 12's
  // false -Wrestrict (GCC bug 105329).
  auto add = [](std::string& key, std::string_view label, std::string_view value) {
    key += label;
    key += value;
  };
  std::string key = "instance";
  if (type.user) add(key, ".user:", std::to_string(*limit.user_id));
  if (type.each_user) add(key, ".each_user:", std::to_string(*request.user_id));
  if (type.role) add(key, ".role:", std::to_string(*limit.role_id));
  if (type.service) add(key, ".service:", std::to_string(*limit.service_id));
  if (type.endpoint) add(key, ".endpoint:", limit.endpoint);
  if (!limit.verb.empty()) add(key, ".verb:", util::ascii_upper(limit.verb));
  add(key, ".", period_name(limit.period));
  return key;
}

struct Candidate {
  const store::LimitRecord* limit;
  const LimitType* type;
  std::string key;
  bool overridden = false;
};

// Same service, component pattern and period (the targets both limits share
// with the request otherwise).
bool same_scope(const store::LimitRecord& a, const store::LimitRecord& b) {
  return a.service_id == b.service_id && a.period == b.period &&
         normalize_endpoint(a.endpoint) == normalize_endpoint(b.endpoint);
}

// A limit naming the caller overrides the each_user limit it mirrors.
bool overrides_each_user(const Candidate& user_limit, const Candidate& each_user_limit) {
  return user_limit.type->name == each_user_limit.type->user_counterpart &&
         same_scope(*user_limit.limit, *each_user_limit.limit) &&
         util::equals_ignore_case(user_limit.limit->verb, each_user_limit.limit->verb);
}

// A verb-specific limit overrides the all-verbs limit of the same type, target
// and period.
bool overrides_all_verbs(const Candidate& verb_limit, const Candidate& all_verbs_limit) {
  const store::LimitRecord& specific = *verb_limit.limit;
  const store::LimitRecord& general = *all_verbs_limit.limit;
  return verb_limit.type == all_verbs_limit.type && !specific.verb.empty() &&
         general.verb.empty() && specific.user_id == general.user_id &&
         specific.role_id == general.role_id && same_scope(specific, general);
}

}  // namespace

int64_t period_seconds(int period) {
  if (period < 0 || period >= static_cast<int>(kPeriodSeconds.size())) return 0;
  return kPeriodSeconds[period];
}

std::string period_name(int period) {
  if (period < 0 || period >= static_cast<int>(kPeriodNames.size())) return "";
  return std::string(kPeriodNames[period]);
}

std::vector<AppliedLimit> applicable_limits(const std::vector<store::LimitRecord>& limits,
                                            const LimitRequest& request) {
  std::vector<Candidate> candidates;
  for (const store::LimitRecord& limit : limits) {
    const LimitType* type = find_type(limit.type);
    if (!limit.is_active || type == nullptr || period_seconds(limit.period) == 0) continue;
    if (!applies(limit, *type, request)) continue;
    candidates.push_back({&limit, type, bucket_key(limit, *type, request)});
  }

  // Both override rules look at the applicable set as a whole, so the outcome
  // does not depend on row order.
  for (Candidate& candidate : candidates) {
    for (const Candidate& other : candidates) {
      if (&other == &candidate) continue;
      if ((candidate.type->each_user && overrides_each_user(other, candidate)) ||
          overrides_all_verbs(other, candidate)) {
        candidate.overridden = true;
        break;
      }
    }
  }

  // Rows with the same key would draw twice from one bucket; the strictest
  // (smallest rate, then lowest id) is kept, in the place of the first.
  std::vector<AppliedLimit> applied;
  for (const Candidate& candidate : candidates) {
    if (candidate.overridden) continue;
    auto same_key = std::find_if(applied.begin(), applied.end(),
                                 [&](const AppliedLimit& a) { return a.key == candidate.key; });
    if (same_key == applied.end()) {
      applied.push_back({candidate.limit, candidate.key});
      continue;
    }
    const store::LimitRecord& kept = *same_key->limit;
    if (std::pair(candidate.limit->rate, candidate.limit->id) < std::pair(kept.rate, kept.id)) {
      same_key->limit = candidate.limit;
    }
  }
  return applied;
}

// When refused: `limit` is the smallest rate among the exhausted limits,
// `remaining` the floor of their fewest tokens (0), `retry_after_seconds` the
// wait until every exhausted bucket holds a token again, rounded up (at least
// 1; never more than the limit's period, so a rate-0 limit says "one period"),
// and `reset_epoch` the first whole epoch second at which that wait is over,
// ceil(now + exact wait): now + retry_after when `now` is whole. Allowed
// verdicts leave these fields 0: DreamFactory sends the headers only on 429.
Result<LimitVerdict> RateLimiter::check(const std::vector<store::LimitRecord>& limits,
                                        const LimitRequest& request, double now_seconds) {
  LimitVerdict verdict;
  const std::vector<AppliedLimit> applied = applicable_limits(limits, request);
  if (applied.empty()) return verdict;

  std::vector<BucketStore::Bucket> buckets;
  buckets.reserve(applied.size());
  for (const AppliedLimit& limit : applied) {
    const double capacity = static_cast<double>(std::max<int64_t>(limit.limit->rate, 0));
    buckets.push_back(
        {limit.key, capacity, capacity / static_cast<double>(period_seconds(limit.limit->period))});
  }
  Result<std::vector<BucketResult>> taken = buckets_->take(buckets, now_seconds);
  if (!taken) return taken.error();
  if (taken->size() != applied.size()) {
    return Error(ErrorCode::kInternal, "rate limit store answered for the wrong bucket count");
  }

  double fewest_tokens = 0;
  double wait_seconds = 0;
  for (size_t i = 0; i < applied.size(); ++i) {
    const BucketResult& bucket = (*taken)[i];
    if (bucket.allowed) continue;
    const store::LimitRecord& limit = *applied[i].limit;
    const double wait =
        std::min(bucket.retry_after_seconds, static_cast<double>(period_seconds(limit.period)));
    if (verdict.exceeded.empty() || limit.rate < verdict.limit) verdict.limit = limit.rate;
    if (verdict.exceeded.empty() || bucket.remaining < fewest_tokens) {
      fewest_tokens = bucket.remaining;
    }
    wait_seconds = std::max(wait_seconds, wait);
    verdict.exceeded.push_back(&limit);
  }
  if (verdict.exceeded.empty()) return verdict;

  verdict.allowed = false;
  verdict.limit = std::max<int64_t>(verdict.limit, 0);
  verdict.remaining = static_cast<int64_t>(std::floor(std::max(fewest_tokens, 0.0)));
  verdict.retry_after_seconds =
      std::max<int64_t>(1, static_cast<int64_t>(std::ceil(wait_seconds - kEpsilon)));
  verdict.reset_epoch =
      std::max<int64_t>(static_cast<int64_t>(std::ceil(now_seconds + wait_seconds - kEpsilon)),
                        static_cast<int64_t>(std::floor(now_seconds)) + 1);
  return verdict;
}

}  // namespace lakegate::auth
