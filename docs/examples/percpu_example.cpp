// percpu: Linux's percpu-rwsem. Readers skip the fence until a writer
// arrives, because the writer pays with membarrier(2); so the lock needs the
// heavy barrier and its constructor aborts without it. Check first.
#include <cstdio>
#include <mutex>
#include <shared_mutex>
#include <thread>

#include "engine/platform/real_platform.hpp"
#include "lockimpl/percpu_rwsem.hpp"

using lockscope::engine::platform::RealPlatform;
using lockscope::lockimpl::PercpuRwsem;

int main() {
  if (!RealPlatform::heavy_barrier_available()) {
    std::printf("percpu skipped: %s\n", RealPlatform::heavy_barrier_unavailable_reason());
    return 0;
  }
  PercpuRwsem<RealPlatform> lock(/*max_contexts=*/2);
  lock.register_context(0);  // main() runs in context 0
  lock.register_context(1);

  int value = 0;
  std::thread reader([&] {
    RealPlatform::set_current_context(1);
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
  lock.unregister_context(1);
  std::printf("percpu: value %d\n", value);
  return value == 100 ? 0 : 1;
}
