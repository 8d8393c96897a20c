// A mutex in bench mode: a "read" takes it exclusively, as a write does.
// That is what a program that guards read-mostly data with a plain mutex
// pays, and how glibc-mutex (lockimpl/) is held against glibc's own
// pthread_mutex_t.
#pragma once

#include <pthread.h>

namespace lockscope::engine::bench {

template <class M>
class MutexLock {
 public:
  static constexpr bool kReadersExcluded = true;
  struct Session {};
  explicit MutexLock(unsigned /*workers*/) {}
  void enter(Session&, unsigned) {}
  void leave(Session&) {}
  void lock_shared(Session&) { m_.lock(); }
  void unlock_shared(Session&) { m_.unlock(); }
  void lock(Session&) { m_.lock(); }
  void unlock(Session&) { m_.unlock(); }

 private:
  M m_;
};

// glibc's pthread_mutex_t with default attributes, as the program calls it.
class PthreadMutex {
 public:
  PthreadMutex() = default;
  ~PthreadMutex() { pthread_mutex_destroy(&m_); }
  PthreadMutex(const PthreadMutex&) = delete;
  PthreadMutex& operator=(const PthreadMutex&) = delete;
  void lock() { pthread_mutex_lock(&m_); }
  void unlock() { pthread_mutex_unlock(&m_); }

 private:
  pthread_mutex_t m_ = PTHREAD_MUTEX_INITIALIZER;
};

}  // namespace lockscope::engine::bench
