// membarrier(2) private expedited interrupts only the cores that run a
// thread of the process (SimWorld::heavy_barrier_cost): a writer of an
// asymmetric-fence lock alone on the machine pays a system call, one with
// another core running pays the barrier.
#include <gtest/gtest.h>

#include <cstdint>
#include <sstream>
#include <string>

#include "engine/replay/replay.hpp"
#include "tests/engine/replay/in_child.hpp"
#include "tests/engine/sim/sim_test_util.hpp"

namespace lockscope::engine::sim {
namespace {

using lockscope::testing::in_child;
using testing::two_speed;

// The longest write wait of `trace` on graph-asym with a 50 us barrier (and
// `alone` without another core running; 0: the 500 ns system call).
std::uint64_t longest_write_wait(const traces::WorkloadTrace& trace, Picos alone = 0) {
  const std::string out = in_child([&] {
    replay::ReplayOptions o;
    o.lock = "graph-asym";
    o.costs = two_speed(2, 2, 50'000, 50'000);
    o.sim_costs.heavy_barrier = 50'000'000;
    o.sim_costs.heavy_barrier_alone = alone;
    o.sim_costs.syscall = 500'000;
    const replay::ReplayResult r = replay::replay(trace, o);
    if (!r.error.empty() || r.deadlock || r.violations != 0) return std::string("error ") + r.error;
    return std::to_string(r.write_wait_ns.max);
  }).out;
  if (out.starts_with("error")) ADD_FAILURE() << out;
  return out.starts_with("error") ? 0 : std::stoull(out);
}

traces::WorkerPlan writer(unsigned writes) {
  traces::WorkerPlan p;
  p.initial_context = 0;
  for (unsigned i = 0; i < writes; ++i) {
    p.ops.push_back({traces::OpKind::write_acquire});
    p.ops.push_back({traces::OpKind::hold, 10});
    p.ops.push_back({traces::OpKind::write_release});
    p.ops.push_back({traces::OpKind::think, 100});
  }
  return p;
}

TEST(HeavyBarrier, AloneTheWriterPaysASystemCall) {
  traces::WorkloadTrace t;
  t.initial_contexts = 2;
  t.workers = {writer(5)};
  const std::uint64_t wait = longest_write_wait(t);
  EXPECT_GE(wait, 500U) << "at least the system call";
  EXPECT_LT(wait, 50'000U) << "no core to interrupt";
}

// A machine file's heavy_barrier_alone_ns: what membarrier costs with no
// IPI to send (the kernel's walk over the CPUs), measured apart.
TEST(HeavyBarrier, AloneTheWriterPaysTheMeasuredBarrierWhenTheMachineHasOne) {
  traces::WorkloadTrace t;
  t.initial_contexts = 2;
  t.workers = {writer(5)};
  const std::uint64_t wait = longest_write_wait(t, 5'000'000);
  EXPECT_GE(wait, 5'000U) << "the measured barrier alone";
  EXPECT_LT(wait, 50'000U) << "no core to interrupt";
}

TEST(HeavyBarrier, WithAnotherCoreRunningTheWriterPaysTheBarrier) {
  traces::WorkloadTrace t;
  t.initial_contexts = 2;
  traces::WorkerPlan busy;  // runs on the other core all along, outside the lock
  busy.initial_context = 1;
  busy.ops = {{traces::OpKind::think, 2'000'000}};
  t.workers = {writer(5), busy};
  EXPECT_GE(longest_write_wait(t), 50'000U);
}

}  // namespace
}  // namespace lockscope::engine::sim
