// brlock, numa, bravo, graph-fair: locks that count readers per context (or
// per node, or in a reader table over a central lock), used the same way as
// the graph lock: register contexts, declare each thread's context, lock.
#include <cstdio>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <vector>

#include "engine/platform/real_platform.hpp"
#include "lockimpl/bravo.hpp"
#include "lockimpl/brlock.hpp"
#include "lockimpl/graph_fair_lock.hpp"
#include "lockimpl/numa_lock.hpp"

using lockscope::engine::platform::RealPlatform;
using lockscope::lockimpl::ContextId;
using lockscope::lockimpl::NodeLevel;
namespace lk = lockscope::lockimpl;

constexpr ContextId kReaders = 2;

template <class Lock>
int run(const char* name) {
  Lock lock(/*max_contexts=*/kReaders + 1);
  for (ContextId ctx = 0; ctx <= kReaders; ++ctx) lock.register_context(ctx);

  long value = 0;
  std::vector<std::thread> readers;
  for (ContextId ctx = 1; ctx <= kReaders; ++ctx) {
    readers.emplace_back([&lock, &value, ctx] {
      RealPlatform::set_current_context(ctx);
      for (int i = 0; i < 10000; ++i) {
        std::shared_lock guard(lock);
        (void)value;
      }
    });
  }
  for (int i = 0; i < 100; ++i) {
    std::unique_lock guard(lock);  // the writer runs in context 0
    ++value;
  }
  for (std::thread& t : readers) t.join();
  for (ContextId ctx = 1; ctx <= kReaders; ++ctx) lock.unregister_context(ctx);
  std::printf("%s: value %ld\n", name, value);
  return value == 100 ? 0 : 1;
}

int main() {
  int failures = 0;
  failures += run<lk::BrLock<RealPlatform>>("brlock");
  failures += run<lk::NumaLock<RealPlatform>>("numa");
  failures += run<lk::NumaLock<RealPlatform, NodeLevel::cache>>("numa-ccx");
  failures += run<lk::BravoLock<RealPlatform>>("bravo");
  failures += run<lk::GraphFairLock<RealPlatform>>("graph-fair");
  return failures;
}
