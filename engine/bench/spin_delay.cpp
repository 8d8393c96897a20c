#include "engine/bench/spin_delay.hpp"

#include <algorithm>
#include <chrono>

namespace lockscope::engine::bench {

SpinDelay SpinDelay::calibrate() {
  using Clock = std::chrono::steady_clock;
  constexpr std::uint64_t kIterations = 2'000'000;
  double best = 0;
  // The fastest of a few rounds: preemption only ever makes a round slower.
  for (int round = 0; round < 5; ++round) {
    const auto start = Clock::now();
    run(kIterations);
    const auto ns = std::chrono::duration<double, std::nano>(Clock::now() - start).count();
    best = std::max(best, static_cast<double>(kIterations) / std::max(ns, 1.0));
  }
  return SpinDelay(best);
}

}  // namespace lockscope::engine::bench
