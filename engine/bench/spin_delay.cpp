#include "engine/bench/spin_delay.hpp"

#include <algorithm>
#include <chrono>

namespace lockscope::engine::bench {

SpinDelay SpinDelay::calibrate() {
  using Clock = std::chrono::steady_clock;
  // The counter's rate: ticks over 4 ms of steady_clock, the median of five
  // rounds (a preemption inside a round moves both clocks alike; the median
  // only guards against a migration between CPUs whose counters differ).
  double rates[5];
  for (double& rate : rates) {
    const auto start = Clock::now();
    const std::uint64_t t0 = ticks();
    auto now = start;
    while (now - start < std::chrono::milliseconds(4)) now = Clock::now();
    const std::uint64_t t1 = ticks();
    const auto ns = std::chrono::duration<double, std::nano>(now - start).count();
    rate = static_cast<double>(t1 - t0) / std::max(ns, 1.0);
  }
  std::sort(std::begin(rates), std::end(rates));
  // How far past its deadline a delay ends: a read of the counter, the
  // compare and the return (10-15 ns here). Measured on 200 ns delays with
  // no correction, the median of five batches of 2,000; later delays end
  // that much earlier.
  const SpinDelay raw(rates[2], 0);
  constexpr std::uint64_t kNs = 200;
  constexpr int kDelays = 2000;
  double over[5];
  for (double& o : over) {
    const std::uint64_t t0 = ticks();
    for (int i = 0; i < kDelays; ++i) raw.spin(kNs);
    o = static_cast<double>(ticks() - t0) / kDelays - static_cast<double>(kNs) * raw.ticks_per_ns();
  }
  std::sort(std::begin(over), std::end(over));
  return SpinDelay(std::max(rates[2], 1e-3), std::max(over[2], 0.0));
}

}  // namespace lockscope::engine::bench
