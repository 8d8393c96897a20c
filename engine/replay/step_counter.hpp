// A timeline counter kept as +1 / -1 steps, each with its time: readers
// inside, queued readers, waiting writers.
//
// Steps arrive in the simulator's execution order, which is not time
// order: a worker runs up to a quantum ahead of the others. A running
// value taken in that order is not the count at the step's time (a reader
// that enters at 5 us, executed before one that entered at 4 us, would
// show 1 at 5 us and 2 at 4 us). So the steps are kept, sorted by time at
// the end and summed: each sample is the count at its time, one sample per
// time (steps at the same time fold into the last value).
//
// A step is one 64-bit word, time << 1 | up: half the bytes of a sample,
// which halves the time sort's memory traffic, the recording's largest
// cost after the run (docs/simulator.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/replay/sort_by_time.hpp"
#include "traces/timeline.hpp"

namespace lockscope::engine::replay {

class StepCounter {
 public:
  // Simulated times up to 2^63 ps (106 days) fit a step.
  void step(std::uint64_t at, bool up) { steps_.push_back(at << 1 | (up ? 1U : 0U)); }
  void reserve(std::size_t steps) { steps_.reserve(steps); }
  [[nodiscard]] const std::vector<std::uint64_t>& steps() const { return steps_; }

  // The counter's samples in time order, starting from 0, into `out`
  // (cleared; reserve it to spare its growth). `scratch`: the sort's memory
  // (overwritten; its capacity reused when large enough). The steps are
  // consumed.
  void take_samples(std::vector<std::uint64_t>& scratch, std::vector<traces::CounterSample>& out) {
    sort_by_key(steps_, scratch, [](std::uint64_t s) { return s >> 1; });
    out.clear();
    std::int64_t value = 0;
    for (const std::uint64_t s : steps_) {
      value += (s & 1U) != 0 ? 1 : -1;
      const std::uint64_t at = s >> 1;
      if (!out.empty() && out.back().time == at) {
        out.back().value = value;
      } else {
        out.push_back({at, value});
      }
    }
    std::vector<std::uint64_t>().swap(steps_);
  }

 private:
  std::vector<std::uint64_t> steps_;
};

}  // namespace lockscope::engine::replay
