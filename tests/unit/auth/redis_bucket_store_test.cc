// The Redis bucket store against a real, private redis-server started by the
// fixture on a free loopback port (no persistence), so nothing outside the
// test is needed. A missing /usr/bin/redis-server fails the tests: run
// scripts/setup.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "auth/rate_limiter.h"

extern char** environ;

namespace lakegate::auth {
namespace {

constexpr const char* kRedisServer = "/usr/bin/redis-server";
constexpr double kNow = 1'700'000'000;

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;
struct ContextDeleter {
  void operator()(redisContext* context) const { redisFree(context); }
};
using Connection = std::unique_ptr<redisContext, ContextDeleter>;

// A port nothing listens on right now.
int free_loopback_port() {
  int socket_fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (bind(socket_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      getsockname(socket_fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    close(socket_fd);
    return 0;
  }
  close(socket_fd);
  return ntohs(address.sin_port);
}

// A private redis-server child process.
class RedisServer {
 public:
  ~RedisServer() { stop(); }

  // Starts the server (on `port`, or a free one); "" on success, else why not.
  std::string start(std::vector<std::string> extra_args = {}, int port = 0) {
    port_ = port != 0 ? port : free_loopback_port();
    if (port_ == 0) return "no free loopback port";
    if (dir_.empty()) {
      std::string pattern = (std::filesystem::temp_directory_path() / "lakegate-redis-XXXXXX");
      if (mkdtemp(pattern.data()) == nullptr) return "mkdtemp failed";
      dir_ = pattern;
    }
    std::vector<std::string> args = {kRedisServer, "--port",       std::to_string(port_),
                                     "--bind",     "127.0.0.1",    "--save",
                                     "",           "--appendonly", "no",
                                     "--dir",      dir_,           "--daemonize",
                                     "no"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    const std::string log = dir_ + "/redis.log";
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    const int spawned = posix_spawn(&pid_, kRedisServer, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) {
      pid_ = -1;
      return std::string("cannot start ") + kRedisServer + ": " + strerror(spawned);
    }

    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return "redis-server exited at start-up:\n" + read_log();
      }
      if (Connection connection = connect(); connection != nullptr) {
        Reply pong(static_cast<redisReply*>(redisCommand(connection.get(), "PING")));
        if (pong != nullptr) return "";  // PONG, or NOAUTH when a password is required
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stop();
    return "redis-server did not answer within 10 s:\n" + read_log();
  }

  void stop() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }

  void remove_files() {
    stop();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    dir_.clear();
  }

  int port() const { return port_; }
  std::string url(const std::string& suffix = "") const {
    return "redis://127.0.0.1:" + std::to_string(port_) + suffix;
  }

  // A plain client connection for inspecting the server.
  Connection connect() const {
    timeval timeout{1, 0};
    Connection connection(redisConnectWithTimeout("127.0.0.1", port_, timeout));
    if (connection == nullptr || connection->err != 0) return nullptr;
    return connection;
  }

 private:
  std::string read_log() const {
    std::ifstream file(dir_ + "/redis.log");
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
  }

  pid_t pid_ = -1;
  int port_ = 0;
  std::string dir_;
};

store::LimitRecord limit(int64_t id, std::string type, int64_t rate, int period = 0) {
  store::LimitRecord record;
  record.id = id;
  record.type = std::move(type);
  record.rate = rate;
  record.period = period;
  return record;
}

LimitRequest request() {
  return {7, 3, 5, "_table/orders", "GET"};
}

class RedisBucketStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(access(kRedisServer, X_OK), 0)
        << kRedisServer << " is missing: the Redis rate-limit tests need a real Redis server. "
        << "Install it with scripts/setup (apt-get install redis-server).";
    ASSERT_EQ(server_.start(), "");
    client_ = server_.connect();
    ASSERT_NE(client_, nullptr);
  }
  void TearDown() override { server_.remove_files(); }

  std::unique_ptr<BucketStore> store(const std::string& suffix = "") {
    Result<std::unique_ptr<BucketStore>> made = make_redis_bucket_store(server_.url(suffix));
    EXPECT_TRUE(made.ok()) << made.error().message;
    return made ? std::move(*made) : nullptr;
  }

  // Runs a command on the inspection connection.
  Reply command(const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<size_t> lengths;
    for (const std::string& arg : args) {
      argv.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    return Reply(static_cast<redisReply*>(redisCommandArgv(
        client_.get(), static_cast<int>(args.size()), argv.data(), lengths.data())));
  }
  long long integer(const std::vector<std::string>& args) {
    Reply reply = command(args);
    EXPECT_TRUE(reply != nullptr && reply->type == REDIS_REPLY_INTEGER);
    return reply != nullptr ? reply->integer : -1;
  }

  int allowed_count(RateLimiter& limiter, const std::vector<store::LimitRecord>& limits,
                    int attempts, double now) {
    int allowed = 0;
    for (int i = 0; i < attempts; ++i) {
      Result<LimitVerdict> verdict = limiter.check(limits, request(), now);
      EXPECT_TRUE(verdict.ok()) << verdict.error().message;
      if (verdict && verdict->allowed) ++allowed;
    }
    return allowed;
  }

  RedisServer server_;
  Connection client_;
};

TEST(RedisBucketStoreUrl, RejectsMalformedUrls) {
  for (const std::string url :
       {"http://127.0.0.1:6379", "redis://", "redis://:6379", "redis://host:0",
        "redis://host:70000", "redis://host:port", "redis://host/abc", "redis://host/-1",
        "redis://user@host", "redis://[::1"}) {
    SCOPED_TRACE(url);
    Result<std::unique_ptr<BucketStore>> made = make_redis_bucket_store(url);
    ASSERT_FALSE(made.ok());
    EXPECT_EQ(made.error().code, ErrorCode::kBadConfig);
  }
  for (const std::string url :
       {"redis://localhost", "redis://127.0.0.1:6380/2", "redis://:secret@cache:6379/0",
        "redis://app:secret@cache", "redis://[::1]:6379"}) {
    SCOPED_TRACE(url);
    EXPECT_TRUE(make_redis_bucket_store(url).ok());  // connects lazily
  }
}

TEST(RedisBucketStoreDown, FailsClosedWithBackendUnavailable) {
  const int port = free_loopback_port();
  ASSERT_NE(port, 0);
  Result<std::unique_ptr<BucketStore>> made =
      make_redis_bucket_store("redis://127.0.0.1:" + std::to_string(port));
  ASSERT_TRUE(made.ok());
  RateLimiter limiter(std::move(*made));
  Result<LimitVerdict> verdict = limiter.check({limit(1, "instance", 10)}, request(), kNow);
  ASSERT_FALSE(verdict.ok());
  EXPECT_EQ(verdict.error().code, ErrorCode::kBackendUnavailable);
  EXPECT_EQ(verdict.error().message, "rate limit store unavailable");
  EXPECT_NE(verdict.error().context_value("detail"), "");
  Status reset = limiter.reset();
  ASSERT_FALSE(reset.ok());
  EXPECT_EQ(reset.error().code, ErrorCode::kBackendUnavailable);
}

TEST_F(RedisBucketStoreTest, BurstRefillAndRetryAfter) {
  RateLimiter limiter(store());
  const std::vector<store::LimitRecord> limits = {limit(1, "instance", 10)};
  EXPECT_EQ(allowed_count(limiter, limits, 15, kNow), 10);
  Result<LimitVerdict> refused = limiter.check(limits, request(), kNow + 2);
  ASSERT_TRUE(refused.ok());
  EXPECT_FALSE(refused->allowed);
  ASSERT_EQ(refused->exceeded.size(), 1u);
  EXPECT_EQ(refused->exceeded[0], &limits[0]);
  EXPECT_EQ(refused->limit, 10);
  EXPECT_EQ(refused->remaining, 0);
  EXPECT_EQ(refused->retry_after_seconds, 4);
  EXPECT_EQ(refused->reset_epoch, static_cast<int64_t>(kNow) + 6);
  EXPECT_EQ(allowed_count(limiter, limits, 2, kNow + 6), 1);
  EXPECT_EQ(allowed_count(limiter, limits, 20, kNow + 1000), 10);
}

TEST_F(RedisBucketStoreTest, KeyPrefixesSeparateDeployments) {
  auto other = make_redis_bucket_store(server_.url(""), "staging:rl:");
  ASSERT_TRUE(other.ok()) << other.error().message;
  RateLimiter production(store());
  RateLimiter staging(std::move(*other));
  const std::vector<store::LimitRecord> limits = {limit(1, "instance", 3)};
  EXPECT_EQ(allowed_count(production, limits, 5, kNow), 3);
  EXPECT_EQ(allowed_count(staging, limits, 5, kNow), 3);  // its own bucket
  EXPECT_EQ(integer({"EXISTS", "staging:rl:instance.minute"}), 1);
  ASSERT_TRUE(staging.reset().ok());  // deletes only its own keys
  EXPECT_EQ(allowed_count(production, limits, 1, kNow), 0);
  EXPECT_EQ(allowed_count(staging, limits, 1, kNow), 1);
  EXPECT_FALSE(make_redis_bucket_store(server_.url(""), "bad*").ok());
}

TEST_F(RedisBucketStoreTest, FractionsSurviveTheRoundTrip) {
  std::unique_ptr<BucketStore> buckets = store();
  const BucketStore::Bucket roomy{"a", 10, 1}, tight{"b", 1, 0.4};
  Result<std::vector<BucketResult>> first = buckets->take({roomy, tight}, 100);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_TRUE((*first)[0].allowed);
  EXPECT_DOUBLE_EQ((*first)[0].remaining, 9);
  EXPECT_DOUBLE_EQ((*first)[1].remaining, 0);

  Result<std::vector<BucketResult>> refused = buckets->take({roomy, tight}, 101);
  ASSERT_TRUE(refused.ok());
  EXPECT_TRUE((*refused)[0].allowed);  // had a token; none was taken
  EXPECT_DOUBLE_EQ((*refused)[0].remaining, 10);
  EXPECT_FALSE((*refused)[1].allowed);
  EXPECT_NEAR((*refused)[1].remaining, 0.4, 1e-12);
  EXPECT_NEAR((*refused)[1].retry_after_seconds, 1.5, 1e-12);

  Result<std::vector<BucketResult>> later = buckets->take({roomy}, 100.25);
  ASSERT_TRUE(later.ok());
  EXPECT_DOUBLE_EQ((*later)[0].remaining, 8.25);

  Result<std::vector<BucketResult>> never = buckets->take({{"zero", 0, 0}}, 100);
  ASSERT_TRUE(never.ok());
  EXPECT_FALSE((*never)[0].allowed);
  EXPECT_TRUE(std::isinf((*never)[0].retry_after_seconds));
}

TEST_F(RedisBucketStoreTest, TakesFromAllBucketsOrNone) {
  RateLimiter limiter(store());
  const store::LimitRecord wide = limit(1, "instance", 5);
  store::LimitRecord narrow = limit(2, "instance.user", 2);
  narrow.user_id = 7;
  EXPECT_EQ(allowed_count(limiter, {wide, narrow}, 7, kNow), 2);
  EXPECT_EQ(allowed_count(limiter, {wide}, 10, kNow), 3);

  std::unique_ptr<BucketStore> buckets = store();
  const BucketStore::Bucket twice{"twice", 3, 1};
  ASSERT_TRUE((*buckets->take({twice, twice}, 0))[1].allowed);
  EXPECT_FALSE((*buckets->take({twice, twice}, 0))[0].allowed);
  EXPECT_TRUE((*buckets->take({twice}, 0))[0].allowed);
}

TEST_F(RedisBucketStoreTest, KeysArePrefixedAndExpireOnceFull) {
  std::unique_ptr<BucketStore> buckets = store();
  ASSERT_TRUE(buckets->take({{"instance.minute", 60, 1}}, kNow).ok());
  EXPECT_EQ(integer({"EXISTS", "lakegate:rl:instance.minute"}), 1);
  Reply tokens = command({"HGET", "lakegate:rl:instance.minute", "t"});
  ASSERT_TRUE(tokens != nullptr && tokens->type == REDIS_REPLY_STRING);
  EXPECT_EQ(std::string(tokens->str, tokens->len), "59");
  // One token missing at one per second: full after 1 s, plus 1 s of slack.
  const long long ttl = integer({"PTTL", "lakegate:rl:instance.minute"});
  EXPECT_GT(ttl, 1000);
  EXPECT_LE(ttl, 2000);
}

TEST_F(RedisBucketStoreTest, ResetDeletesOnlyLimiterKeys) {
  RateLimiter limiter(store());
  const std::vector<store::LimitRecord> limits = {limit(1, "instance", 3)};
  ASSERT_TRUE(command({"SET", "unrelated", "1"}) != nullptr);
  EXPECT_EQ(allowed_count(limiter, limits, 5, kNow), 3);
  std::unique_ptr<BucketStore> buckets = store();
  for (int i = 0; i < 2500; ++i) {  // several SCAN pages
    ASSERT_TRUE(buckets->take({{std::string("k").append(std::to_string(i)), 5, 1}}, kNow).ok());
  }
  ASSERT_TRUE(limiter.reset().ok());
  EXPECT_EQ(integer({"DBSIZE"}), 1);
  EXPECT_EQ(integer({"EXISTS", "unrelated"}), 1);
  EXPECT_EQ(allowed_count(limiter, limits, 5, kNow), 3);
}

TEST_F(RedisBucketStoreTest, RecoversWhenTheScriptCacheIsFlushed) {
  RateLimiter limiter(store());
  const std::vector<store::LimitRecord> limits = {limit(1, "instance", 4)};
  EXPECT_EQ(allowed_count(limiter, limits, 2, kNow), 2);
  Reply flushed = command({"SCRIPT", "FLUSH"});
  ASSERT_TRUE(flushed != nullptr && flushed->type == REDIS_REPLY_STATUS);
  EXPECT_EQ(allowed_count(limiter, limits, 5, kNow), 2);
}

TEST_F(RedisBucketStoreTest, UsesTheDatabaseOfTheUrl) {
  std::unique_ptr<BucketStore> buckets = store("/3");
  ASSERT_TRUE(buckets->take({{"db-test", 5, 1}}, kNow).ok());
  EXPECT_EQ(integer({"EXISTS", "lakegate:rl:db-test"}), 0);
  ASSERT_TRUE(command({"SELECT", "3"}) != nullptr);
  EXPECT_EQ(integer({"EXISTS", "lakegate:rl:db-test"}), 1);
}

TEST_F(RedisBucketStoreTest, TwoNodesShareTheBudget) {
  RateLimiter node_a(store()), node_b(store());
  const std::vector<store::LimitRecord> limits = {limit(1, "instance.each_user", 10)};
  int allowed = 0;
  for (int i = 0; i < 10; ++i) {
    RateLimiter& node = i % 2 == 0 ? node_a : node_b;
    allowed += allowed_count(node, limits, 2, kNow + i * 0.01);
  }
  EXPECT_EQ(allowed, 10);
  Result<LimitVerdict> a = node_a.check(limits, request(), kNow + 0.1);
  Result<LimitVerdict> b = node_b.check(limits, request(), kNow + 0.1);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_FALSE(a->allowed);
  EXPECT_FALSE(b->allowed);
  // A reset from one node refills the bucket for both.
  ASSERT_TRUE(node_a.reset().ok());
  EXPECT_EQ(allowed_count(node_b, limits, 15, kNow + 0.1), 10);
}

TEST_F(RedisBucketStoreTest, ConcurrentRequestsGetExactlyTheRate) {
  constexpr int kRate = 100, kThreads = 8, kPerThread = 50;
  RateLimiter node_a(store()), node_b(store());
  const std::vector<store::LimitRecord> limits = {limit(1, "instance", kRate)};
  std::atomic<int> allowed = 0, failed = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      RateLimiter& node = t % 2 == 0 ? node_a : node_b;
      for (int i = 0; i < kPerThread; ++i) {
        Result<LimitVerdict> verdict = node.check(limits, request(), kNow);
        if (!verdict)
          ++failed;
        else if (verdict->allowed)
          ++allowed;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(allowed.load(), kRate);
}

TEST_F(RedisBucketStoreTest, RedisGoingDownFailsClosedAndRecovers) {
  RateLimiter limiter(store());
  const std::vector<store::LimitRecord> limits = {limit(1, "instance", 10)};
  EXPECT_EQ(allowed_count(limiter, limits, 3, kNow), 3);
  client_.reset();
  server_.stop();
  Result<LimitVerdict> down = limiter.check(limits, request(), kNow);
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.error().code, ErrorCode::kBackendUnavailable);
  EXPECT_EQ(down.error().message, "rate limit store unavailable");

  // A new server on the same port: fresh connection, empty script cache and
  // empty buckets.
  ASSERT_EQ(server_.start({}, server_.port()), "");
  EXPECT_EQ(allowed_count(limiter, limits, 15, kNow), 10);
}

TEST_F(RedisBucketStoreTest, ReplacesPooledConnectionsTheServerClosed) {
  RateLimiter limiter(store());
  const std::vector<store::LimitRecord> limits = {limit(1, "instance", 10)};
  EXPECT_EQ(allowed_count(limiter, limits, 3, kNow), 3);
  EXPECT_GE(integer({"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"}), 1);
  EXPECT_EQ(allowed_count(limiter, limits, 10, kNow), 7);
}

TEST_F(RedisBucketStoreTest, AuthenticatesWithThePasswordOfTheUrl) {
  RedisServer guarded;
  ASSERT_EQ(guarded.start({"--requirepass", "s3cret"}), "");
  Result<std::unique_ptr<BucketStore>> with_password =
      make_redis_bucket_store("redis://:s3cret@127.0.0.1:" + std::to_string(guarded.port()));
  ASSERT_TRUE(with_password.ok());
  EXPECT_TRUE((*with_password)->take({{"k", 1, 1}}, kNow).ok());

  for (const std::string prefix : {"redis://", "redis://:wrong@"}) {
    Result<std::unique_ptr<BucketStore>> refused =
        make_redis_bucket_store(prefix + "127.0.0.1:" + std::to_string(guarded.port()));
    ASSERT_TRUE(refused.ok());
    Result<std::vector<BucketResult>> taken = (*refused)->take({{"k", 1, 1}}, kNow);
    ASSERT_FALSE(taken.ok());
    EXPECT_EQ(taken.error().code, ErrorCode::kBackendUnavailable);
  }
  guarded.remove_files();
}

}  // namespace
}  // namespace lakegate::auth
