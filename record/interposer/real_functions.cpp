#include "record/interposer/real_functions.hpp"

#include <dlfcn.h>

#include <cstdlib>

#include "record/interposer/sys.hpp"

// glibc's internal names for the basic calls, at the version where they are
// exported. Bound explicitly with .symver because the linker only offers the
// default version of a symbol, and these have none.
extern "C" {
int lockscope_compat_mutex_lock(pthread_mutex_t*);
int lockscope_compat_mutex_trylock(pthread_mutex_t*);
int lockscope_compat_mutex_unlock(pthread_mutex_t*);
int lockscope_compat_rwlock_init(pthread_rwlock_t*, const pthread_rwlockattr_t*);
int lockscope_compat_rwlock_destroy(pthread_rwlock_t*);
int lockscope_compat_rwlock_rdlock(pthread_rwlock_t*);
int lockscope_compat_rwlock_tryrdlock(pthread_rwlock_t*);
int lockscope_compat_rwlock_wrlock(pthread_rwlock_t*);
int lockscope_compat_rwlock_trywrlock(pthread_rwlock_t*);
int lockscope_compat_rwlock_unlock(pthread_rwlock_t*);
}
__asm__(".symver lockscope_compat_mutex_lock, __pthread_mutex_lock@GLIBC_2.2.5");
__asm__(".symver lockscope_compat_mutex_trylock, __pthread_mutex_trylock@GLIBC_2.2.5");
__asm__(".symver lockscope_compat_mutex_unlock, __pthread_mutex_unlock@GLIBC_2.2.5");
__asm__(".symver lockscope_compat_rwlock_init, __pthread_rwlock_init@GLIBC_2.2.5");
__asm__(".symver lockscope_compat_rwlock_destroy, __pthread_rwlock_destroy@GLIBC_2.2.5");
__asm__(".symver lockscope_compat_rwlock_rdlock, __pthread_rwlock_rdlock@GLIBC_2.2.5");
__asm__(".symver lockscope_compat_rwlock_tryrdlock, __pthread_rwlock_tryrdlock@GLIBC_2.2.5");
__asm__(".symver lockscope_compat_rwlock_wrlock, __pthread_rwlock_wrlock@GLIBC_2.2.5");
__asm__(".symver lockscope_compat_rwlock_trywrlock, __pthread_rwlock_trywrlock@GLIBC_2.2.5");
__asm__(".symver lockscope_compat_rwlock_unlock, __pthread_rwlock_unlock@GLIBC_2.2.5");

namespace lockscope::record::interposer {

RealFunctions g_real{};

namespace {

// Set while this thread is inside dlsym, so a lock call dlsym makes (through
// a malloc replacement, say) takes the compat path instead of recursing.
__attribute__((tls_model("initial-exec"))) thread_local bool t_resolving = false;

template <typename F>
void store(F* slot, void* symbol) {
  __atomic_store_n(slot, reinterpret_cast<F>(symbol), __ATOMIC_RELAXED);
}

template <typename F>
void store_fn(F* slot, F fn) {
  __atomic_store_n(slot, fn, __ATOMIC_RELAXED);
}

void resolve_compat_only() {
  // Only the calls that have a compat alias; the others cannot be reached
  // from inside dlsym in any glibc we know of.
  RealFunctions& r = g_real;
  if (r.mutex_lock == nullptr) store_fn(&r.mutex_lock, &lockscope_compat_mutex_lock);
  if (r.mutex_trylock == nullptr) store_fn(&r.mutex_trylock, &lockscope_compat_mutex_trylock);
  if (r.mutex_unlock == nullptr) store_fn(&r.mutex_unlock, &lockscope_compat_mutex_unlock);
  if (r.rwlock_init == nullptr) store_fn(&r.rwlock_init, &lockscope_compat_rwlock_init);
  if (r.rwlock_destroy == nullptr) store_fn(&r.rwlock_destroy, &lockscope_compat_rwlock_destroy);
  if (r.rwlock_rdlock == nullptr) store_fn(&r.rwlock_rdlock, &lockscope_compat_rwlock_rdlock);
  if (r.rwlock_tryrdlock == nullptr) store_fn(&r.rwlock_tryrdlock, &lockscope_compat_rwlock_tryrdlock);
  if (r.rwlock_wrlock == nullptr) store_fn(&r.rwlock_wrlock, &lockscope_compat_rwlock_wrlock);
  if (r.rwlock_trywrlock == nullptr) store_fn(&r.rwlock_trywrlock, &lockscope_compat_rwlock_trywrlock);
  if (r.rwlock_unlock == nullptr) store_fn(&r.rwlock_unlock, &lockscope_compat_rwlock_unlock);
}

void* next_symbol(const char* name, const char* version = nullptr) {
  void* symbol = version != nullptr ? dlvsym(RTLD_NEXT, name, version) : dlsym(RTLD_NEXT, name);
  if (symbol == nullptr && version != nullptr) symbol = dlsym(RTLD_NEXT, name);
  if (symbol == nullptr) {
    say("lockscope record: cannot find the real ", name, " (dlsym failed); giving up");
    std::abort();
  }
  return symbol;
}

}  // namespace

void resolve_real_functions() {
  if (t_resolving) {
    resolve_compat_only();
    return;
  }
  t_resolving = true;
  RealFunctions& r = g_real;
  store(&r.rwlock_init, next_symbol("pthread_rwlock_init"));
  store(&r.rwlock_destroy, next_symbol("pthread_rwlock_destroy"));
  store(&r.rwlock_rdlock, next_symbol("pthread_rwlock_rdlock"));
  store(&r.rwlock_tryrdlock, next_symbol("pthread_rwlock_tryrdlock"));
  store(&r.rwlock_timedrdlock, next_symbol("pthread_rwlock_timedrdlock"));
  store(&r.rwlock_clockrdlock, next_symbol("pthread_rwlock_clockrdlock"));
  store(&r.rwlock_wrlock, next_symbol("pthread_rwlock_wrlock"));
  store(&r.rwlock_trywrlock, next_symbol("pthread_rwlock_trywrlock"));
  store(&r.rwlock_timedwrlock, next_symbol("pthread_rwlock_timedwrlock"));
  store(&r.rwlock_clockwrlock, next_symbol("pthread_rwlock_clockwrlock"));
  store(&r.rwlock_unlock, next_symbol("pthread_rwlock_unlock"));
  store(&r.mutex_lock, next_symbol("pthread_mutex_lock"));
  store(&r.mutex_trylock, next_symbol("pthread_mutex_trylock"));
  store(&r.mutex_timedlock, next_symbol("pthread_mutex_timedlock"));
  store(&r.mutex_clocklock, next_symbol("pthread_mutex_clocklock"));
  store(&r.mutex_unlock, next_symbol("pthread_mutex_unlock"));
  // The condition variables have a pre-2.3.2 ABI still exported; the
  // current one is what every program built in this century uses.
  store(&r.cond_wait, next_symbol("pthread_cond_wait", "GLIBC_2.3.2"));
  store(&r.cond_timedwait, next_symbol("pthread_cond_timedwait", "GLIBC_2.3.2"));
  store(&r.cond_clockwait, next_symbol("pthread_cond_clockwait"));
  store(&r.exit, next_symbol("exit"));
  store(&r.exit_now, next_symbol("_exit"));
  store(&r.execve, next_symbol("execve"));
  store(&r.execv, next_symbol("execv"));
  store(&r.execvp, next_symbol("execvp"));
  store(&r.execvpe, next_symbol("execvpe"));
  store(&r.libc_start_main, next_symbol("__libc_start_main"));
  t_resolving = false;
}

}  // namespace lockscope::record::interposer
