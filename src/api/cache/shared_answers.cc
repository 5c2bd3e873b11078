#include "api/cache/shared_answers.h"

#include <charconv>

#include "crypto/crypto.h"
#include "util/blocking_guard.h"

namespace lakegate::api {
namespace {

constexpr std::string_view kMagic = "lgrc1";

int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void add_field(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out.push_back(':');
  out.append(field);
}

// Reads one length-prefixed field from `in` (advanced past it).
bool take_field(std::string_view& in, std::string_view& field) {
  const size_t colon = in.find(':');
  if (colon == std::string_view::npos) return false;
  size_t size = 0;
  auto [end, error] = std::from_chars(in.data(), in.data() + colon, size);
  if (error != std::errc() || end != in.data() + colon || in.size() - colon - 1 < size) {
    return false;
  }
  field = in.substr(colon + 1, size);
  in.remove_prefix(colon + 1 + size);
  return true;
}

template <typename Number>
bool take_number(std::string_view& in, Number& value) {
  std::string_view field;
  if (!take_field(in, field)) return false;
  auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value);
  return error == std::errc() && end == field.data() + field.size();
}

}  // namespace

Result<std::shared_ptr<SharedAnswers>> SharedAnswers::open(
    const config::ResultCacheConfig& config) {
  if (config.shared.empty()) return std::shared_ptr<SharedAnswers>();
  auto address = redis::parse_url(config.shared, "result cache");
  if (!address) return address.error();
  return std::make_shared<SharedAnswers>(std::move(*address), config.key_prefix);
}

SharedAnswers::SharedAnswers(redis::Address address, std::string key_prefix)
    : pool_(std::move(address), "shared result cache"), key_prefix_(std::move(key_prefix)) {}

std::string SharedAnswers::redis_key(const std::string& service, const std::string& key) const {
  return key_prefix_ + service + ":" + crypto::sha256_hex(key);
}

std::string SharedAnswers::encode(const std::string& key, const cache::Answer& answer, bool exact,
                                  int64_t stored_at_ms) {
  std::string out;
  add_field(out, kMagic);
  add_field(out, key);
  add_field(out, std::to_string(answer.status));
  add_field(out, exact ? "1" : "0");
  add_field(out, std::to_string(stored_at_ms));
  add_field(out, std::to_string(answer.headers.size()));
  for (const auto& [name, value] : answer.headers) {
    add_field(out, name);
    add_field(out, value);
  }
  add_field(out, answer.body);
  return out;
}

bool SharedAnswers::decode(std::string_view in, const std::string& key, cache::Answer& answer,
                           bool& exact, int64_t& stored_at_ms) {
  std::string_view magic, stored_key, flag, name, value, body;
  size_t headers = 0;
  if (!take_field(in, magic) || magic != kMagic) return false;
  if (!take_field(in, stored_key) || stored_key != key) return false;
  if (!take_number(in, answer.status) || !take_field(in, flag)) return false;
  exact = flag == "1";
  if (!take_number(in, stored_at_ms) || !take_number(in, headers) || headers > 1000) return false;
  answer.headers.clear();
  for (size_t i = 0; i < headers; ++i) {
    if (!take_field(in, name) || !take_field(in, value)) return false;
    answer.headers.emplace_back(std::string(name), std::string(value));
  }
  if (!take_field(in, body) || !in.empty()) return false;
  answer.body = std::string(body);
  return true;
}

std::optional<SharedAnswers::Found> SharedAnswers::get(const std::string& service,
                                                       const std::string& key) {
  auto reply = pool_.with_connection<std::optional<std::string>>(
      [&](redisContext* context) -> Result<std::optional<std::string>> {
        auto got = pool_.run(context, {"GET", redis_key(service, key)});
        if (!got) return got.error();
        if ((*got)->type == REDIS_REPLY_NIL) return std::optional<std::string>();
        if ((*got)->type != REDIS_REPLY_STRING) {
          return pool_.unavailable("GET: " + std::string(redis::text_of(**got)));
        }
        return std::optional<std::string>(std::string(redis::text_of(**got)));
      });
  if (!reply || !*reply) return std::nullopt;
  Found found;
  int64_t stored_at_ms = 0;
  if (!decode(**reply, key, found.answer, found.exact, stored_at_ms)) return std::nullopt;
  found.age = std::chrono::milliseconds(std::max<int64_t>(0, unix_ms_now() - stored_at_ms));
  return found;
}

void SharedAnswers::put(const std::string& service, const std::string& key,
                        const cache::Answer& answer, bool exact, std::chrono::milliseconds age,
                        std::chrono::seconds ttl) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(ttl) - age;
  if (left.count() <= 0) return;
  const std::string value = encode(key, answer, exact, unix_ms_now() - age.count());
  (void)pool_.with_connection<bool>([&](redisContext* context) -> Result<bool> {
    auto set = pool_.run(
        context, {"SET", redis_key(service, key), value, "PX", std::to_string(left.count())});
    if (!set) return set.error();
    if (redis::is_error(**set)) return pool_.unavailable(std::string(redis::text_of(**set)));
    return true;
  });
}

}  // namespace lakegate::api
