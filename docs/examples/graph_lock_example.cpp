// graph / graph-asym: two worker threads, each in a context of its own, read
// a shared value under GraphLock while the main thread (context 0) writes it.
// Then a context is handed from one thread to another, and the asymmetric
// policy is used only where membarrier(2) is available.
#include <cstdio>
#include <mutex>
#include <shared_mutex>
#include <thread>

#include "engine/platform/real_platform.hpp"
#include "lockimpl/graph_lock.hpp"

using lockscope::engine::platform::RealPlatform;
using lockscope::lockimpl::AsymmetricPolicy;
using lockscope::lockimpl::ContextId;
using lockscope::lockimpl::GraphLock;
using lockscope::lockimpl::SeedPolicy;

template <class Lock>
int run(const char* name) {
  Lock lock(/*max_contexts=*/3);
  // Every thread starts in context 0, so register it before anyone locks.
  lock.register_context(0);
  lock.register_context(1);
  lock.register_context(2);

  long value = 0;
  auto reader = [&](ContextId ctx) {
    RealPlatform::set_current_context(ctx);  // this thread now runs in ctx
    long seen = 0;
    for (int i = 0; i < 10000; ++i) {
      std::shared_lock guard(lock);  // lock_shared() / unlock_shared()
      seen = value;
    }
    return seen;
  };
  std::thread a([&] { reader(1); });
  std::thread b([&] { reader(2); });
  for (int i = 0; i < 100; ++i) {
    std::unique_lock guard(lock);  // lock() / unlock(), from context 0
    ++value;
  }
  a.join();
  b.join();

  // Handing context 1 to another thread: join (or otherwise stop) the thread
  // that ran in it first. A context is run by one thread at a time.
  std::thread c([&] {
    RealPlatform::set_current_context(1);
    lock.lock_shared();
    // A reader may move: unlock in context 2 (nobody else runs in it now).
    // Context 1's count is +1 and context 2's is -1; the sum is exact.
    RealPlatform::set_current_context(2);
    lock.unlock_shared();
  });
  c.join();

  // Unregister a context once no thread runs in it any more.
  lock.unregister_context(2);
  lock.unregister_context(1);
  std::printf("%s: value %ld\n", name, value);
  return value == 100 ? 0 : 1;
}

int main() {
  int failures = run<GraphLock<RealPlatform, SeedPolicy>>("graph");
  // Fence::asymmetric aborts in the constructor without membarrier(2).
  if (RealPlatform::heavy_barrier_available()) {
    failures += run<GraphLock<RealPlatform, AsymmetricPolicy>>("graph-asym");
  } else {
    std::printf("graph-asym skipped: %s\n", RealPlatform::heavy_barrier_unavailable_reason());
  }
  return failures;
}
