// central, pflock, glibc-rwlock, glibc-mutex: locks with one shared state and
// no per-context counters. Their register_context / unregister_context do
// nothing (kept so that every lock has the same interface), and a thread need
// not declare a context. glibc-mutex is exclusive only.
#include <cstdio>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <vector>

#include "engine/platform/real_platform.hpp"
#include "lockimpl/central_lock.hpp"
#include "lockimpl/glibc_mutex.hpp"
#include "lockimpl/glibc_rwlock.hpp"
#include "lockimpl/pflock.hpp"

using lockscope::engine::platform::RealPlatform;
namespace lk = lockscope::lockimpl;

template <class Lock>
int run_rw(const char* name) {
  Lock lock;
  long value = 0;
  std::thread reader([&] {
    for (int i = 0; i < 10000; ++i) {
      std::shared_lock guard(lock);
      (void)value;
    }
  });
  for (int i = 0; i < 100; ++i) {
    std::unique_lock guard(lock);
    ++value;
  }
  reader.join();
  std::printf("%s: value %ld\n", name, value);
  return value == 100 ? 0 : 1;
}

int run_mutex() {
  lk::GlibcMutex<RealPlatform> mutex;
  long value = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        std::lock_guard guard(mutex);
        ++value;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  std::printf("glibc-mutex: value %ld\n", value);
  return value == 2000 ? 0 : 1;
}

int main() {
  int failures = 0;
  failures += run_rw<lk::CentralLock<RealPlatform>>("central");
  failures += run_rw<lk::PfLock<RealPlatform>>("pflock");
  failures += run_rw<lk::GlibcRwlock<RealPlatform>>("glibc-rwlock");
  failures += run_rw<lk::GlibcRwlock<RealPlatform, lk::GlibcPreferWriterNonrecursive>>("glibc-rwlock-wp");
  failures += run_mutex();
  return failures;
}
