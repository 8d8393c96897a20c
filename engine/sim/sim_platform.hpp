// SimPlatform: the platform policy on the simulated machine. The same lock
// templates that bench runs on RealPlatform run here; every atomic access is
// a coherence-model access, blocking is SimGrid's, and the current context
// is the calling worker's, and so is the current node: its core's socket or
// last-level-cache domain, from the machine's topology in the cost model.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

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

  // A full fence: its cost, and in tso the store buffer drains first.
  static void fence() { SimWorld::current().fence(); }
  // A compiler barrier costs nothing on any core.
  static void light_barrier() {}
  // membarrier(2): interrupts every core; the caller waits for all of them
  // (in tso, for every core's store buffer to drain).
  static void heavy_barrier() { SimWorld::current().heavy_barrier(); }
  static bool heavy_barrier_available() { return true; }
  static const char* heavy_barrier_unavailable_reason() { return ""; }
  static lockimpl::ContextId current_context() { return SimWorld::current().self().context; }
  static std::uint32_t node_count(lockimpl::NodeLevel level) {
    const std::vector<std::uint32_t>& nodes = node_table(SimWorld::current(), level);
    return nodes.empty() ? 1 : *std::max_element(nodes.begin(), nodes.end()) + 1;
  }
  // The worker's core, looked up in the topology: one L1 hit's worth of time
  // (a real reader pays a vDSO getcpu and a table load).
  static std::uint32_t current_node(lockimpl::NodeLevel level) {
    SimWorld& world = SimWorld::current();
    const std::vector<std::uint32_t>& nodes = node_table(world, level);
    const unsigned core = world.self().core;
    world.charge(world.directory().costs().l1_hit);
    return core < nodes.size() ? nodes[core] : 0;
  }

  // The calling worker's own clock: SimGrid's plus the work it has been
  // charged lazily and not yet synchronized (SimWorld::now()), after the
  // read itself is charged (SimCosts::clock_read; the time read is the
  // read's end). No coherence access and no simcall. Outside a run
  // (building a lock) SimGrid's clock, free.
  static std::int64_t now_ns() {
    SimWorld& world = SimWorld::current();
    if (!world.running()) return static_cast<std::int64_t>(SimWorld::clock() / 1000);
    if (const Picos cost = world.costs().clock_read; cost != 0) world.charge(cost);
    return static_cast<std::int64_t>(world.now() / 1000);
  }
  // The worker's id (the replay's worker index; the test harness's 0, 1, ...).
  static std::uint32_t current_worker() { return SimWorld::current().self().id; }
  // A spin iteration: charge a pause and let other workers run (a
  // coroutine of the same context first: the event loop polls).
  static void cpu_relax() {
    SimWorld& world = SimWorld::current();
    world.charge(world.costs().pause);
    world.sync();
    world.switch_point();
  }

 private:
  static const std::vector<std::uint32_t>& node_table(SimWorld& world, lockimpl::NodeLevel level) {
    const coherence::CostModel& costs = world.directory().costs();
    return level == lockimpl::NodeLevel::socket ? costs.socket_of : costs.cache_of;
  }
};

static_assert(lockimpl::Platform<SimPlatform>);

}  // namespace lockscope::engine::sim
