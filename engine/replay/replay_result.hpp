// What one replay measured. The JSON summary (docs/replay.md) prints these
// fields under the same names.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/stats/latency_histogram.hpp"
#include "traces/cacheline_table.hpp"
#include "traces/fairness.hpp"
#include "traces/timeline.hpp"

namespace lockscope::engine::replay {

// One lock of a version-2 trace: what the replay measured, and what the
// recording observed (samples 0 when the trace has no observed waits).
struct LockSummary {
  std::string name;    // the trace's name for it ("cache_lock")
  std::string kind;    // "rwlock" or "mutex"
  std::string design;  // what it was replayed as ("graph", "glibc-mutex")
  std::uint64_t reads = 0;
  std::uint64_t writes = 0;
  std::uint64_t failed = 0;  // failed try/timed acquisitions replayed
  stats::LatencySummary read_wait_ns;
  stats::LatencySummary write_wait_ns;
  std::uint64_t transfers = 0;  // of the lines this lock's variables sit in
  stats::LatencySummary observed_read_wait_ns;
  stats::LatencySummary observed_write_wait_ns;
  // All acquisitions' waits added up: what a recorded program would save or
  // lose with this design. The observed sum covers only the acquisitions
  // whose wait was observed (not re-takes after a condition-variable wait).
  std::uint64_t wait_total_ns = 0;
  std::uint64_t observed_wait_total_ns = 0;
};

struct BlockedWorker {
  unsigned worker = 0;
  std::string waiting_in;  // "the reader queue", "the writer wait (readers to drain)", "a mutex"
};

struct ReplayResult {
  std::string lock;
  std::string machine;
  std::uint32_t cores = 0;
  std::uint64_t seed = 0;
  std::string memory_model = "sc";  // "sc" or "tso" (sim::MemoryModel)
  std::uint64_t sim_time_ps = 0;  // from the workers' start (after setup) to the last event
  std::uint64_t read_ops = 0;   // completed read acquisitions
  std::uint64_t write_ops = 0;  // completed write acquisitions
  stats::LatencySummary read_wait_ns;
  stats::LatencySummary write_wait_ns;
  std::uint64_t line_transfers = 0;
  // Blocking waits that slept until a wake-up (SimWorld::sleeps): each is a
  // system call and a wake-up, the costliest thing a lock does.
  std::uint64_t sleeps = 0;
  // The shared-data cacheline table (traces/cacheline_table.hpp), from the
  // coherence directory's per-line totals: the rows the GUI's dock shows
  // for this run's timeline.
  std::vector<traces::CachelineRow> lines;
  std::vector<LockSummary> locks;  // version-2 traces: one per trace lock, by id
  // One per worker, by id: its completed reads and writes over every lock
  // (they sum to read_ops and write_ops) and whether it tried any.
  std::vector<traces::WorkerAcquisitions> workers;
  // Per worker, its acquisitions until the first worker finished: while
  // all competed (Recorder::worker_acquisitions_while_all_ran).
  std::vector<traces::WorkerAcquisitions> workers_while_all_ran;
  std::uint64_t violations = 0;    // mutual exclusion broken (reader with writer, two writers)
  // The first of them: when, the worker that entered and one that was
  // inside (first_violation_ps is 0 when there was none).
  std::uint64_t first_violation_ps = 0;
  unsigned violation_entering = 0;
  unsigned violation_inside = 0;
  std::int64_t residual_readers = 0;  // the lock's reader count after the run: 0 unless it drifted
  bool deadlock = false;
  bool missed_wakeup = false;  // a writer asleep waiting for readers while none is inside
  std::vector<BlockedWorker> blocked;
  std::string error;           // a trace that cannot run (e.g. destroys a context in use)
  double wall_sec = 0;
  traces::Timeline timeline;   // empty unless recorded

  [[nodiscard]] std::uint64_t lock_ops() const { return read_ops + write_ops; }
  [[nodiscard]] double throughput_ops_per_sim_sec() const {
    return sim_time_ps == 0 ? 0 : static_cast<double>(lock_ops()) / (static_cast<double>(sim_time_ps) * 1e-12);
  }
  [[nodiscard]] double transfers_per_op() const {
    return lock_ops() == 0 ? 0 : static_cast<double>(line_transfers) / static_cast<double>(lock_ops());
  }
  [[nodiscard]] double sleeps_per_op() const {
    return lock_ops() == 0 ? 0 : static_cast<double>(sleeps) / static_cast<double>(lock_ops());
  }
  [[nodiscard]] double sim_ops_per_wall_sec() const {
    return wall_sec <= 0 ? 0 : static_cast<double>(lock_ops()) / wall_sec;
  }
  // Jain's index and max/min of `workers` (traces/fairness.hpp):
  // derived, so it never disagrees with the counts it summarizes.
  [[nodiscard]] traces::Fairness fairness() const { return traces::fairness(workers); }
  // The same over `workers_while_all_ran`: the figure that shows a lock's
  // (or a coherence fabric's) bias.
  [[nodiscard]] traces::Fairness fairness_while_all_ran() const { return traces::fairness(workers_while_all_ran); }
  [[nodiscard]] bool healthy() const {
    return error.empty() && !deadlock && violations == 0 && residual_readers == 0;
  }
};

}  // namespace lockscope::engine::replay
