// libstdc++'s std::shared_mutex (a pthread_rwlock underneath on glibc):
// every reader does a read-modify-write on the lock word.
#pragma once

#include <shared_mutex>

namespace lockscope::engine::bench {

class StdSharedMutexLock {
 public:
  static constexpr bool kReadersExcluded = true;
  struct Session {};
  explicit StdSharedMutexLock(unsigned /*workers*/) {}
  void enter(Session&, unsigned) {}
  void leave(Session&) {}
  void lock_shared(Session&) { m_.lock_shared(); }
  void unlock_shared(Session&) { m_.unlock_shared(); }
  void lock(Session&) { m_.lock(); }
  void unlock(Session&) { m_.unlock(); }

 private:
  std::shared_mutex m_;
};

}  // namespace lockscope::engine::bench
