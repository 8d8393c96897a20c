#include "engine/bench/spin_delay.hpp"

#include <algorithm>
#include <chrono>
#include <vector>

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
  // no correction, each delay on its own, the median of 10,000; later
  // delays end that much earlier. (The mean of batches of delays took in
  // any preemption of the thread inside a batch: on a busy host three of
  // five batches were hit, the overshoot came out 20-40 ns, and a whole
  // validate suite held its 100 ns sections for about 80.)
  const SpinDelay raw(rates[2], 0);
  constexpr std::uint64_t kNs = 200;
  constexpr int kDelays = 10'000;
  // Each delay is timed between two reads of the counter, which a delay
  // between loop turns does not have: the median of two reads back to back
  // comes off.
  const auto median = [](std::vector<double>& v) {
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
    return v[v.size() / 2];
  };
  std::vector<double> reads(kDelays);
  for (double& r : reads) {
    const std::uint64_t t0 = ticks();
    r = static_cast<double>(ticks() - t0);
  }
  const double read = median(reads);
  const double want = static_cast<double>(kNs) * raw.ticks_per_ns();
  std::vector<double> over(kDelays);
  for (double& o : over) {
    const std::uint64_t t0 = ticks();
    raw.spin(kNs);
    o = static_cast<double>(ticks() - t0) - want - read;
  }
  return SpinDelay(std::max(rates[2], 1e-3), std::max(median(over), 0.0));
}

}  // namespace lockscope::engine::bench
