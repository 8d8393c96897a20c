// The recording's timeline counters (readers inside, queued readers,
// waiting writers), kept as +1 / -1 steps, each with its time, and sorted
// by time beside the simulation.
//
// Steps arrive in the simulator's execution order, which is not time
// order: a worker runs up to a quantum ahead of the others. A running
// value taken in that order is not the count at the step's time (a reader
// that enters at 5 us, executed before one that entered at 4 us, would
// show 1 at 5 us and 2 at 4 us). So the steps are kept, sorted by time and
// summed: each sample is the count at its time, one sample per time (steps
// at the same time fold into the last value).
//
// A step is one 64-bit word, time << 1 | up. Sorting a 400 us run's 1.1 M
// steps at the end took 24-30 ms of the simulation's wall time on the VM
// of docs/simulator.md, a fifth of a recording run. So the steps go in
// chunks to a thread of its own, which sorts each chunk and merges it into
// the counter's sorted steps while the simulation goes on; at the end only
// the last chunk is left. A chunk overlaps the sorted steps by at most the
// workers' spread in time, so a merge touches little more than the chunk.
// On a one-core machine, or with `beside` false, the same work runs in
// the simulation's thread when a chunk fills.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "traces/timeline.hpp"

namespace lockscope::engine::replay {

class StepCounters {
 public:
  static constexpr std::size_t kChunk = std::size_t{1} << 16;  // 512 KiB

  // `beside`: sort on a thread of its own (started with the first full
  // chunk) when the machine has two cores or more.
  StepCounters(std::size_t counters, bool beside, std::size_t chunk = kChunk);
  StepCounters(const StepCounters&) = delete;
  StepCounters& operator=(const StepCounters&) = delete;
  ~StepCounters();

  // Room for `steps` sorted steps of `counter`.
  void reserve(std::size_t counter, std::size_t steps);
  // Simulated times up to 2^63 ps (106 days) fit a step; the simulated
  // clock stops long before (replay refuses runs past 1,000,000 s).
  void step(std::size_t counter, std::uint64_t at, bool up) {
    std::vector<std::uint64_t>& open = open_[counter];
    open.push_back(at << 1 | (up ? 1U : 0U));
    if (open.size() == chunk_) hand_off(counter);
  }
  // Once every step is in: `counter`'s samples in time order, starting
  // from 0, into `out` (cleared; reserve it to spare its growth). The
  // counter's steps are consumed.
  void take_samples(std::size_t counter, std::vector<traces::CounterSample>& out);

 private:
  struct Chunk {
    std::size_t counter = 0;
    std::vector<std::uint64_t> steps;
  };
  void hand_off(std::size_t counter);
  // Hands the last chunks over and stops the thread; rethrows what failed
  // on it.
  void finish();
  void stop() noexcept;  // the thread: told to end, joined
  void run();                 // the sorting thread
  void merge(Chunk& chunk);   // sort a chunk into its counter's sorted steps

  std::size_t chunk_;
  bool beside_;
  bool finished_ = false;
  std::vector<std::vector<std::uint64_t>> open_;    // the simulation's
  std::vector<std::vector<std::uint64_t>> sorted_;  // the sorter's until finish
  std::vector<std::uint64_t> scratch_;              // the sorter's
  std::vector<std::uint64_t> tail_;                 // the sorter's
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Chunk> queue_;                       // guarded by mutex_
  std::vector<std::vector<std::uint64_t>> free_;  // guarded by mutex_: sorted chunks, for reuse
  bool done_ = false;                             // guarded by mutex_
  std::exception_ptr failure_;                    // the thread's; read after the join
};

}  // namespace lockscope::engine::replay
