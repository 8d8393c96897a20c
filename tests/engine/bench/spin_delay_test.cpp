#include "engine/bench/spin_delay.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace lockscope::engine::bench {
namespace {

TEST(SpinDelay, CalibrationMeasuresTheCounter) {
  const SpinDelay delay = SpinDelay::calibrate();
  EXPECT_GT(delay.ticks_per_ns(), 0);
  EXPECT_GE(delay.overshoot_ticks(), 0);
  // A read of the counter and a compare take far less than a microsecond,
  // and a few where a hypervisor traps rdtsc; more is a broken calibration.
  EXPECT_LT(delay.overshoot_ticks(), 5000 * delay.ticks_per_ns());
}

// The delay is a deadline on a clock, not a count of iterations: however
// slowly the core runs (preempted, a busy sibling), it never ends early.
// Only the lower bound is checked: a shared machine may stretch any delay.
TEST(SpinDelay, ADelayLastsAtLeastItsLength) {
  const SpinDelay delay = SpinDelay::calibrate();
  for (const std::uint64_t ns : {200'000ULL, 2'000'000ULL}) {
    const auto start = std::chrono::steady_clock::now();
    delay.spin(ns);
    const auto took = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
    // Less the overshoot (the deadline is brought forward by it) and 1 %
    // for the rate measured against steady_clock.
    EXPECT_GE(took, 0.99 * static_cast<double>(ns) - delay.overshoot_ticks() / delay.ticks_per_ns()) << ns << " ns";
  }
}

}  // namespace
}  // namespace lockscope::engine::bench
