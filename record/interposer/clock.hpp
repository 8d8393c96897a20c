// The interposer's clock: one read per timestamp on the hot path. The TSC
// (rdtsc, about 18 ns on this class of VM, no syscall, no vDSO page) when
// /proc/cpuinfo says it is invariant (constant_tsc and nonstop_tsc: same
// rate on every core, never stopped in idle states), otherwise
// clock_gettime(CLOCK_MONOTONIC). Ticks are turned into nanoseconds offline,
// by the reader, with the calibration the end record carries.
#pragma once

#include <cstdint>
#include <ctime>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace lockscope::record::interposer {

// Set once by the constructor, before any thread records.
extern bool g_use_tsc;

inline std::uint64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<std::uint64_t>(ts.tv_nsec);
}

inline std::uint64_t now_ticks() {
#if defined(__x86_64__)
  if (__builtin_expect(g_use_tsc, 1)) return __rdtsc();
#endif
  return monotonic_ns();
}

// A (ticks, ns) pair read as close together as one clock_gettime allows:
// the TSC is read on both sides of the monotonic read and averaged.
struct ClockSample {
  std::uint64_t ticks = 0;
  std::uint64_t ns = 0;
};
ClockSample sample_clocks();

// True when /proc/cpuinfo lists both constant_tsc and nonstop_tsc, and the
// user did not ask for the fallback (LOCKSCOPE_RECORD_CLOCK=monotonic).
bool tsc_is_usable();

}  // namespace lockscope::record::interposer
