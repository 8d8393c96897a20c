// One thread's side of many runs of one litmus test, shared by the real and
// the simulated runner. Per run:
//
//   reset the variables this thread homes to 0, fence   (the line is home)
//     (homes(run): which thread homes x and which y in this run)
//   barrier                                             (both reset)
//   start_delay(run)                                    (the runner's skew)
//   the program's half for this thread                  (program.hpp)
//   barrier                                             (both done)
//   read the final values of the homed variables, record them
//   barrier                                             (both read)
//   thread 0 counts, at the end of each chunk of runs (RunTally)
//
// The last barrier is there because the homes may change from one run to
// the next: the thread that resets x in the next run must not do so before
// the thread that homed it in this run has read its final value.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "engine/litmus/catalogue.hpp"
#include "engine/litmus/outcome_counts.hpp"
#include "engine/litmus/program.hpp"
#include "engine/litmus/spin_barrier.hpp"
#include "lockimpl/platform.hpp"

namespace lockscope::engine::litmus {

// What one thread saw in one run: its registers and the final value of each
// variable it homes (kUnset for the other).
struct ThreadRecord {
  static constexpr std::uint32_t kUnset = ~std::uint32_t{0};
  Registers regs;
  std::uint32_t final_x = kUnset;
  std::uint32_t final_y = kUnset;
};

// Both threads' records of one run as the test's observation.
inline Observation observe(const ThreadRecord& t0, const ThreadRecord& t1) {
  Observation o{};
  o[static_cast<std::size_t>(Slot::t0_r0)] = t0.regs.r0;
  o[static_cast<std::size_t>(Slot::t0_r1)] = t0.regs.r1;
  o[static_cast<std::size_t>(Slot::t1_r0)] = t1.regs.r0;
  o[static_cast<std::size_t>(Slot::t1_r1)] = t1.regs.r1;
  o[static_cast<std::size_t>(Slot::final_x)] = t0.final_x != ThreadRecord::kUnset ? t0.final_x : t1.final_x;
  o[static_cast<std::size_t>(Slot::final_y)] = t0.final_y != ThreadRecord::kUnset ? t0.final_y : t1.final_y;
  return o;
}

// The runs' records not counted yet, shared by the two threads, and the
// counts. Each thread writes only its own records; thread 0 counts a chunk
// once both have written it (after a barrier), so memory stays a chunk's
// worth whatever the number of runs.
struct RunTally {
  static constexpr std::uint64_t kChunk = 4096;
  std::array<std::vector<ThreadRecord>, 2> pending{std::vector<ThreadRecord>(kChunk),
                                                   std::vector<ThreadRecord>(kChunk)};
  OutcomeCounts counts;

  explicit RunTally(const LitmusTest& test) : counts(test) {}
};

// `homes(run)` must give both threads the same answer for a run.
// `after_run(run)` is called on each thread once its run is recorded.
template <class P, class Homes, class StartDelay, class AfterRun>
void run_loop(const LitmusTest& test, unsigned thread, SharedVars<P>& vars, SpinBarrier<P>& barrier,
              std::uint64_t runs, RunTally& tally, Homes homes, StartDelay start_delay, AfterRun after_run) {
  using lockimpl::MemoryOrder;
  for (std::uint64_t run = 0; run < runs; ++run) {
    const std::array<unsigned, 2> home = homes(run);
    for (unsigned i = 0; i < 2; ++i) {
      // relaxed: ordered by the fence below and the barrier's RMW.
      if (home[i] == thread) vars.var(i).store(0, MemoryOrder::relaxed);
    }
    P::fence();  // the reset leaves the store buffer: the line is home, in M
    barrier.arrive_and_wait();
    start_delay(run);
    ThreadRecord rec;
    rec.regs = run_thread<P>(test.id, thread, vars);
    barrier.arrive_and_wait();
    // acquire: the barrier already orders it after both programs.
    if (home[0] == thread) rec.final_x = vars.x.load(MemoryOrder::acquire);
    if (home[1] == thread) rec.final_y = vars.y.load(MemoryOrder::acquire);
    tally.pending[thread][run % RunTally::kChunk] = rec;
    // Nobody resets a variable the other still reads, and both records of
    // this run are written.
    barrier.arrive_and_wait();
    const bool chunk_full = (run + 1) % RunTally::kChunk == 0 || run + 1 == runs;
    if (thread == 0 && chunk_full) {
      // The other thread writes its next record only after the next run's
      // first barrier, which waits for this.
      for (std::uint64_t i = 0; i <= run % RunTally::kChunk; ++i) {
        tally.counts.add(classify(test, observe(tally.pending[0][i], tally.pending[1][i])));
      }
    }
    after_run(run);
  }
}

}  // namespace lockscope::engine::litmus
