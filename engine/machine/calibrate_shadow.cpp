#include "engine/machine/calibrate_shadow.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>

#include "engine/bench/spin_delay.hpp"
#include "engine/machine/calibrate_runs.hpp"

namespace lockscope::engine::machine {

#if defined(__x86_64__) || defined(__i386__)
namespace {

constexpr int kIterations = 4000;
constexpr double kWaitNs = 400;

// ns per iteration of: flush the line, RMW it (a miss to memory), wait.
double miss_then_wait_ns(double ticks_per_ns, bool fenced) {
  alignas(64) static std::atomic<std::uint64_t> line{0};
  const auto wait = static_cast<std::uint64_t>(kWaitNs * ticks_per_ns);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kIterations; ++i) {
    _mm_clflush(&line);
    _mm_mfence();  // the flush is done before the RMW asks for the line
    line.fetch_add(1, std::memory_order_seq_cst);  // seq_cst: the locked RMW a lock acquisition is
    if (fenced) _mm_lfence();  // the wait starts once the RMW completed
    const std::uint64_t t0 = __rdtsc();
    while (__rdtsc() - t0 < wait) asm volatile("" ::: "memory");
  }
  const std::chrono::duration<double, std::nano> took = std::chrono::steady_clock::now() - start;
  return took.count() / kIterations;
}

}  // namespace

double measure_miss_shadow_ns(unsigned runs) {
  const double ticks_per_ns = bench::SpinDelay::calibrate().ticks_per_ns();
  miss_then_wait_ns(ticks_per_ns, false);  // warm up
  return std::max(0.0, calibration::median_of(runs, [&] {
                    return miss_then_wait_ns(ticks_per_ns, true) - miss_then_wait_ns(ticks_per_ns, false);
                  }));
}
#else
double measure_miss_shadow_ns(unsigned /*runs*/) { return 0; }
#endif

}  // namespace lockscope::engine::machine
