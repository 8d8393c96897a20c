// The interposed pthread entry points. Each one asks recording() (is this
// thread recording: one TLS load and a compare), times the real call and
// appends one raw record. Nothing here allocates, prints or takes a lock.
//
// Acquisitions first try the lock (tryrdlock, trywrlock, trylock): when that
// succeeds the call did not wait, and one clock read serves as both begin
// and end. Only a call that has to wait pays a second read. glibc's
// blocking calls start with the same atomic attempt, so the program sees the
// same outcome; an error-checking mutex's EDEADLK and a rwlock's EDEADLK
// still come from the real blocking call.
//
// Releases read the clock before the real unlock, so a recorded hold never
// overlaps the next holder's recorded acquisition.
//
// Recursive mutexes: glibc keeps the owner's recursion depth in
// __data.__count. A lock that leaves it above 1, and an unlock that finds it
// above 1, are nested: not recorded, counted (RawRecording::recursive_skipped).
#include <pthread.h>

#include <cerrno>
#include <ctime>
#include <type_traits>

#include "record/interposer/clock.hpp"
#include "record/interposer/real_functions.hpp"
#include "record/interposer/thread_state.hpp"
#include "record/raw_format.hpp"

#define LOCKSCOPE_EXPORT extern "C" __attribute__((visibility("default")))

namespace {

using namespace lockscope::record::interposer;

enum Op : std::uint8_t { rdlock, wrlock, rw_unlock, mutex_lock, mutex_unlock, cond_release, cond_reacquire };
enum Attempt : std::uint8_t { blocking, try_, timed };

inline bool nested_recursive(const pthread_mutex_t* m) {
  // Read by the owner, which holds the mutex: the fields are stable.
  return (m->__data.__kind & 3) == PTHREAD_MUTEX_RECURSIVE_NP && m->__data.__count > 1;
}

inline void count_skip(ThreadState& t) {
  // Only this thread writes its slot's count: no locked RMW needed.
  auto& skipped = t.slot->recursive_skipped;
  skipped.store(skipped.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

// Try, then (only if that failed) wait. The clock is read before the try:
// an uncontended acquisition uses that one read as both begin and end
// (it took a few nanoseconds), and a contended one as the start of its
// wait. Reading it first also lets the read's latency (about 40 cycles on
// AMD) overlap the lock's own atomic instead of following it.
template <typename Lock, typename TryLock, typename Wait>
inline int acquire(ThreadState& t, Lock* lock, Op op, Attempt attempt, const void* caller, TryLock try_lock,
                   Wait wait) {
  const std::uint64_t begin = now_ticks();
  if (try_lock() == 0) {
    if constexpr (std::is_same_v<Lock, pthread_mutex_t>) {
      if (nested_recursive(lock)) {
        count_skip(t);
        return 0;
      }
    }
    append(t, lock, begin, begin, caller, event_flags(op, attempt, true));
    return 0;
  }
  const int result = wait();
  const std::uint64_t end = now_ticks();
  if constexpr (std::is_same_v<Lock, pthread_mutex_t>) {
    if (result == 0 && nested_recursive(lock)) {
      count_skip(t);
      return 0;
    }
  }
  append(t, lock, begin, end, caller, event_flags(op, attempt, result == 0));
  return result;
}

template <typename Lock, typename TryLock>
inline int try_acquire(ThreadState& t, Lock* lock, Op op, const void* caller, TryLock try_lock) {
  const int result = try_lock();
  if constexpr (std::is_same_v<Lock, pthread_mutex_t>) {
    if (result == 0 && nested_recursive(lock)) {
      count_skip(t);
      return 0;
    }
  }
  const std::uint64_t now = now_ticks();
  append(t, lock, now, now, caller, event_flags(op, try_, result == 0));
  return result;
}

template <typename Wait>
inline int cond_wait(pthread_mutex_t* m, Attempt attempt, const void* caller, Wait wait) {
  ThreadState& t = t_state;
  if (!recording(t) || nested_recursive(m)) return wait();
  const std::uint64_t release = now_ticks();
  append(t, m, release, release, caller, event_flags(cond_release, attempt, true));
  const int result = wait();
  const std::uint64_t back = now_ticks();
  // A timed-out wait re-took the mutex too.
  const bool ok = result == 0 || result == ETIMEDOUT;
  append(t, m, back, back, caller, event_flags(cond_reacquire, attempt, ok));
  return result;
}

}  // namespace

// ---- rwlocks --------------------------------------------------------------

LOCKSCOPE_EXPORT int pthread_rwlock_init(pthread_rwlock_t* l, const pthread_rwlockattr_t* attr) {
  return LOCKSCOPE_REAL(rwlock_init)(l, attr);
}

LOCKSCOPE_EXPORT int pthread_rwlock_destroy(pthread_rwlock_t* l) { return LOCKSCOPE_REAL(rwlock_destroy)(l); }

LOCKSCOPE_EXPORT int pthread_rwlock_rdlock(pthread_rwlock_t* l) {
  ThreadState& t = t_state;
  const auto real = LOCKSCOPE_REAL(rwlock_rdlock);
  if (!recording(t)) return real(l);
  const auto try_real = LOCKSCOPE_REAL(rwlock_tryrdlock);
  return acquire(t, l, rdlock, blocking, __builtin_return_address(0), [&] { return try_real(l); },
                 [&] { return real(l); });
}

LOCKSCOPE_EXPORT int pthread_rwlock_tryrdlock(pthread_rwlock_t* l) {
  ThreadState& t = t_state;
  const auto real = LOCKSCOPE_REAL(rwlock_tryrdlock);
  if (!recording(t)) return real(l);
  return try_acquire(t, l, rdlock, __builtin_return_address(0), [&] { return real(l); });
}

LOCKSCOPE_EXPORT int pthread_rwlock_timedrdlock(pthread_rwlock_t* l, const timespec* deadline) {
  ThreadState& t = t_state;
  const auto real = LOCKSCOPE_REAL(rwlock_timedrdlock);
  if (!recording(t)) return real(l, deadline);
  const auto try_real = LOCKSCOPE_REAL(rwlock_tryrdlock);
  return acquire(t, l, rdlock, timed, __builtin_return_address(0), [&] { return try_real(l); },
                 [&] { return real(l, deadline); });
}

LOCKSCOPE_EXPORT int pthread_rwlock_clockrdlock(pthread_rwlock_t* l, clockid_t clock, const timespec* deadline) {
  ThreadState& t = t_state;
  const auto real = LOCKSCOPE_REAL(rwlock_clockrdlock);
  if (!recording(t)) return real(l, clock, deadline);
  const auto try_real = LOCKSCOPE_REAL(rwlock_tryrdlock);
  return acquire(t, l, rdlock, timed, __builtin_return_address(0), [&] { return try_real(l); },
                 [&] { return real(l, clock, deadline); });
}

LOCKSCOPE_EXPORT int pthread_rwlock_wrlock(pthread_rwlock_t* l) {
  ThreadState& t = t_state;
  const auto real = LOCKSCOPE_REAL(rwlock_wrlock);
  if (!recording(t)) return real(l);
  const auto try_real = LOCKSCOPE_REAL(rwlock_trywrlock);
  return acquire(t, l, wrlock, blocking, __builtin_return_address(0), [&] { return try_real(l); },
                 [&] { return real(l); });
}

LOCKSCOPE_EXPORT int pthread_rwlock_trywrlock(pthread_rwlock_t* l) {
  ThreadState& t = t_state;
  const auto real = LOCKSCOPE_REAL(rwlock_trywrlock);
  if (!recording(t)) return real(l);
  return try_acquire(t, l, wrlock, __builtin_return_address(0), [&] { return real(l); });
}

LOCKSCOPE_EXPORT int pthread_rwlock_timedwrlock(pthread_rwlock_t* l, const timespec* deadline) {
  ThreadState& t = t_state;
  const auto real = LOCKSCOPE_REAL(rwlock_timedwrlock);
  if (!recording(t)) return real(l, deadline);
  const auto try_real = LOCKSCOPE_REAL(rwlock_trywrlock);
  return acquire(t, l, wrlock, timed, __builtin_return_address(0), [&] { return try_real(l); },
                 [&] { return real(l, deadline); });
}

LOCKSCOPE_EXPORT int pthread_rwlock_clockwrlock(pthread_rwlock_t* l, clockid_t clock, const timespec* deadline) {
  ThreadState& t = t_state;
  const auto real = LOCKSCOPE_REAL(rwlock_clockwrlock);
  if (!recording(t)) return real(l, clock, deadline);
  const auto try_real = LOCKSCOPE_REAL(rwlock_trywrlock);
  return acquire(t, l, wrlock, timed, __builtin_return_address(0), [&] { return try_real(l); },
                 [&] { return real(l, clock, deadline); });
}

LOCKSCOPE_EXPORT int pthread_rwlock_unlock(pthread_rwlock_t* l) {
  ThreadState& t = t_state;
  const auto real = LOCKSCOPE_REAL(rwlock_unlock);
  if (!recording(t)) return real(l);
  const std::uint64_t now = now_ticks();
  const int result = real(l);
  append(t, l, now, now, __builtin_return_address(0), event_flags(rw_unlock, blocking, result == 0));
  return result;
}

// ---- mutexes --------------------------------------------------------------

LOCKSCOPE_EXPORT int pthread_mutex_lock(pthread_mutex_t* m) {
  ThreadState& t = t_state;
  const auto real = LOCKSCOPE_REAL(mutex_lock);
  if (!recording(t)) return real(m);
  const auto try_real = LOCKSCOPE_REAL(mutex_trylock);
  return acquire(t, m, mutex_lock, blocking, __builtin_return_address(0), [&] { return try_real(m); },
                 [&] { return real(m); });
}

LOCKSCOPE_EXPORT int pthread_mutex_trylock(pthread_mutex_t* m) {
  ThreadState& t = t_state;
  const auto real = LOCKSCOPE_REAL(mutex_trylock);
  if (!recording(t)) return real(m);
  return try_acquire(t, m, mutex_lock, __builtin_return_address(0), [&] { return real(m); });
}

LOCKSCOPE_EXPORT int pthread_mutex_timedlock(pthread_mutex_t* m, const timespec* deadline) {
  ThreadState& t = t_state;
  const auto real = LOCKSCOPE_REAL(mutex_timedlock);
  if (!recording(t)) return real(m, deadline);
  const auto try_real = LOCKSCOPE_REAL(mutex_trylock);
  return acquire(t, m, mutex_lock, timed, __builtin_return_address(0), [&] { return try_real(m); },
                 [&] { return real(m, deadline); });
}

LOCKSCOPE_EXPORT int pthread_mutex_clocklock(pthread_mutex_t* m, clockid_t clock, const timespec* deadline) {
  ThreadState& t = t_state;
  const auto real = LOCKSCOPE_REAL(mutex_clocklock);
  if (!recording(t)) return real(m, clock, deadline);
  const auto try_real = LOCKSCOPE_REAL(mutex_trylock);
  return acquire(t, m, mutex_lock, timed, __builtin_return_address(0), [&] { return try_real(m); },
                 [&] { return real(m, clock, deadline); });
}

LOCKSCOPE_EXPORT int pthread_mutex_unlock(pthread_mutex_t* m) {
  ThreadState& t = t_state;
  const auto real = LOCKSCOPE_REAL(mutex_unlock);
  if (!recording(t) || nested_recursive(m)) return real(m);
  const std::uint64_t now = now_ticks();
  const int result = real(m);
  append(t, m, now, now, __builtin_return_address(0), event_flags(mutex_unlock, blocking, result == 0));
  return result;
}

// ---- condition variables ----------------------------------------------------

LOCKSCOPE_EXPORT int pthread_cond_wait(pthread_cond_t* c, pthread_mutex_t* m) {
  const auto real = LOCKSCOPE_REAL(cond_wait);
  return cond_wait(m, blocking, __builtin_return_address(0), [&] { return real(c, m); });
}

LOCKSCOPE_EXPORT int pthread_cond_timedwait(pthread_cond_t* c, pthread_mutex_t* m, const timespec* deadline) {
  const auto real = LOCKSCOPE_REAL(cond_timedwait);
  return cond_wait(m, timed, __builtin_return_address(0), [&] { return real(c, m, deadline); });
}

LOCKSCOPE_EXPORT int pthread_cond_clockwait(pthread_cond_t* c, pthread_mutex_t* m, clockid_t clock,
                                            const timespec* deadline) {
  const auto real = LOCKSCOPE_REAL(cond_clockwait);
  return cond_wait(m, timed, __builtin_return_address(0), [&] { return real(c, m, clock, deadline); });
}
