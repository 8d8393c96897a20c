// What one bench run does: which lock, how many workers, and the shape of
// each worker's loop (acquire, hold for cs_ns, release, think for think_ns).
#pragma once

#include <cstdint>
#include <string>

namespace lockscope::engine::bench {

struct BenchConfig {
  std::string lock = "graph";
  unsigned threads = 2;
  unsigned write_permille = 0;     // writes per thousand acquisitions
  std::uint64_t cs_ns = 0;         // time held, busy (spinning, not sleeping)
  std::uint64_t think_ns = 0;      // time between release and the next acquire
  std::uint64_t duration_ms = 1000;
  std::uint64_t ops = 0;           // total acquisitions; 0 = run for duration_ms
  std::uint64_t seed = 1;
  // The size of the lock's table, for designs that have one (BRAVO's
  // visible readers: `--lock bravo:slots=N`); 0: the design's default.
  std::uint32_t table_slots = 0;
  bool pin = true;                 // pin worker i to CPU (i mod #cpus)
  // Time the acquire of one read in this many (0: never). Two clock reads
  // cost ~40 ns here, ten times a read lock, so reads are sampled; writes
  // are always timed.
  std::uint64_t read_sample_every = 16;
  // Keep what each worker did as a workload trace (BenchResult::workload),
  // so the same workload can be replayed on a simulated machine.
  bool record = false;
  // A run in which no acquisition finishes for this long (and never less
  // than four rounds of cs_ns + think_ns) is deadlocked: a BROKEN lock's
  // lost wake-up, or a bug. It ends the process (exit 4) with one line,
  // since its threads cannot be taken back. 0: wait forever.
  unsigned stall_seconds = 30;
};

}  // namespace lockscope::engine::bench
