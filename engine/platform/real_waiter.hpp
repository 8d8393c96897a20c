// RealWaiter: QEMU's AioWait (AIO_WAIT_WHILE / aio_wait_kick) on real
// threads. The waiter re-evaluates its condition only when kicked; a kick
// that nobody waits for costs a fence and one read of a shared,
// rarely-written line (QEMU's num_waiters), so readers that kick on every
// rdunlock (UnlockKick::always) do not bounce a line while no writer waits.
//
// Ordering legend
//   [K1] kick(): fence, then read waiters_. Pairs with [K2].
//   [K2] wait_while(): waiters_++, a full fence, then evaluate the
//        condition. Store-buffering: either the kicker sees a waiter and
//        bumps the epoch, or the waiter's evaluation sees the kicker's
//        earlier writes (the condition change). The fence, not just a
//        seq_cst RMW, is what orders the later acquire loads in C++.
//   [K3] kick's epoch bump (release) pairs with [K4], the waiter's acquire
//        read of the epoch before it evaluates the condition: a waiter that
//        sees the bump sees what the kicker wrote before it.
#pragma once

#include <atomic>
#include <cstdint>

namespace lockscope::engine::platform {

class RealWaiter {
 public:
  RealWaiter() = default;
  explicit RealWaiter(lockimpl::LineName /*name*/) {}  // the simulator's; unused here
  template <class Pred>
  void wait_while(Pred pred) {
    waiters_.fetch_add(1, std::memory_order_relaxed);  // ordered by [K2] below
    std::atomic_thread_fence(std::memory_order_seq_cst);  // [K2] pairs with [K1] in kick()
    for (;;) {
      const std::uint32_t seen = epoch_.load(std::memory_order_acquire);  // [K4] pairs with [K3]
      if (!pred()) break;
      epoch_.wait(seen, std::memory_order_acquire);  // [K4] pairs with [K3]
    }
    // relaxed: only a hint that lets kick() skip the wake-up when it is 0.
    waiters_.fetch_sub(1, std::memory_order_relaxed);
  }

  void kick() {
    std::atomic_thread_fence(std::memory_order_seq_cst);  // [K1] pairs with [K2]: QEMU's smp_mb() in aio_wait_kick
    // relaxed: ordered by [K1].
    if (waiters_.load(std::memory_order_relaxed) == 0) return;
    epoch_.fetch_add(1, std::memory_order_release);  // [K3] pairs with [K4]
    epoch_.notify_all();
  }

 private:
  alignas(64) std::atomic<std::uint32_t> waiters_{0};
  alignas(64) std::atomic<std::uint32_t> epoch_{0};
};

}  // namespace lockscope::engine::platform
