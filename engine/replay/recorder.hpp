// Recorder: turns what workers do into the timeline's state spans and
// counters, the wait-time histograms, and the mutual-exclusion check.
//
// The worker actor says what it is doing (set_state); the simulated
// platform says when it blocks inside the lock and in what (blocked /
// unblocked), which refines "waiting to read" into "asleep in the reader
// queue" and "waiting to write" into "waiting for readers to drain".
//
// The exclusion check runs on state changes, which happen in the
// simulator's execution order (sequentially consistent): a worker that
// starts reading while another writes, or writing while anyone else is
// inside, is a violation.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/sim/sim_world.hpp"
#include "engine/stats/latency_histogram.hpp"
#include "traces/timeline.hpp"

namespace lockscope::engine::replay {

using coherence::Picos;
using traces::WorkerState;

class Recorder final : public sim::BlockObserver {
 public:
  Recorder(unsigned workers, bool keep_spans);

  void set_state(unsigned worker, WorkerState state, Picos at);
  void blocked(unsigned worker, sim::BlockKind kind, Picos at) override;
  void unblocked(unsigned worker, Picos at) override;
  // Closes every worker's last span at its own end time.
  void finish(unsigned worker, Picos at);

  [[nodiscard]] WorkerState state(unsigned worker) const { return lanes_[worker].state; }
  [[nodiscard]] bool is_blocked(unsigned worker) const { return lanes_[worker].blocked; }
  [[nodiscard]] sim::BlockKind block_kind(unsigned worker) const { return lanes_[worker].kind; }
  [[nodiscard]] std::uint64_t violations() const { return violations_; }
  [[nodiscard]] const stats::LatencyHistogram& read_wait() const { return read_wait_; }
  [[nodiscard]] const stats::LatencyHistogram& write_wait() const { return write_wait_; }
  [[nodiscard]] std::uint64_t reads() const { return reads_; }
  [[nodiscard]] std::uint64_t writes() const { return writes_; }
  [[nodiscard]] int readers_inside() const { return readers_inside_; }

  // Moves the spans and counters into `timeline` (counters sorted by time).
  void export_to(traces::Timeline& timeline);

 private:
  struct Lane {
    WorkerState state = WorkerState::running;
    WorkerState before_block = WorkerState::running;
    bool blocked = false;
    sim::BlockKind kind = sim::BlockKind::mutex;
    Picos since = 0;        // start of the current span
    Picos wait_began = 0;   // start of the current acquisition
    std::vector<traces::Span> spans;
  };
  void switch_to(unsigned worker, WorkerState state, Picos at);
  void sample(std::size_t counter, Picos at, std::int64_t value);

  std::vector<Lane> lanes_;
  bool keep_spans_;
  int readers_inside_ = 0;
  int writers_inside_ = 0;
  int queued_readers_ = 0;
  int writers_waiting_ = 0;
  std::uint64_t violations_ = 0;
  std::uint64_t reads_ = 0;
  std::uint64_t writes_ = 0;
  stats::LatencyHistogram read_wait_;
  stats::LatencyHistogram write_wait_;
  std::vector<traces::TimelineCounter> counters_;
};

}  // namespace lockscope::engine::replay
