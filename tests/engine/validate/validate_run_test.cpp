#include "engine/validate/validate_run.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "engine/bench/lock_registry.hpp"
#include "engine/machine/presets.hpp"

namespace lockscope::engine::validate {
namespace {

// One small case end to end: real threads, then the same operations
// replayed in a child process. Counts only; no wall-clock figure is checked.
TEST(ValidateRun, ReplaysExactlyTheOperationsTheRealThreadsDid) {
  RunOptions options;
  options.machine = *machine::preset("laptop-8");
  options.ops = 2000;
  const bench::SpinDelay delay = bench::SpinDelay::calibrate();
  for (const ValidateCase& what : {ValidateCase{"graph", 1, 100, 0, 200}, ValidateCase{"central", 2, 10, 100, 0}}) {
    const CaseResult r = run_case(what, options, delay, {});
    EXPECT_TRUE(r.error.empty()) << what.name() << ": " << r.error;
    EXPECT_EQ(r.real.read_ops + r.real.write_ops, 2000U) << what.name();
    EXPECT_EQ(r.sim.read_ops, r.real.read_ops) << what.name();
    EXPECT_EQ(r.sim.write_ops, r.real.write_ops) << what.name();
    EXPECT_GT(r.real.ops_per_sec, 0) << what.name();
    EXPECT_GT(r.sim.throughput_ops_per_sim_sec(), 0) << what.name();
    EXPECT_TRUE(r.real.workload.workers.empty()) << "the real run does not record";
    EXPECT_FALSE(r.real_transfers_per_op.has_value());
  }
}

// Of several real runs, the one with the median throughput is kept, waits
// and all; a violation in any run is reported. (validate runs them in
// rounds over the suite and hands them over here.)
TEST(ValidateRun, FinishingACaseKeepsTheMedianRunAndAnyViolation) {
  RunOptions options;
  options.machine = *machine::preset("laptop-8");
  options.ops = 200;
  const ValidateCase what{"graph", 1, 100, 0, 0};
  std::vector<RealRun> runs(5);
  const double rates[] = {5e6, 1e6, 9e6, 3e6, 7e6};
  for (std::size_t i = 0; i < runs.size(); ++i) {
    runs[i].bench.ops_per_sec = rates[i];
    runs[i].bench.read_latency_ns.p99 = static_cast<std::uint64_t>(rates[i] / 1e6);  // marks the run
  }
  CaseResult r = finish_case(what, runs, options);
  EXPECT_EQ(r.real.ops_per_sec, 5e6);
  EXPECT_EQ(r.real.read_latency_ns.p99, 5U) << "the kept run's waits come with it";
  EXPECT_TRUE(r.error.empty()) << r.error;
  EXPECT_GT(r.sim.read_ops + r.sim.write_ops, 0U);
  runs[1].bench.violations = 2;
  r = finish_case(what, runs, options);
  EXPECT_EQ(r.real.ops_per_sec, 5e6);
  EXPECT_EQ(r.real.violations, 2U);
  EXPECT_NE(r.error.find("2 mutual-exclusion violations"), std::string::npos) << r.error;
}

// The replay scales holds and thinks by the options' jitter, seeded: the
// same figures twice, and other figures than an exact replay's.
TEST(ValidateRun, TheReplayIsJitteredAsTheOptionsSay) {
  RunOptions options;
  options.machine = *machine::preset("laptop-8");
  options.ops = 2000;
  const ValidateCase what{"central", 2, 100, 100, 200};
  options.jitter = 0;
  const CaseResult exact = replay_case(what, options);
  options.jitter = 0.05;
  const CaseResult jittered = replay_case(what, options);
  const CaseResult again = replay_case(what, options);
  ASSERT_TRUE(exact.error.empty() && jittered.error.empty() && again.error.empty())
      << exact.error << jittered.error << again.error;
  EXPECT_EQ(jittered.sim.throughput_ops_per_sim_sec(), again.sim.throughput_ops_per_sim_sec());
  EXPECT_NE(jittered.sim.throughput_ops_per_sim_sec(), exact.sim.throughput_ops_per_sim_sec());
  EXPECT_EQ(RunOptions{}.jitter, kDefaultValidateJitter);
}

// The real loop's waits include two clock reads whose interval varies; the
// replay's waits are timed with samples of it. A one-thread case waits the
// same few ns every time when timed exactly (p50 = p99); seen through an
// instrument that reads 20 ns or 30 ns, its p99 carries the 30, its
// throughput does not move, and the draws repeat with the seed.
TEST(ValidateRun, TheReplayTimesWaitsWithTheClockFloorsSamples) {
  RunOptions options;
  options.machine = *machine::preset("laptop-8");
  options.ops = 4000;
  options.jitter = 0;
  const ValidateCase what{"graph", 1, 0, 0, 0};
  const CaseResult exact = replay_case(what, options);
  std::vector<std::uint64_t> floor(90, 20);
  floor.insert(floor.end(), 10, 30);
  options.clock_floor_samples = floor;
  const CaseResult timed = replay_case(what, options);
  const CaseResult again = replay_case(what, options);
  ASSERT_TRUE(exact.error.empty() && timed.error.empty()) << exact.error << timed.error;
  const std::uint64_t own = exact.sim.read_wait_ns.p50;
  EXPECT_EQ(exact.sim.read_wait_ns.p99, own) << "one thread, exact timing: every wait alike";
  EXPECT_EQ(timed.sim.read_wait_ns.p50, own + 20);
  EXPECT_EQ(timed.sim.read_wait_ns.p99, own + 30);
  EXPECT_EQ(timed.sim.throughput_ops_per_sim_sec(), exact.sim.throughput_ops_per_sim_sec());
  EXPECT_EQ(again.sim.read_wait_ns.p99, timed.sim.read_wait_ns.p99);
}

TEST(ValidateRun, ClockFloorSamplesAreSortedAndMovableToAnEarlierMedian) {
  const std::vector<std::uint64_t> samples = clock_floor_samples(101);
  ASSERT_EQ(samples.size(), 101U);
  EXPECT_TRUE(std::ranges::is_sorted(samples));
  EXPECT_EQ(median_floor_ns({}), 0);
  EXPECT_EQ(median_floor_ns({20, 20, 30}), 20);
  EXPECT_EQ(median_floor_ns({20, 30}), 25);
  // An earlier run's 21 ns floor with today's spread; never below zero.
  EXPECT_EQ(floor_with_median({20, 20, 30}, 21), (std::vector<std::uint64_t>{21, 21, 31}));
  EXPECT_EQ(floor_with_median({5, 20, 30}, 10), (std::vector<std::uint64_t>{0, 10, 20}));
}

// The real run does not record (recording costs the threads more than the
// lock); the trace is rebuilt from the quota and the seeds. It must be what
// `bench --record` keeps, operation for operation.
TEST(ValidateRun, RebuiltWorkloadIsWhatBenchRecords) {
  const bench::SpinDelay delay = bench::SpinDelay::calibrate();
  for (const ValidateCase& what : {ValidateCase{"graph", 1, 0, 0, 0}, ValidateCase{"central", 2, 10, 100, 200},
                                   ValidateCase{"pflock", 3, 100, 0, 200}}) {
    for (const std::uint64_t ops : {1U, 2U, 1001U}) {
      for (const std::uint64_t seed : {1U, 7U}) {
        bench::BenchConfig cfg = bench_config(what, ops, seed, false);
        cfg.record = true;
        const bench::BenchResult recorded = bench::find_bench_lock(what.lock)->run(cfg, delay);
        const traces::WorkloadTrace rebuilt = bench_workload(cfg);
        EXPECT_EQ(rebuilt.initial_contexts, recorded.workload.initial_contexts) << what.name();
        EXPECT_EQ(rebuilt.workers, recorded.workload.workers) << what.name() << " ops " << ops << " seed " << seed;
        EXPECT_EQ(rebuilt.lock_op_count(), ops);
      }
    }
  }
}

// With the clock reads' cost, each timed acquisition (every write, reads
// 0, 16, 32, ... of a worker) is preceded by that much busy time, and the
// rest of the trace is unchanged; the list of timed acquisitions (whose
// waits the replay records) marks exactly those.
TEST(ValidateRun, TheLoopsClockReadsPrecedeEveryTimedAcquisition) {
  const bench::BenchConfig cfg = bench_config({"central", 2, 100, 0, 0}, 2000, 1, false);
  const traces::WorkloadTrace plain = bench_workload(cfg);
  std::vector<std::vector<bool>> marked;
  const traces::WorkloadTrace timed = bench_workload(cfg, 42, &marked);
  ASSERT_EQ(timed.workers.size(), plain.workers.size());
  ASSERT_EQ(marked.size(), plain.workers.size());
  for (std::size_t w = 0; w < plain.workers.size(); ++w) {
    std::vector<bool> preceded;
    std::vector<traces::Op> without;
    std::uint64_t n = 0, writes = 0, sampled_reads = 0, inserted = 0;
    bool pending = false;
    for (const traces::Op& op : timed.workers[w].ops) {
      if (op.kind == traces::OpKind::think && op.value == 42) {
        ++inserted;
        pending = true;
        continue;
      }
      if (op.kind == traces::OpKind::read_acquire || op.kind == traces::OpKind::write_acquire) {
        const bool write = op.kind == traces::OpKind::write_acquire;
        EXPECT_EQ(pending, write || n % 16 == 0) << "worker " << w << " op " << n;
        preceded.push_back(pending);
        if (write) ++writes;
        else if (n % 16 == 0) ++sampled_reads;
        pending = false;
        ++n;
      }
      without.push_back(op);
    }
    EXPECT_EQ(inserted, writes + sampled_reads);
    EXPECT_EQ(marked[w], preceded) << "worker " << w;
    EXPECT_GT(writes, 0U);
    EXPECT_EQ(without, plain.workers[w].ops);
  }
}

TEST(ValidateRun, BenchConfigCarriesTheCase) {
  const bench::BenchConfig cfg = bench_config({"numa", 2, 10, 100, 200}, 5000, 3, true);
  EXPECT_EQ(cfg.lock, "numa");
  EXPECT_EQ(cfg.threads, 2U);
  EXPECT_EQ(cfg.write_permille, 10U);
  EXPECT_EQ(cfg.cs_ns, 100U);
  EXPECT_EQ(cfg.think_ns, 200U);
  EXPECT_EQ(cfg.ops, 5000U);
  EXPECT_EQ(cfg.seed, 3U);
  EXPECT_TRUE(cfg.pin);
  EXPECT_FALSE(cfg.record);
}

}  // namespace
}  // namespace lockscope::engine::validate
