// What one replay runs: a lock, a machine's costs, a seed, and what to keep.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/coherence/cost_model.hpp"
#include "engine/sim/sim_world.hpp"

namespace lockscope::engine::replay {

struct ReplayOptions {
  // The design every rwlock of the trace is replayed as (a version-1 trace
  // has one rwlock).
  std::string lock = "graph";
  // Replace only this lock of a version-2 trace (its id) with `lock`; the
  // other rwlocks are replayed as `baseline_rwlock`, what a recorded
  // program's pthread_rwlock_t was. Unset: every rwlock is `lock`.
  std::optional<std::uint32_t> only_lock;
  std::string baseline_rwlock = "glibc-rwlock";
  // What a version-2 trace's mutexes are replayed as: they stay mutexes.
  std::string mutex = "glibc-mutex";
  std::string machine = "custom";       // the machine's name, for outputs
  coherence::CostModel costs;           // cores and latencies
  sim::SimCosts sim_costs;
  std::uint64_t seed = 1;
  // Each hold and think duration is scaled by a factor drawn uniformly from
  // [1 - jitter, 1 + jitter] (seeded). 0 replays durations exactly; the
  // explorer uses jitter to shake out interleavings.
  double jitter = 0;
  bool record_timeline = true;
  // Samples of what a real stopwatch adds to a wait (WaitInstrument): each
  // recorded wait gets one, drawn with the seed. Empty (the default): waits
  // are timed exactly. `validate` fills it with back-to-back clock reads.
  std::vector<std::uint64_t> wait_instrument_ns;
  // Which acquisitions a stopwatch times, per worker, in the order the
  // worker acquires (a true for each timed one; a failed attempt takes no
  // place): only their waits are recorded (the histograms, the per-lock
  // waits and totals), as a real loop that times one read in 16 sees only
  // those. Empty, or a worker without a list: every wait. `validate`
  // fills it.
  std::vector<std::vector<bool>> timed_acquisitions;
  // Exact timing: no lazy clocks (quantum and lookahead 0), so execution
  // order is simulated-time order and the exclusion check sees every
  // overlap. Slower; `explore` uses it.
  bool strict = false;
  // Called now and then with the fraction of trace operations done (0..1).
  std::function<void(double)> progress;
};

}  // namespace lockscope::engine::replay
