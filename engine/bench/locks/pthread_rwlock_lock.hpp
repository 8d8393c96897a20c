// glibc's pthread_rwlock_t with default attributes (reader-preferring):
// readers increment a shared word with a CAS.
#pragma once

#include <pthread.h>

namespace lockscope::engine::bench {

class PthreadRwlockLock {
 public:
  static constexpr bool kReadersExcluded = true;
  struct Session {};
  explicit PthreadRwlockLock(unsigned /*workers*/) { pthread_rwlock_init(&l_, nullptr); }
  ~PthreadRwlockLock() { pthread_rwlock_destroy(&l_); }
  PthreadRwlockLock(const PthreadRwlockLock&) = delete;
  PthreadRwlockLock& operator=(const PthreadRwlockLock&) = delete;
  void enter(Session&, unsigned) {}
  void leave(Session&) {}
  void lock_shared(Session&) { pthread_rwlock_rdlock(&l_); }
  void unlock_shared(Session&) { pthread_rwlock_unlock(&l_); }
  void lock(Session&) { pthread_rwlock_wrlock(&l_); }
  void unlock(Session&) { pthread_rwlock_unlock(&l_); }

 private:
  pthread_rwlock_t l_;
};

}  // namespace lockscope::engine::bench
