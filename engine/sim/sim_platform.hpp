// SimPlatform: the platform policy on the simulated machine. The same lock
// templates that bench runs on RealPlatform run here; every atomic access is
// a coherence-model access, blocking is SimGrid's, and the current context
// is the calling worker's.
#pragma once

#include <cstdint>

#include "engine/sim/sim_atomic.hpp"
#include "engine/sim/sim_sync.hpp"
#include "engine/sim/sim_world.hpp"
#include "lockimpl/platform.hpp"

namespace lockscope::engine::sim {

struct SimPlatform {
  template <class T>
  using Atomic = SimAtomic<T>;
  using Mutex = SimMutex;
  using WaitQueue = SimWaitQueue;
  using Waiter = SimWaiter;

  static void fence() { SimWorld::current().charge(SimWorld::current().costs().fence); }
  // A compiler barrier costs nothing on any core.
  static void light_barrier() {}
  // membarrier(2): interrupts every core; the caller waits for all of them.
  static void heavy_barrier() {
    SimWorld& world = SimWorld::current();
    world.charge(world.costs().heavy_barrier);
    world.sync();
  }
  static bool heavy_barrier_available() { return true; }
  static const char* heavy_barrier_unavailable_reason() { return ""; }
  static lockimpl::ContextId current_context() { return SimWorld::current().self().context; }
  // The calling worker's own clock: SimGrid's plus the work it has been
  // charged lazily and not yet synchronized (SimWorld::now()). No coherence
  // access and no simcall. Outside a run (building a lock) SimGrid's clock.
  static std::int64_t now_ns() {
    SimWorld& world = SimWorld::current();
    const Picos ps = world.running() ? world.now() : SimWorld::clock();
    return static_cast<std::int64_t>(ps / 1000);
  }
  // The worker's id (the replay's worker index; the test harness's 0, 1, ...).
  static std::uint32_t current_worker() { return SimWorld::current().self().id; }
  // A spin iteration: charge a pause and let other workers run.
  static void cpu_relax() {
    SimWorld& world = SimWorld::current();
    world.charge(world.costs().pause);
    world.sync();
  }
};

static_assert(lockimpl::Platform<SimPlatform>);

}  // namespace lockscope::engine::sim
