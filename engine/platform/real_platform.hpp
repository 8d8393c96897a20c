// RealPlatform: the platform policy on this machine's hardware threads.
// Fences are the compiler's (GCC emits `lock or $0,(%rsp)` on x86-64, the
// cheapest full barrier); the heavy barrier is membarrier(2)'s private
// expedited command; the current context is set by whoever runs a worker.
#pragma once

#include <sched.h>

#include <atomic>
#include <chrono>
#include <cstdint>

#include "engine/platform/cpu_topology.hpp"
#include "engine/platform/real_atomic.hpp"
#include "engine/platform/real_wait_queue.hpp"
#include "engine/platform/real_waiter.hpp"
#include "lockimpl/platform.hpp"

namespace lockscope::engine::platform {

struct RealPlatform {
  template <class T>
  using Atomic = RealAtomic<T>;
  using Mutex = RealMutex;
  using WaitQueue = RealWaitQueue;
  using Waiter = RealWaiter;

  static void fence() { std::atomic_thread_fence(std::memory_order_seq_cst); }
  static void light_barrier() { std::atomic_signal_fence(std::memory_order_seq_cst); }
  // membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED). Aborts if unavailable:
  // callers check heavy_barrier_available() first.
  static void heavy_barrier();
  // Registers this process for private expedited membarrier on first call;
  // false where the kernel (or a sandbox) does not offer it.
  static bool heavy_barrier_available();
  // Why heavy_barrier_available() is false, for the message the user sees.
  static const char* heavy_barrier_unavailable_reason();

  static lockimpl::ContextId current_context() { return current_context_; }
  static void set_current_context(lockimpl::ContextId ctx) { current_context_ = ctx; }

  static std::uint32_t node_count(lockimpl::NodeLevel level) { return cpu_topology().node_count(level); }
  static std::uint32_t current_node(lockimpl::NodeLevel level) {
    return cpu_topology().node_of(sched_getcpu(), level);
  }

  // The steady clock (clock_gettime(CLOCK_MONOTONIC) through the vDSO).
  static std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }

  // Numbered on first use, 0, 1, 2, ... in the order threads ask, unless
  // set_current_worker named the thread first.
  static std::uint32_t current_worker() {
    if (worker_ == kNoWorker) {
      // relaxed: only uniqueness matters, which the RMW gives.
      worker_ = next_worker_.fetch_add(1, std::memory_order_relaxed);
    }
    return worker_;
  }

  // Names the calling thread worker `id` from now on. Bench and stress
  // number each run's workers 0 .. n-1 with it, as the simulator numbers
  // its actors: counted across runs instead, the ids (and so the BRAVO
  // slots hashed from them) would depend on a run's place in a list of
  // locks. Threads that use one lock at the same time must have different ids.
  static void set_current_worker(std::uint32_t id) { worker_ = id; }

  static void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield" ::: "memory");
#endif
  }

 private:
  static constexpr std::uint32_t kNoWorker = ~std::uint32_t{0};
  static constinit inline thread_local lockimpl::ContextId current_context_ = 0;
  static constinit inline thread_local std::uint32_t worker_ = kNoWorker;
  static constinit inline std::atomic<std::uint32_t> next_worker_{0};
};

static_assert(lockimpl::Platform<RealPlatform>);

}  // namespace lockscope::engine::platform
