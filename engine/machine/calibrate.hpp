// Calibration: measuring this machine as a Machine, for `lockscope calibrate`.
//
// Core-to-core latency is measured the way nviennot's core-to-core-latency
// measures it by default, so a calibrated matrix and an imported CSV mean the
// same thing: two threads pinned to CPUs i and j bounce one cache-line-aligned
// flag with compare-exchange (each CAS takes the line exclusive); one way is
// a round trip / 2. Each pair runs `samples` timed runs of `round_trips`
// round trips after one untimed warm-up run, and keeps the median run. Pairs
// are measured once (i < j) and used both ways.
//
// The single costs:
//   clock_ghz         a chain of dependent integer adds (one cycle each);
//   l1_hit_ns         a chain of dependent loads from one local line;
//   fence_ns          a relaxed store plus std::atomic_thread_fence(seq_cst),
//                     minus the store alone (RealPlatform::fence());
//   memory_ns         a dependent-load chase through a random cycle over
//                     memory_bytes (TLB misses included);
//   heavy_barrier_ns  RealPlatform::heavy_barrier() (membarrier(2) private
//                     expedited) while a thread spins on every other CPU, so
//                     that each one takes the IPI.
// Each is the fastest of a few runs (preemption and clock ramps only ever
// slow a run down, and this may be a shared machine). Where membarrier is
// unavailable or memory_bytes is 0, the MachineParameters default is kept and
// a progress line says so.
//
// Per-state access costs (Machine::access), in the manner of ccbench (David,
// Guerraoui, Trigonakis, SOSP 2013): at the nearest pair of CPUs, the other
// CPU (and, for k > 1 sharers, the CPUs nearest the tester) put one line
// Modified, Exclusive, Shared by k = 1..min(CPUs - 1, 4) cores, or flush it
// to memory (clflush); then the tester times one load, store (plus mfence)
// or fetch_add with rdtsc. Each is the median run's mean over
// `access_samples` accesses in 9 runs (rdtsc steps coarsely on some CPUs, so
// single accesses are averaged), minus the same for the access on a line the
// tester holds Modified (timer, fence and locked-instruction overhead), plus
// l1_hit_ns. The pair's
// matrix latency is stored as their reference. The farthest pair, when
// clearly farther, is measured and reported in a progress line only; a CAS
// on a Modified line likewise. x86 only (rdtsc, clflush); elsewhere a
// progress line says they were not measured.
//
// Handover costs (Machine::line_hold_ns, Scheduler::wake_ns), at the nearest
// pair too: calibrate_handover.hpp says how.
//
// Not for the simulated world: it reads clocks and spins real threads.
#pragma once

#include <cstddef>
#include <expected>
#include <functional>
#include <string>
#include <vector>

#include "engine/machine/machine.hpp"

namespace lockscope::engine::machine {

struct CalibrationOptions {
  std::vector<int> cpus;                     // empty: every CPU this process may use
  unsigned samples = 7;                      // timed runs per pair (>= 1); the median is kept
  unsigned round_trips = 1000;               // round trips per run (>= 1)
  std::size_t memory_bytes = std::size_t{64} << 20;  // 0: keep the default memory_ns
  unsigned single_cost_runs = 7;             // runs per single cost; the fastest is kept
  unsigned access_samples = 301;             // timed accesses per state (median); 0: skip
};

// Called with one line at a time, e.g. "CPU 3 <-> CPU 5 (12/28)".
using CalibrationProgress = std::function<void(const std::string&)>;

// The machine is named "this-machine". Fails (one line) with fewer than two
// CPUs, an unknown CPU, or a thread that cannot be pinned.
std::expected<Machine, std::string> calibrate(const CalibrationOptions& options,
                                              const CalibrationProgress& progress = {});

}  // namespace lockscope::engine::machine
