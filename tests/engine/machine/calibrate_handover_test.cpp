#include "engine/machine/calibrate_handover.hpp"

#include <gtest/gtest.h>

#include "engine/machine/machine.hpp"
#include "engine/study/microbenchmark.hpp"

namespace lockscope::engine::machine {
namespace {

// A two-core machine with this VM's figures of 2026-12-06: 31.4 ns between
// the cores, a fence 1.5 ns, a hit 1.08 ns.
Machine two_cores(double line_hold_ns) {
  MachineParameters p;
  p.name = "two";
  p.l1_hit_ns = 1.08;
  p.fence_ns = 1.5;
  Machine m = make_machine(p, {"a", "b"}, {0, 31.4, 31.4, 0});
  m.line_hold_ns = line_hold_ns;
  return m;
}

// The fitted hold is the one at which the simulator's own hammered counter
// (two cores, fetch_add back to back: the study's contended FAI) runs at
// the measured rate, for counters faster than one transfer per RMW.
TEST(LineHoldFit, TheSimulatedCounterRunsAtTheMeasuredRate) {
  const double transfer = 31.4;
  const double local = 1.5 + 1.08;
  for (const double ns_per_rmw : {4.8, 8.6, 15.9}) {
    const double hold = fit_line_hold_ns(ns_per_rmw, transfer, local);
    EXPECT_GT(hold, 0) << ns_per_rmw;
    auto r = study::contended_throughput(two_cores(hold), 2, study::Op::fai);
    ASSERT_TRUE(r.has_value()) << r.error();
    const double simulated_ns_per_rmw = 1e9 / r->ops_per_sec;
    // Batches hold whole RMWs, so the rate is matched to within one RMW
    // per batch, not exactly.
    EXPECT_NEAR(simulated_ns_per_rmw, ns_per_rmw, 0.15 * ns_per_rmw) << "hold " << hold << " ns";
  }
  // With no hold the line moves on every RMW: one transfer each.
  auto eager = study::contended_throughput(two_cores(0), 2, study::Op::fai);
  ASSERT_TRUE(eager.has_value()) << eager.error();
  EXPECT_NEAR(1e9 / eager->ops_per_sec, transfer, 0.1 * transfer);
}

TEST(LineHoldFit, NoBatchingNoHoldAndAnOwnedLinesSpeedIsBounded) {
  // Slower than a transfer per RMW: nothing to explain by holding.
  EXPECT_EQ(fit_line_hold_ns(40, 31.4, 2.58), 0);
  EXPECT_EQ(fit_line_hold_ns(31.4, 31.4, 2.58), 0);
  // As fast as an RMW on an owned line (or faster): ten transfers.
  EXPECT_EQ(fit_line_hold_ns(2.58, 31.4, 2.58), 314);
  EXPECT_EQ(fit_line_hold_ns(1, 31.4, 2.58), 314);
  // Nonsense in, no hold out.
  EXPECT_EQ(fit_line_hold_ns(0, 31.4, 2.58), 0);
  EXPECT_EQ(fit_line_hold_ns(5, 0, 2.58), 0);
}

// The wake-up curve is the relay's wake-up at the shortest idle plus what
// each longer idle adds to the bare notify-to-running time; a noisy point
// below an earlier one does not make a longer idle wake faster.
TEST(WakeCurve, TheRelaysWakeUpPlusWhatALongerIdleAdds) {
  EXPECT_EQ(wake_curve(15'000, {11'700, 16'000, 18'700, 25'000, 32'400}),
            (std::vector<double>{15'000, 19'300, 22'000, 28'300, 35'700}));
  EXPECT_EQ(wake_curve(15'000, {11'700, 11'000, 13'700}), (std::vector<double>{15'000, 15'000, 17'000}));
  EXPECT_EQ(wake_curve(15'000, {11'700, 20'000, 19'000}), (std::vector<double>{15'000, 23'300, 23'300}));
}

}  // namespace
}  // namespace lockscope::engine::machine
