// A small pool of Redis connections (hiredis, synchronous) shared by what
// lakegate keeps in Redis: the rate-limit buckets (auth/) and the shared
// tier of the result cache (api/cache/). Each connection has 1 s connect and
// command timeouts; AUTH and SELECT from the URL run when it opens. A command
// runs on an idle connection or a new one; a connection that failed is
// closed, and if it came from the pool and broke on I/O (Redis restarted),
// the pool is emptied and the work retried once on a new connection. Every
// failure is kBackendUnavailable ("<what> unavailable"). Thread-safe.
#pragma once

#include <hiredis/hiredis.h>
#include <signal.h>

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace lakegate::redis {

struct Address {
  std::string host;
  int port = 6379;
  int db = 0;
  std::string user, password;  // AUTH [user] password when password is set
};

// redis://[[user]:password@]host[:port][/db]; an IPv6 host goes in brackets.
// The password is taken literally (no percent-decoding). Errors (kBadConfig)
// name `what` ("rate limit", "result cache").
Result<Address> parse_url(std::string_view url, std::string_view what);

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

bool is_error(const redisReply& reply);
std::string_view text_of(const redisReply& reply);

class Pool {
 public:
  // `what` names the store in errors ("rate limit store").
  Pool(Address address, std::string what) : address_(std::move(address)), what_(std::move(what)) {}

  // Runs `work(context)` on a connection (see above). `work` returns a
  // Result<T>; an I/O failure leaves context->err set.
  template <typename T, typename Work>
  Result<T> with_connection(Work work);

  // Sends one command. An I/O failure is an error (the connection is then
  // unusable); a Redis error reply is returned as a reply.
  Result<Reply> run(redisContext* context, const std::vector<std::string>& args) const;
  Error unavailable(std::string detail) const;

 private:
  struct ContextDeleter {
    void operator()(redisContext* context) const { redisFree(context); }
  };
  using Connection = std::unique_ptr<redisContext, ContextDeleter>;

  Result<Connection> connect();
  Connection pop_idle();
  void push_idle(Connection connection);
  void drop_idle();

  const Address address_;
  const std::string what_;
  std::mutex mutex_;
  std::vector<Connection> idle_;  // guarded by mutex_

  // Blocks SIGPIPE on this thread while alive (hiredis writes with write(2):
  // a peer that reset the connection would raise it and kill the gateway)
  // and discards one raised meanwhile.
  class Sigpipe {
   public:
    Sigpipe();
    ~Sigpipe();
    Sigpipe(const Sigpipe&) = delete;
    Sigpipe& operator=(const Sigpipe&) = delete;

   private:
    sigset_t sigpipe_;
    sigset_t saved_mask_;
    bool was_pending_ = false;
  };
};

template <typename T, typename Work>
Result<T> Pool::with_connection(Work work) {
  Sigpipe sigpipe_guard;
  for (bool retried = false;; retried = true) {
    Connection connection = retried ? nullptr : pop_idle();
    const bool reused = connection != nullptr;
    if (!reused) {
      Result<Connection> fresh = connect();
      if (!fresh) return fresh.error();
      connection = std::move(*fresh);
    }
    Result<T> result = work(connection.get());
    if (result) {
      push_idle(std::move(connection));
      return result;
    }
    if (!reused || connection->err == 0) return result;
    drop_idle();
  }
}

}  // namespace lakegate::redis
