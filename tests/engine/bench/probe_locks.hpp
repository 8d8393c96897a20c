// central with a probe, for tests of what bench and stress runs build and
// who takes the lock: what a run passes in, not how the lock behaves.
#pragma once

#include <atomic>
#include <cstdint>

#include "engine/platform/real_platform.hpp"
#include "lockimpl/central_lock.hpp"

namespace lockscope::testing {

using Central = lockimpl::CentralLock<engine::platform::RealPlatform>;

// Takes a table size, as BRAVO does, and records the size it was built with.
struct SizedCentral : Central {
  static constexpr std::uint32_t kDefaultTableSlots = 7;
  static inline std::atomic<std::uint32_t> built_with{0};
  SizedCentral(std::uint32_t contexts, std::uint32_t slots) : Central(contexts) { built_with = slots; }
};

// Records the highest worker id (RealPlatform::current_worker) that took it.
struct IdNotingCentral : Central {
  using Central::Central;
  static inline std::atomic<std::uint32_t> highest{0};
  static void note() {
    const std::uint32_t id = engine::platform::RealPlatform::current_worker();
    std::uint32_t h = highest.load();
    while (id > h && !highest.compare_exchange_weak(h, id)) {
    }
  }
  void lock_shared() {
    note();
    Central::lock_shared();
  }
  void lock() {
    note();
    Central::lock();
  }
};

}  // namespace lockscope::testing
