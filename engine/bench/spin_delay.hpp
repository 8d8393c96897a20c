// SpinDelay: busy-waits for a number of nanoseconds without reading a clock
// in the loop, so that a critical section of 50 ns costs 50 ns and not 50 ns
// plus two clock reads. Calibrated once per process against steady_clock.
#pragma once

#include <cstdint>

namespace lockscope::engine::bench {

class SpinDelay {
 public:
  // Measures how many loop iterations fit in a nanosecond (takes ~20 ms).
  static SpinDelay calibrate();
  explicit SpinDelay(double iterations_per_ns) : iterations_per_ns_(iterations_per_ns) {}

  void spin(std::uint64_t ns) const {
    if (ns == 0) return;
    run(static_cast<std::uint64_t>(static_cast<double>(ns) * iterations_per_ns_));
  }
  [[nodiscard]] double iterations_per_ns() const { return iterations_per_ns_; }

  static void run(std::uint64_t iterations) {
    for (std::uint64_t i = 0; i < iterations; ++i) {
      asm volatile("" ::: "memory");  // keeps the loop; touches no shared line
    }
  }

 private:
  double iterations_per_ns_;
};

}  // namespace lockscope::engine::bench
