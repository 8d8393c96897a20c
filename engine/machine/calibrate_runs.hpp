// What every calibration measurement shares: timing a stretch, keeping the
// median or the fastest of several runs, and starting two threads pinned to
// two CPUs together. Real threads and clocks: for calibrate only.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <expected>
#include <string>
#include <thread>
#include <vector>

#include "engine/bench/cpu_affinity.hpp"

namespace lockscope::engine::machine::calibration {

using Clock = std::chrono::steady_clock;

inline double ns_since(Clock::time_point start) {
  return std::chrono::duration<double, std::nano>(Clock::now() - start).count();
}

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
}

// The median of `runs` runs: for a cost whose spread is its own (a system
// call's IPIs), not only the machine's noise.
template <class F>
double median_of(unsigned runs, F&& run) {
  std::vector<double> v;
  for (unsigned r = 0; r < std::max(runs, 1U); ++r) v.push_back(run());
  return median(std::move(v));
}

// The fastest of a few runs: preemption and frequency ramps only ever make a
// run slower, and this is a shared machine.
template <class F>
double fastest_of(unsigned runs, F&& run) {
  double best = run();
  for (unsigned r = 1; r < runs; ++r) best = std::min(best, run());
  return best;
}

// Runs body(0) on cpu_a and body(1) on cpu_b, started together once both
// are pinned; if either could not pin, neither body runs and the error
// says so.
template <typename Body>
std::expected<void, std::string> run_pair(int cpu_a, int cpu_b, Body&& body) {
  std::atomic<int> arrived{0};
  std::atomic<bool> pin_failed{false};
  auto side = [&](int id, int cpu) {
    if (!bench::pin_current_thread(cpu)) pin_failed.store(true);
    arrived.fetch_add(1);
    while (arrived.load() < 2) {
    }
    if (!pin_failed.load()) body(id);
  };
  std::thread a(side, 0, cpu_a);
  std::thread b(side, 1, cpu_b);
  a.join();
  b.join();
  if (pin_failed.load()) {
    return std::unexpected(
        fmt::format("cannot pin a thread to CPU {} or CPU {} (sched_setaffinity refused)", cpu_a, cpu_b));
  }
  return {};
}

}  // namespace lockscope::engine::machine::calibration
