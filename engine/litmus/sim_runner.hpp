// Litmus tests on the simulated multicore: the programs of program.hpp on
// SimPlatform, thread 0 on core 0 and thread 1 on core 1, in sc or tso.
//
// A "seed" is one run: before its half, each thread waits a delay drawn
// from the seed (0..max_delay, picosecond grain), and the seed also draws
// which core holds x's line and which y's when the run starts (the thread
// that resets a variable holds its line). The seeds so cover the ways the
// two halves can overlap and the ways the lines can lie; the same seeds give
// the same counts. In tso every non-seq_cst store waits in the buffer until
// it retires (a seeded delay, mostly a few ns, one in four up to the memory
// latency: SimWorld::retire_delay),
// wherever its line is; where the lines lie decides which stores' drains and
// which loads pay a transfer between the cores.
// All runs of all tests go through ONE simulation (SimGrid's engine is one
// per process), in a child process, so the caller stays free of SimGrid and
// can run the other memory model next.
#pragma once

#include <array>
#include <cstdint>
#include <expected>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/coherence/cost_model.hpp"
#include "engine/litmus/catalogue.hpp"
#include "engine/litmus/outcome_counts.hpp"
#include "engine/sim/sim_world.hpp"

namespace lockscope::engine::litmus {

struct SimSetup {
  coherence::CostModel costs;  // at least two cores; the threads run on 0 and 1
  sim::SimCosts sim_costs;     // its memory_model is the one simulated
  std::uint64_t seeds = 1000;  // runs per test
  // The largest start delay; 0: ten times the transfer between cores 0
  // and 1, more than the barrier's skew (the thread that arrives last
  // leaves first, the other a line transfer or two later) plus a store's
  // drain, so that either half can run first.
  coherence::Picos max_delay = 0;
  // Draw the lines' places per seed; false: each test's own homes
  // (LitmusTest::home), as on real threads.
  bool vary_homes = true;
};

// The largest start delay the setup gives (SimSetup::max_delay, resolved).
coherence::Picos start_delay_bound(const SimSetup& setup);

// The start delay the setup gives thread `thread` in run `run` (0-based).
// And which thread holds x's line and which y's at the start of run `run`.
coherence::Picos start_delay(const SimSetup& setup, std::uint64_t run, unsigned thread);
std::array<unsigned, 2> homes(const SimSetup& setup, const LitmusTest& test, std::uint64_t run);

// Called in the child, from the simulation, every few hundred runs.
using SimProgress = std::function<void(std::string_view test, std::uint64_t done)>;

// Counts per test, in the order given. The error is one line: the child
// died, or the simulation deadlocked.
std::expected<std::vector<OutcomeCounts>, std::string> run_simulated(std::span<const LitmusTest* const> tests,
                                                                     const SimSetup& setup,
                                                                     const SimProgress& progress = {});

}  // namespace lockscope::engine::litmus
