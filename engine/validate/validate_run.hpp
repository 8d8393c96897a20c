// Running one validation case in both worlds: the bench loop on pinned real
// threads, then the very operations those threads did replayed in the
// simulator on the machine under test, in a child process (SimGrid allows
// one simulation per process).
//
// The operations are those `bench --record` keeps, but rebuilt after the
// run instead of recorded during it: with an operation quota the bench
// loop is deterministic (worker i does its share of the quota, and each
// read-or-write choice comes from its seeded generator), and keeping the
// trace costs the real threads far more than the lock (appending to a
// growing vector, page faults: 20 M ops/s fell to 3 M here), which the
// simulator would then be blamed for. A test checks that the rebuilt
// trace equals the recorded one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/bench/bench_result.hpp"
#include "engine/bench/spin_delay.hpp"
#include "engine/machine/machine.hpp"
#include "engine/replay/replay_result.hpp"
#include "engine/validate/perf_counters.hpp"
#include "engine/validate/validate_suite.hpp"
#include "traces/workload.hpp"

namespace lockscope::engine::validate {

// The workload the bench loop runs for `cfg` (which must have cfg.ops != 0):
// exactly what BenchConfig::record would have kept. With `instrument_ns`,
// every acquisition the loop times (every write, one read in
// cfg.read_sample_every) is preceded by that much busy time: the loop's two
// clock reads, which the real threads spend and a recording leaves out.
// With `timed`, which acquisitions the loop times, per worker in order
// (ReplayOptions::timed_acquisitions): the real side's waits are theirs.
[[nodiscard]] traces::WorkloadTrace bench_workload(const bench::BenchConfig& cfg, std::uint64_t instrument_ns = 0,
                                                   std::vector<std::vector<bool>>* timed = nullptr);

// The bench configuration of a case (ops quota, no recording).
[[nodiscard]] bench::BenchConfig bench_config(const ValidateCase& what, std::uint64_t ops, std::uint64_t seed,
                                              bool pin);

// `count` intervals between two back-to-back steady_clock reads here (ns,
// sorted): the real waits are timed with such a pair, so each includes one
// of these that is not waiting. Their spread is the clock's (on this VM it
// ticks in 10 ns: 20 most of the time, 30 the rest), and a one-thread p99
// wait is mostly that spread.
[[nodiscard]] std::vector<std::uint64_t> clock_floor_samples(std::size_t count = 10'001);
// The median and the 99th percentile of sorted samples (clock_floor_samples),
// 0 when empty.
[[nodiscard]] double median_floor_ns(const std::vector<std::uint64_t>& sorted);
[[nodiscard]] std::uint64_t p99_floor_ns(const std::vector<std::uint64_t>& sorted);
// The samples moved by one offset so that their median is `median_ns`
// (never below 0): an earlier run's floor, seen with today's spread.
[[nodiscard]] std::vector<std::uint64_t> floor_with_median(std::vector<std::uint64_t> sorted, double median_ns);

inline constexpr unsigned kDefaultRealRuns = 5;
inline constexpr double kDefaultValidateJitter = 0.05;

struct RunOptions {
  machine::Machine machine;        // the simulated side: usually this-machine, calibrated
  std::uint64_t ops = 200'000;     // acquisitions per case, all workers together
  std::uint64_t seed = 1;          // the bench's read/write choices and the replay's seed
  bool pin = true;
  // Real runs per case; the one with the median throughput is kept (its
  // waits too). A run is a few milliseconds, and on a shared machine one
  // descheduled thread or a busy hyperthread sibling can halve it; the
  // simulator replays one trace, the same for every run (the loop is
  // deterministic). `lockscope validate` interleaves the runs of all cases
  // (round 1 of every case, then round 2, ...), so that a noisy second of
  // the host does not fall on every run of one case.
  unsigned real_runs = kDefaultRealRuns;
  // What one steady_clock read costs here (the median floor): the replayed
  // trace spends two per timed acquisition, as the real loop does.
  double clock_read_ns = 0;
  // The floor's samples (clock_floor_samples): the replay times each wait
  // as the real loop does, adding one drawn from them
  // (ReplayOptions::wait_instrument_ns). Empty: waits timed exactly.
  std::vector<std::uint64_t> clock_floor_samples;
  // The replay scales each hold and think by a seeded factor in
  // [1 - jitter, 1 + jitter] (ReplayOptions::jitter). Real threads never
  // repeat a duration exactly (a deadline spin ends within a counter read
  // of it, interrupts, misses); a replay that does can phase-lock two
  // workers so that one's acquisition never meets the other's
  // (glibc-rwlock-wp t2 w100 cs0 th200: no wait at all exact, the real
  // convoy with 5 %).
  double jitter = kDefaultValidateJitter;
};

struct CaseResult {
  ValidateCase what;
  bench::BenchResult real;  // no workload: see bench_workload
  // Cache misses per acquisition on the real side, when a counter was given
  // and read; empty otherwise.
  std::optional<double> real_transfers_per_op;
  std::string counter_error;  // why a given counter could not be read
  // Context switches per acquisition on the real side (the real threads'
  // sleeps), when that counter was given and read.
  std::optional<double> real_sleeps_per_op;
  std::string switches_error;
  replay::ReplayResult sim;   // no timeline
  // Not a fit for comparison: the replay failed or was unhealthy, or the
  // real run broke mutual exclusion. Empty when both sides ran clean.
  std::string error;
};

// The counters read around each real run (perf_counters.hpp); null: not
// counted.
struct RealCounters {
  PerfCounter* misses = nullptr;    // cache misses: transfers per operation
  PerfCounter* switches = nullptr;  // context switches: sleeps per operation
};

// One real run of `what`, counted with `counters`. Precondition: what.lock
// runs in both worlds.
struct RealRun {
  bench::BenchResult bench;
  std::optional<double> transfers_per_op;
  std::string counter_error;
  std::optional<double> sleeps_per_op;
  std::string switches_error;
};
[[nodiscard]] RealRun run_real(const ValidateCase& what, const RunOptions& options, const bench::SpinDelay& delay,
                               RealCounters counters);

// Keeps the run with the median throughput of `runs` (the largest
// violation count of any), then replays the workload. Never throws for a
// failed replay: the result's `error` says what went wrong.
[[nodiscard]] CaseResult finish_case(const ValidateCase& what, std::vector<RealRun> runs, const RunOptions& options);

// Both in a row: options.real_runs real runs of `what`, back to back, then
// finish_case.
[[nodiscard]] CaseResult run_case(const ValidateCase& what, const RunOptions& options, const bench::SpinDelay& delay,
                                  RealCounters counters);

// The simulated side alone: the replay of the case's operations, with
// `error` set when it failed or was unhealthy; `real` is left empty
// (validate --real-from takes the real figures from earlier runs).
[[nodiscard]] CaseResult replay_case(const ValidateCase& what, const RunOptions& options);

}  // namespace lockscope::engine::validate
