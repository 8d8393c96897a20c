// SpinBarrier: two (or more) threads meet before and after each run of a
// litmus program, so that their halves overlap. Written over P like the
// programs: on real threads it is a spin on a shared line; on the simulator
// its lines move like any other, and its RMW drains the store buffer (an
// x86 locked instruction), so a run's stores are in memory before anyone
// reads the final values.
//
// Sense-reversing: the last to arrive resets the count and bumps the
// generation; the others spin until the generation changes.
//   [B1] the arrival's fetch_add (acq_rel) pairs with the other arrivals':
//        the last one sees every earlier thread's writes before the barrier.
//   [B2] the generation store (release) pairs with [B3], the waiters'
//        acquire load: a waiter that sees the new generation sees all
//        writes made before the barrier by every thread, and the count's
//        reset to 0 (so its own next fetch_add starts from 0).
#pragma once

#include <cstdint>

#include "lockimpl/platform.hpp"

namespace lockscope::engine::litmus {

template <class P>
class SpinBarrier {
 public:
  explicit SpinBarrier(std::uint32_t parties) : parties_(parties) {}

  void arrive_and_wait() {
    using lockimpl::MemoryOrder;
    const std::uint32_t gen = generation_.load(MemoryOrder::acquire);  // [B3] pairs with [B2]
    if (arrived_.fetch_add(1, MemoryOrder::acq_rel) + 1 == parties_) {  // [B1] pairs with [B1]
      // relaxed: published by [B2] below; nobody arrives again before then.
      arrived_.store(0, MemoryOrder::relaxed);
      generation_.store(gen + 1, MemoryOrder::release);  // [B2] pairs with [B3]
      return;
    }
    while (generation_.load(MemoryOrder::acquire) == gen) P::cpu_relax();  // [B3] pairs with [B2]
  }

 private:
  std::uint32_t parties_;
  alignas(lockimpl::kCachelineBytes) typename P::template Atomic<std::uint32_t> arrived_{
      0, lockimpl::LineName{"litmus.barrier.arrived"}};
  alignas(lockimpl::kCachelineBytes) typename P::template Atomic<std::uint32_t> generation_{
      0, lockimpl::LineName{"litmus.barrier.generation"}};
};

}  // namespace lockscope::engine::litmus
