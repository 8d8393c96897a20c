// The real pthread functions behind the interposer's hooks, found with
// dlsym(RTLD_NEXT) so that a library preloaded after ours, or libc itself,
// answers. Resolved by the constructor; a hook called earlier (another
// library's constructor, or a lock taken inside dlsym by a malloc
// replacement) resolves lazily, and a call re-entering the resolution on the
// same thread falls back to glibc's internal aliases (__pthread_mutex_lock
// and friends, exported at GLIBC_2.2.5), so it never calls itself.
#pragma once

#include <pthread.h>
#include <ctime>

namespace lockscope::record::interposer {

struct RealFunctions {
  int (*rwlock_init)(pthread_rwlock_t*, const pthread_rwlockattr_t*);
  int (*rwlock_destroy)(pthread_rwlock_t*);
  int (*rwlock_rdlock)(pthread_rwlock_t*);
  int (*rwlock_tryrdlock)(pthread_rwlock_t*);
  int (*rwlock_timedrdlock)(pthread_rwlock_t*, const timespec*);
  int (*rwlock_clockrdlock)(pthread_rwlock_t*, clockid_t, const timespec*);
  int (*rwlock_wrlock)(pthread_rwlock_t*);
  int (*rwlock_trywrlock)(pthread_rwlock_t*);
  int (*rwlock_timedwrlock)(pthread_rwlock_t*, const timespec*);
  int (*rwlock_clockwrlock)(pthread_rwlock_t*, clockid_t, const timespec*);
  int (*rwlock_unlock)(pthread_rwlock_t*);
  int (*mutex_lock)(pthread_mutex_t*);
  int (*mutex_trylock)(pthread_mutex_t*);
  int (*mutex_timedlock)(pthread_mutex_t*, const timespec*);
  int (*mutex_clocklock)(pthread_mutex_t*, clockid_t, const timespec*);
  int (*mutex_unlock)(pthread_mutex_t*);
  int (*cond_wait)(pthread_cond_t*, pthread_mutex_t*);
  int (*cond_timedwait)(pthread_cond_t*, pthread_mutex_t*, const timespec*);
  int (*cond_clockwait)(pthread_cond_t*, pthread_mutex_t*, clockid_t, const timespec*);
  void (*exit)(int);
  void (*exit_now)(int);  // _exit
  int (*execve)(const char*, char* const*, char* const*);
  int (*execv)(const char*, char* const*);
  int (*execvp)(const char*, char* const*);
  int (*execvpe)(const char*, char* const*, char* const*);
  int (*libc_start_main)(int (*)(int, char**, char**), int, char**, void (*)(), void (*)(), void (*)(), void*);
};

extern RealFunctions g_real;

// Fills g_real (idempotent, thread-safe: every thread stores the same values).
void resolve_real_functions();

// g_real.NAME, resolved first if the constructor has not run yet. A relaxed
// load (a plain mov): the pointers never change once set.
#define LOCKSCOPE_REAL(name)                                                           \
  ([]() {                                                                              \
    auto fn = __atomic_load_n(&::lockscope::record::interposer::g_real.name, __ATOMIC_RELAXED); \
    if (__builtin_expect(fn == nullptr, 0)) {                                          \
      ::lockscope::record::interposer::resolve_real_functions();                       \
      fn = __atomic_load_n(&::lockscope::record::interposer::g_real.name, __ATOMIC_RELAXED); \
    }                                                                                  \
    return fn;                                                                         \
  }())

}  // namespace lockscope::record::interposer
