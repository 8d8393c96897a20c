// Recorder: turns what workers do into the timeline's state spans and
// counters, the wait-time histograms (overall and per lock), and the
// mutual-exclusion check (per lock).
//
// The worker actor says when it starts to acquire a lock, when it has it,
// when it lets go and what it is doing in between (set_state); the
// simulated platform says when it blocks inside a lock and in what
// (blocked / unblocked), which refines "waiting to read" into "asleep in
// the reader queue" and "waiting to write" into "waiting for readers to
// drain". A worker may hold several locks (a recorded program's nesting):
// its lane shows its latest change, and each span names the lock it is
// about.
//
// Per worker it counts the acquisitions (reads and writes, over every
// lock) and whether the worker tried any, for the fairness figures
// (traces/fairness.hpp).
//
// The exclusion check runs on acquisitions, which happen in the
// simulator's execution order (sequentially consistent): a worker that
// starts reading a lock while another writes it, or writing while anyone
// else is inside it, is a violation.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/replay/prefault.hpp"
#include "engine/replay/step_counters.hpp"
#include "engine/replay/wait_instrument.hpp"
#include "engine/sim/sim_world.hpp"
#include "traces/fairness.hpp"
#include "engine/stats/latency_histogram.hpp"
#include "traces/timeline.hpp"
#include "traces/workload.hpp"

namespace lockscope::engine::replay {

using coherence::Picos;
using traces::WorkerState;

// What one lock of a replay saw. Waits are kept as samples, not histograms:
// a recorded program may have thousands of locks, most taken a few times.
struct LockCounts {
  std::uint64_t reads = 0;     // completed read acquisitions
  std::uint64_t writes = 0;    // completed write acquisitions (a mutex's too)
  std::uint64_t failed = 0;    // recorded failed try/timed acquisitions replayed
  std::vector<std::uint64_t> read_wait_ns;
  std::vector<std::uint64_t> write_wait_ns;
};

class Recorder final : public sim::BlockObserver {
 public:
  // keep_lock_waits: keep each lock's wait samples (LockCounts), which only
  // a version-2 trace's per-lock table reads; a scenario replay of ten
  // million acquisitions would otherwise keep 80 MB nobody asks for.
  Recorder(unsigned workers, std::uint32_t locks, bool keep_spans, bool keep_lock_waits);
  // With spans kept: room for what `trace` will likely record (about three
  // spans per acquisition, two readers_inside samples per read), so that
  // the vectors do not grow by copying and faulting in page after page:
  // that was a sixth of a 64-core replay's wall time with --timeline.
  // Vectors still grow past it when a run records more.
  void reserve_for(const traces::WorkloadTrace& trace);
  // Waits are recorded as `instrument` would time them (WaitInstrument):
  // the histograms, the per-lock samples and the totals, not the spans.
  void time_waits_with(WaitInstrument instrument) { instrument_ = std::move(instrument); }
  // Only the acquisitions marked here are timed (ReplayOptions::
  // timed_acquisitions); the others' waits are not recorded.
  void time_only(std::vector<std::vector<bool>> timed) { timed_ = std::move(timed); }

  // The worker starts to acquire `lock` (state waiting_read / waiting_write).
  void begin_acquire(unsigned worker, bool write, std::uint32_t lock, Picos at);
  // It has the lock: the wait ends, the exclusion check runs.
  void acquired(unsigned worker, bool write, std::uint32_t lock, Picos at);
  // It lets go of `lock` (the critical section ends where the release
  // begins) and is then in `after` about `after_lock` (running, or reading
  // or writing a lock it still holds).
  void released(unsigned worker, bool write, std::uint32_t lock, Picos at, WorkerState after,
                std::uint32_t after_lock);
  // A replayed failed try: counted, and the lane goes back to `after`.
  void attempt_failed(unsigned worker, std::uint32_t lock, Picos at, WorkerState after, std::uint32_t after_lock);
  void blocked(unsigned worker, sim::BlockKind kind, Picos at) override;
  void unblocked(unsigned worker, Picos at) override;
  // A writer in a Waiter waits for readers (draining), not for a writer.
  void in_waiter(unsigned worker, bool waiting, Picos at) override;
  // Closes the worker's last span at its own end time.
  void finish(unsigned worker, Picos at);

  [[nodiscard]] WorkerState state(unsigned worker) const { return lanes_[worker].state; }
  [[nodiscard]] std::uint32_t lock_of(unsigned worker) const { return lanes_[worker].lock; }
  [[nodiscard]] bool is_blocked(unsigned worker) const { return lanes_[worker].blocked; }
  [[nodiscard]] sim::BlockKind block_kind(unsigned worker) const { return lanes_[worker].kind; }
  [[nodiscard]] std::uint64_t violations() const { return violations_; }
  // The first violation: when (0: none), who entered, and one worker inside.
  [[nodiscard]] Picos first_violation_at() const { return first_violation_at_; }
  [[nodiscard]] unsigned violation_entering() const { return violation_entering_; }
  [[nodiscard]] unsigned violation_inside() const { return violation_inside_; }
  [[nodiscard]] const stats::LatencyHistogram& read_wait() const { return read_wait_; }
  [[nodiscard]] const stats::LatencyHistogram& write_wait() const { return write_wait_; }
  [[nodiscard]] std::uint64_t reads() const { return reads_; }
  [[nodiscard]] std::uint64_t writes() const { return writes_; }
  [[nodiscard]] int readers_inside(std::uint32_t lock) const { return per_lock_[lock].readers_inside; }
  [[nodiscard]] const LockCounts& lock_counts(std::uint32_t lock) const { return per_lock_[lock].counts; }
  // One entry per worker, by id: its completed reads and writes (summing to
  // reads() + writes()) and whether it began any acquisition.
  [[nodiscard]] std::vector<traces::WorkerAcquisitions> worker_acquisitions() const;
  // The same counts when the first worker finished (in execution order):
  // while every worker still competed. Over a whole replay each worker does
  // its whole trace, so only this window shows which workers a lock favours.
  // The whole run's counts when no worker finished.
  [[nodiscard]] std::vector<traces::WorkerAcquisitions> worker_acquisitions_while_all_ran() const;

  // Moves the spans, counters and violations into `timeline` (counters and
  // violations sorted by time).
  void export_to(traces::Timeline& timeline);

 private:
  struct Lane {
    WorkerState state = WorkerState::running;
    std::uint32_t lock = traces::kNoLock;
    WorkerState before_block = WorkerState::running;
    bool blocked = false;
    sim::BlockKind kind = sim::BlockKind::mutex;
    Picos since = 0;        // start of the current span
    Picos wait_began = 0;   // start of the current acquisition
    std::uint64_t reads = 0;   // completed acquisitions, over every lock
    std::uint64_t writes = 0;
    std::uint64_t acquired = 0;  // acquisitions so far: the index into timed_
    bool attempted = false;    // began an acquisition
    std::vector<traces::Span> spans;
  };
  struct PerLock {
    int readers_inside = 0;
    int writers_inside = 0;
    LockCounts counts;
  };
  void switch_to(unsigned worker, WorkerState state, std::uint32_t lock, Picos at);
  // Whether a worker's acquisition (counted from 0) is timed (time_only).
  [[nodiscard]] bool timed(unsigned worker, std::uint64_t acquisition) const {
    if (worker >= timed_.size() || timed_[worker].empty()) return true;
    const std::vector<bool>& t = timed_[worker];
    return acquisition < t.size() && t[acquisition];
  }
  void step(std::size_t counter, Picos at, bool up);

  std::vector<Lane> lanes_;
  std::vector<PerLock> per_lock_;
  bool keep_spans_;
  bool keep_lock_waits_;
  std::uint64_t violations_ = 0;
  Picos first_violation_at_ = 0;
  unsigned violation_entering_ = 0;
  unsigned violation_inside_ = 0;
  // The first traces::ExclusionViolation::kMaxViolations violations, in
  // execution order (sorted by time on export).
  std::vector<traces::ExclusionViolation> violation_list_;
  void violation(unsigned worker, std::uint32_t lock, Picos at);
  std::uint64_t reads_ = 0;
  std::uint64_t writes_ = 0;
  stats::LatencyHistogram read_wait_;
  stats::LatencyHistogram write_wait_;
  WaitInstrument instrument_;
  std::vector<std::vector<bool>> timed_;  // per worker; empty: every wait is timed
  // readers_inside (over all locks), queued_readers, writers_waiting.
  StepCounters counters_;
  // Where readers_inside's samples go on export, reserved with its steps.
  std::vector<traces::CounterSample> readers_inside_samples_;
  std::vector<traces::WorkerAcquisitions> while_all_ran_;  // taken at the first finish
  BackgroundPrefault prefault_;  // last: joined before the vectors go
};

}  // namespace lockscope::engine::replay
