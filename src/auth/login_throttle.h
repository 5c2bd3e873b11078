// Slows password guessing without locking the real user out forever: after
// `free_failures` consecutive failures for a key (an email, or a client IP),
// each further attempt must wait base_delay * 2^(failures - free_failures),
// capped at max_delay; a success clears the email's record. Records expire
// after max_delay of quiet. Thread-safe, in memory (per node).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace lakegate::auth {

struct LoginThrottleOptions {
  int free_failures = 5;           // Default: 5 failures before any delay.
  double base_delay_seconds = 1;   // Default: 1 s, doubled per further failure.
  double max_delay_seconds = 300;  // Default: 5 minutes.
};

class LoginThrottle {
 public:
  explicit LoginThrottle(LoginThrottleOptions options = {}) : options_(options) {}
  // Seconds the caller must still wait before trying (0 = may try now).
  double wait_seconds(const std::string& key, double now_seconds);
  void record_failure(const std::string& key, double now_seconds);
  void record_success(const std::string& key);

 private:
  struct Entry {
    int failures = 0;
    double last_failure = 0;
  };
  LoginThrottleOptions options_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace lakegate::auth
