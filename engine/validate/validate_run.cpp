#include "engine/validate/validate_run.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <chrono>
#include <utility>
#include <vector>

#include "engine/bench/bench_runner.hpp"
#include "engine/bench/fast_rng.hpp"
#include "engine/bench/lock_registry.hpp"
#include "engine/replay/lock_spec.hpp"
#include "engine/replay/forked_replay.hpp"
#include "engine/replay/machine_costs.hpp"

namespace lockscope::engine::validate {

traces::WorkloadTrace bench_workload(const bench::BenchConfig& cfg, std::uint64_t instrument_ns,
                                     std::vector<std::vector<bool>>* timed) {
  if (timed != nullptr) timed->assign(cfg.threads, {});
  traces::WorkloadTrace trace;
  trace.initial_contexts = cfg.threads;
  trace.origin = fmt::format(
      "lockscope bench --lock {} --threads {} --write-permille {} --cs-ns {} --think-ns {} --ops {} --seed {}",
      cfg.lock, cfg.threads, cfg.write_permille, cfg.cs_ns, cfg.think_ns, cfg.ops, cfg.seed);
  for (unsigned i = 0; i < cfg.threads; ++i) {
    // As run_bench: worker i's quota and generator, and worker_loop's choice.
    const std::uint64_t quota = cfg.ops / cfg.threads + (i < cfg.ops % cfg.threads ? 1 : 0);
    bench::FastRng rng(cfg.seed * 1'000'003 + i);
    std::vector<traces::Op> ops;
    ops.reserve(4 * quota);
    for (std::uint64_t n = 0; n < quota; ++n) {
      const bool write = cfg.write_permille != 0 && rng.below(1000) < cfg.write_permille;
      const bool is_timed = write || bench::detail::read_is_timed(cfg, n);
      if (instrument_ns != 0 && is_timed) ops.push_back({traces::OpKind::think, instrument_ns});
      if (timed != nullptr) (*timed)[i].push_back(is_timed);
      bench::detail::record_section(ops, write, cfg);
    }
    trace.workers.push_back({i, std::move(ops)});
  }
  return trace;
}

bench::BenchConfig bench_config(const ValidateCase& what, std::uint64_t ops, std::uint64_t seed, bool pin) {
  bench::BenchConfig cfg;
  cfg.lock = what.lock;
  cfg.threads = what.threads;
  cfg.write_permille = what.write_permille;
  cfg.cs_ns = what.cs_ns;
  cfg.think_ns = what.think_ns;
  cfg.ops = ops;  // a quota, not a duration: the trace is the whole run
  cfg.seed = seed;
  cfg.pin = pin;
  cfg.record = false;  // rebuilt afterwards by bench_workload
  return cfg;
}

std::vector<std::uint64_t> clock_floor_samples(std::size_t count) {
  using Clock = std::chrono::steady_clock;
  std::vector<std::uint64_t> samples(count);
  for (std::uint64_t& s : samples) {
    const auto t0 = Clock::now();
    const auto t1 = Clock::now();
    s = static_cast<std::uint64_t>(std::max<std::int64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count(), 0));
  }
  std::ranges::sort(samples);
  return samples;
}

double median_floor_ns(const std::vector<std::uint64_t>& sorted) {
  const std::size_t n = sorted.size();
  if (n == 0) return 0;
  return n % 2 == 1 ? static_cast<double>(sorted[n / 2])
                    : (static_cast<double>(sorted[n / 2 - 1]) + static_cast<double>(sorted[n / 2])) / 2;
}

std::uint64_t p99_floor_ns(const std::vector<std::uint64_t>& sorted) {
  return sorted.empty() ? 0 : sorted[std::min(sorted.size() - 1, sorted.size() * 99 / 100)];
}

std::vector<std::uint64_t> floor_with_median(std::vector<std::uint64_t> sorted, double median_ns) {
  const double shift = median_ns - median_floor_ns(sorted);
  for (std::uint64_t& s : sorted) s = static_cast<std::uint64_t>(std::max(0.0, std::round(static_cast<double>(s) + shift)));
  return sorted;
}

namespace {

// Stops `counter` (when given) and divides its count by the run's
// acquisitions into `per_op`, or says why it could not be read.
void read_per_op(PerfCounter* counter, std::uint64_t ops, std::optional<double>& per_op, std::string& error) {
  if (counter == nullptr) return;
  auto count = counter->stop();
  if (!count) {
    error = count.error();
  } else if (ops != 0) {
    per_op = static_cast<double>(*count) / static_cast<double>(ops);
  }
}

}  // namespace

RealRun run_real(const ValidateCase& what, const RunOptions& options, const bench::SpinDelay& delay,
                 RealCounters counters) {
  bench::BenchConfig cfg = bench_config(what, options.ops, options.seed, options.pin);
  // "bravo:slots=64": the design's entry at the table's size, as the replay
  // of the same name has it (the suite's names were checked).
  const auto spec = replay::parse_lock_spec(what.lock);
  cfg.table_slots = spec->params.table_slots;
  const bench::LockEntry* entry = bench::find_bench_lock(spec->design);
  RealRun run;
  if (counters.switches != nullptr) counters.switches->start();
  if (counters.misses != nullptr) counters.misses->start();
  run.bench = entry->run(cfg, delay);
  const std::uint64_t ops = run.bench.read_ops + run.bench.write_ops;
  read_per_op(counters.misses, ops, run.transfers_per_op, run.counter_error);
  read_per_op(counters.switches, ops, run.sleeps_per_op, run.switches_error);
  return run;
}

CaseResult finish_case(const ValidateCase& what, std::vector<RealRun> runs, const RunOptions& options) {
  CaseResult result;
  result.what = what;
  if (!runs.empty()) {
    std::ranges::sort(runs, {}, [](const RealRun& r) { return r.bench.ops_per_sec; });
    RealRun& kept = runs[runs.size() / 2];
    result.real = std::move(kept.bench);
    result.real_transfers_per_op = kept.transfers_per_op;
    result.counter_error = std::move(kept.counter_error);
    result.real_sleeps_per_op = kept.sleeps_per_op;
    result.switches_error = std::move(kept.switches_error);
    for (const RealRun& r : runs) result.real.violations = std::max(result.real.violations, r.bench.violations);
  }
  CaseResult simulated = replay_case(what, options);
  result.sim = std::move(simulated.sim);
  result.error = std::move(simulated.error);
  if (result.error.empty() && result.real.violations != 0) {
    result.error = fmt::format("{} mutual-exclusion violations on real threads", result.real.violations);
  }
  return result;
}

CaseResult run_case(const ValidateCase& what, const RunOptions& options, const bench::SpinDelay& delay,
                    RealCounters counters) {
  std::vector<RealRun> runs;
  for (unsigned i = 0; i < std::max(options.real_runs, 1U); ++i) runs.push_back(run_real(what, options, delay, counters));
  return finish_case(what, std::move(runs), options);
}

CaseResult replay_case(const ValidateCase& what, const RunOptions& options) {
  CaseResult result;
  result.what = what;
  const bench::BenchConfig cfg = bench_config(what, options.ops, options.seed, options.pin);
  replay::ReplayOptions replay_options;
  replay_options.lock = what.lock;
  replay_options.machine = options.machine.name;
  replay_options.costs = replay::cost_model(options.machine);
  replay_options.sim_costs = replay::sim_costs(options.machine);
  replay_options.seed = options.seed;
  replay_options.jitter = options.jitter;
  replay_options.record_timeline = false;
  replay_options.wait_instrument_ns = options.clock_floor_samples;
  const auto instrument = static_cast<std::uint64_t>(std::llround(2 * options.clock_read_ns));
  // Waits as the real loop sees them: only the acquisitions it times.
  const traces::WorkloadTrace workload = bench_workload(cfg, instrument, &replay_options.timed_acquisitions);
  result.sim = replay::replay_in_child(workload, replay_options, "");
  if (!result.sim.error.empty()) {
    result.error = fmt::format("replay failed: {}", result.sim.error);
  } else if (!result.sim.healthy()) {
    result.error = result.sim.deadlock ? "the replay deadlocked" : "the replay was unhealthy (violation or drift)";
  }
  return result;
}

}  // namespace lockscope::engine::validate
