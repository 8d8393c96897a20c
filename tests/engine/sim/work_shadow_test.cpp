// Work in the shadow of a miss (SimCosts::ooo_window, docs/simulator.md):
// an out-of-order core runs the work after an access while the access
// still waits for its line, so a hold right after a miss ends at
// max(the miss's end, its start + the hold), not at their sum.
#include <gtest/gtest.h>

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "engine/replay/replay.hpp"
#include "engine/sim/sim_session.hpp"
#include "tests/engine/replay/in_child.hpp"
#include "tests/engine/sim/sim_test_util.hpp"

namespace lockscope::engine::sim {
namespace {

using lockscope::testing::in_child;
using testing::two_speed;

constexpr Picos kHold = 100'000;  // 100 ns of work
// two_speed's memory: a line nobody holds costs 90 ns to fetch.
constexpr Picos kMemory = 90'000;

// One worker: what `steps` leaves as its time (ns), with a window of `window`.
template <class Steps>
std::string time_after(Picos window, Steps steps) {
  return in_child([window, steps] {
    SimCosts s;
    s.fence = 0;
    s.ooo_window = window;
    Picos end = 0;
    run_simulation(two_speed(2, 2, 50'000, 50'000), s, [&](SimWorld& world, const SimHosts& /*hosts*/) {
      const coherence::LineId a = world.directory().line_at(0x1000, "a");
      const coherence::LineId b = world.directory().line_at(0x2000, "b");
      steps(world, a, b);
      end = world.now();
    });
    return std::to_string(end / 1000);
  }).out;
}

void miss_then_hold(SimWorld& world, coherence::LineId a, coherence::LineId /*b*/) {
  world.access(a, coherence::Access::rmw, lockimpl::MemoryOrder::seq_cst);
  world.work(kHold);
}

TEST(WorkShadow, AHoldRightAfterAMissOverlapsIt) {
  // The miss (90 ns from memory) runs under the hold: 100 ns in all.
  EXPECT_EQ(time_after(200'000, miss_then_hold), "100");
  // A window smaller than the miss hides that much of it.
  EXPECT_EQ(time_after(30'000, miss_then_hold), "160");
}

TEST(WorkShadow, WithoutAWindowWorkStartsWhenTheMissEnds) {
  // The presets: in order, as before the window existed.
  EXPECT_EQ(time_after(0, miss_then_hold), "190");
}

TEST(WorkShadow, AShortHoldEndsWhenTheMissDoes) {
  // The work cannot end the miss early: 20 ns of it end inside the 90.
  EXPECT_EQ(time_after(200'000, [](SimWorld& world, coherence::LineId a, coherence::LineId /*b*/) {
              world.access(a, coherence::Access::rmw, lockimpl::MemoryOrder::seq_cst);
              world.work(20'000);
            }),
            "90");
}

TEST(WorkShadow, TwoOutstandingMissesAreBothOverlapped) {
  // Two misses one after another (180 ns) and a hold of 200: the hold began
  // with the first.
  EXPECT_EQ(time_after(500'000, [](SimWorld& world, coherence::LineId a, coherence::LineId b) {
              world.access(a, coherence::Access::rmw, lockimpl::MemoryOrder::seq_cst);
              world.access(b, coherence::Access::rmw, lockimpl::MemoryOrder::seq_cst);
              world.work(200'000);
            }),
            "200");
}

TEST(WorkShadow, HitsAloneCastNoShadow) {
  // The line is here after the first access; hits and work then add up.
  EXPECT_EQ(time_after(200'000, [](SimWorld& world, coherence::LineId a, coherence::LineId /*b*/) {
              world.access(a, coherence::Access::rmw, lockimpl::MemoryOrder::seq_cst);
              world.work(kHold);  // takes the miss's shadow: 100
              world.access(a, coherence::Access::rmw, lockimpl::MemoryOrder::seq_cst);  // a 1 ns hit
              world.work(kHold);
            }),
            "201");
}

TEST(WorkShadow, WorkTakesTheShadowOnce) {
  // Two works after one miss: the first overlaps it, the second follows.
  EXPECT_EQ(time_after(200'000, [](SimWorld& world, coherence::LineId a, coherence::LineId /*b*/) {
              world.access(a, coherence::Access::rmw, lockimpl::MemoryOrder::seq_cst);
              world.work(20'000);
              world.work(20'000);
            }),
            "110");
}

TEST(WorkShadow, AnythingElseInBetweenEndsTheShadow) {
  // Other time in between (here plain charged time, as a clock read or a
  // pause is) is not work that overlaps: the hold follows it.
  EXPECT_EQ(time_after(200'000, [](SimWorld& world, coherence::LineId a, coherence::LineId /*b*/) {
              world.access(a, coherence::Access::rmw, lockimpl::MemoryOrder::seq_cst);
              world.charge(5'000);
              world.work(kHold);
            }),
            "195");
  // Even when it costs nothing: a charge is not work.
  EXPECT_EQ(time_after(200'000, [](SimWorld& world, coherence::LineId a, coherence::LineId /*b*/) {
              world.access(a, coherence::Access::rmw, lockimpl::MemoryOrder::seq_cst);
              world.charge(0);
              world.work(kHold);
            }),
            "190");
}

TEST(WorkShadow, AMoveToAnotherCoreEndsTheShadow) {
  // A move is a trip through the kernel (serializing), even when the new
  // core is free and the move itself costs no simulated time.
  EXPECT_EQ(time_after(200'000, [](SimWorld& world, coherence::LineId a, coherence::LineId /*b*/) {
              world.access(a, coherence::Access::rmw, lockimpl::MemoryOrder::seq_cst);
              world.move_to(1, 1);
              world.work(kHold);
            }),
            "190");
}

// A trace replayed on central, two cores 30 ns apart, with an out-of-order
// window: its simulated time and its lock operations per simulated second.
struct Central {
  std::uint64_t sim_ns = 0;
  double ops_per_sec = 0;
};
Central on_central(const traces::WorkloadTrace& t, Picos window) {
  const std::string out = in_child([&t, window] {
    replay::ReplayOptions o;
    o.lock = "central";
    o.costs = two_speed(2, 2, 30'000, 30'000);
    o.sim_costs.ooo_window = window;
    const replay::ReplayResult r = replay::replay(t, o);
    if (!r.error.empty() || r.deadlock) return std::string("error ") + r.error;
    return std::to_string(r.sim_time_ps / 1000) + " " + std::to_string(r.throughput_ops_per_sim_sec());
  }).out;
  Central c;
  if (out.starts_with("error") || !(std::istringstream(out) >> c.sim_ns >> c.ops_per_sec)) ADD_FAILURE() << out;
  return c;
}

// One worker alone: its first acquisition misses (the line comes from
// memory); the simulated time of `ops`, in ns.
std::uint64_t alone(Picos window, const std::vector<traces::Op>& ops) {
  traces::WorkloadTrace t;
  t.initial_contexts = 1;
  traces::WorkerPlan p;
  p.initial_context = 0;
  p.ops = ops;
  t.workers = {p};
  return on_central(t, window).sim_ns;
}

TEST(WorkShadow, AHoldRunsUnderTheAcquisitionAndAThinkDoesNot) {
  using traces::OpKind;
  const std::vector<traces::Op> hold = {{OpKind::read_acquire}, {OpKind::hold, 100}, {OpKind::read_release}};
  const std::vector<traces::Op> think = {{OpKind::read_acquire}, {OpKind::read_release}, {OpKind::think, 100}};
  // The hold right after the acquisition's miss runs under it...
  EXPECT_LT(alone(200'000, hold) + 50, alone(0, hold));
  // ...a think after the release (a hit) is charged in full: validate's
  // think carries the clock reads that time a wait.
  EXPECT_EQ(alone(200'000, think), alone(0, think));
}

// Two workers on two cores taking one counter line in turn (read only),
// each holding for 100 ns: lock operations per simulated second.
double two_readers(Picos window) {
  traces::WorkloadTrace t;
  t.initial_contexts = 2;
  for (unsigned w = 0; w < 2; ++w) {
    traces::WorkerPlan p;
    p.initial_context = w;
    for (int i = 0; i < 200; ++i) {
      p.ops.push_back({traces::OpKind::read_acquire});
      p.ops.push_back({traces::OpKind::hold, 100});
      p.ops.push_back({traces::OpKind::read_release});
    }
    t.workers.push_back(std::move(p));
  }
  return on_central(t, window).ops_per_sec;
}

TEST(WorkShadow, ReadersOfOneCounterHideItsTransfersUnderTheirHolds) {
  // In order, each section waits for the counter's transfer (30 ns) before
  // its 100 ns, and the release waits for it to come back; with a window
  // both transfers run under the sections, and two readers come close to
  // twice one reader's 10 M/s.
  const double in_order = two_readers(0);
  const double overlapped = two_readers(100'000);
  ASSERT_GT(in_order, 0);
  EXPECT_GT(overlapped, in_order * 1.15) << in_order << " " << overlapped;
  EXPECT_LT(in_order, 15e6) << in_order;
  EXPECT_GT(overlapped, 16e6) << overlapped;
}

}  // namespace
}  // namespace lockscope::engine::sim
