// SpinDelay: busy-waits for a number of nanoseconds of wall time, by a
// deadline on the CPU's cycle counter (the invariant TSC on x86, which
// counts at a fixed rate whatever the core's clock; steady_clock
// elsewhere). A critical section of 100 ns then lasts 100 ns even when the
// core runs slower than it did at calibration: on a shared VM a hyperthread
// sibling or a frequency change can halve a core's speed for milliseconds,
// and an iteration-count loop calibrated once then held 100 ns sections
// for 200 ns (validate's one-thread cs100 cases came out 80-200 % slower
// than their replay; docs/fidelity.md).
//
// The counter is read once per loop iteration (~10 ns on the development
// VM), so a delay ends after its deadline by up to a read, plus the compare
// and the return; calibrate() measures that overshoot (the median delay's,
// so that a preemption while it measures does not count) and the deadline
// is brought forward by it, so that a typical delay lasts `ns`.
#pragma once

#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#else
#include <chrono>
#endif

namespace lockscope::engine::bench {

class SpinDelay {
 public:
  // Measures the counter's ticks per nanosecond against steady_clock and
  // how far past its deadline a delay ends (takes ~25 ms).
  static SpinDelay calibrate();
  explicit SpinDelay(double ticks_per_ns, double overshoot_ticks = 0)
      : ticks_per_ns_(ticks_per_ns), overshoot_ticks_(overshoot_ticks) {}

  void spin(std::uint64_t ns) const {
    if (ns == 0) return;
    const double want = static_cast<double>(ns) * ticks_per_ns_ - overshoot_ticks_;
    const std::uint64_t start = ticks();
    if (want <= 0) return;
    const auto length = static_cast<std::uint64_t>(want);
    while (ticks() - start < length) {
      asm volatile("" ::: "memory");  // touches no shared line
    }
  }
  [[nodiscard]] double ticks_per_ns() const { return ticks_per_ns_; }
  [[nodiscard]] double overshoot_ticks() const { return overshoot_ticks_; }

  // The counter the deadline is kept on.
  static std::uint64_t ticks() {
#if defined(__x86_64__) || defined(__i386__)
    return __rdtsc();
#else
    return static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
#endif
  }

 private:
  double ticks_per_ns_;
  double overshoot_ticks_;
};

}  // namespace lockscope::engine::bench
