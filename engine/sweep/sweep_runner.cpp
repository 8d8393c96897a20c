#include "engine/sweep/sweep_runner.hpp"

#include <algorithm>
#include <chrono>
#include <numeric>

#include "engine/replay/child_pool.hpp"
#include "engine/replay/machine_costs.hpp"
#include "engine/replay/replay.hpp"
#include "engine/scenario/generator.hpp"
#include "engine/scenario/scenario_reader.hpp"

namespace lockscope::engine::sweep {
namespace {

// In the child: scenario + overrides -> trace -> replay on the first cores.
replay::ReplayResult run_one(const SweepRun& run, const SweepRunOptions& options) {
  replay::ReplayResult failed;
  failed.lock = run.lock;
  failed.machine = options.machine.name;
  failed.cores = run.cores;
  failed.seed = options.seed;
  auto s = scenario::read_scenario_file(options.scenario_file, run.overrides);
  if (!s) {
    failed.error = s.error().to_string();
    return failed;
  }
  auto m = machine::first_cores(options.machine, run.cores);
  if (!m) {
    failed.error = m.error();
    return failed;
  }
  const traces::WorkloadTrace trace = scenario::generate(*s);
  replay::ReplayOptions ro;
  ro.lock = run.lock;
  ro.machine = options.machine.name;
  ro.costs = replay::cost_model(*m);
  ro.sim_costs = replay::sim_costs(*m);
  ro.seed = options.seed;
  ro.record_timeline = false;
  return replay::replay(trace, ro);
}

}  // namespace

std::vector<std::size_t> schedule(const std::vector<SweepRun>& runs) {
  std::vector<std::size_t> order(runs.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::ranges::stable_sort(order, [&](std::size_t a, std::size_t b) { return runs[a].cores > runs[b].cores; });
  return order;
}

traces::SweepRow sweep_row(const SweepRun& run, const replay::ReplayResult& r, const std::string& scenario_name,
                           const std::string& machine_name) {
  traces::SweepRow row;
  row.world = "sim";
  row.scenario = scenario_name;
  row.machine = machine_name;
  row.lock = run.lock;
  row.cores = run.cores;
  row.params = run.params;
  row.seed = r.seed;
  if (!r.error.empty()) {
    row.status = "failed";
    row.error = r.error;
    return row;
  }
  row.status = r.healthy() ? "ok" : "unhealthy";
  if (r.deadlock) row.error = r.missed_wakeup ? "deadlock (missed wakeup)" : "deadlock";
  else if (r.violations != 0) row.error = "mutual exclusion violated";
  else if (r.residual_readers != 0) row.error = "reader count drifted";
  row.sim_time_ns = static_cast<double>(r.sim_time_ps) / 1000.0;
  row.lock_ops = r.lock_ops();
  row.read_ops = r.read_ops;
  row.write_ops = r.write_ops;
  row.throughput_ops_per_sec = r.throughput_ops_per_sim_sec();
  row.read_wait_p50_ns = r.read_wait_ns.p50;
  row.read_wait_p99_ns = r.read_wait_ns.p99;
  row.read_wait_max_ns = r.read_wait_ns.max;
  row.write_wait_p50_ns = r.write_wait_ns.p50;
  row.write_wait_p99_ns = r.write_wait_ns.p99;
  row.write_wait_max_ns = r.write_wait_ns.max;
  row.line_transfers = r.line_transfers;
  row.transfers_per_op = r.transfers_per_op();
  row.violations = r.violations;
  row.residual_readers = r.residual_readers;
  row.deadlock = r.deadlock;
  row.missed_wakeup = r.missed_wakeup;
  row.wall_sec = r.wall_sec;
  row.sim_ops_per_wall_sec = r.sim_ops_per_wall_sec();
  return row;
}

std::vector<traces::SweepRow> run_sweep(const std::vector<SweepRun>& runs, const SweepRunOptions& options) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  std::vector<traces::SweepRow> rows(runs.size());

  // ETA weights each run by its core count (the work grows with it).
  double total_weight = 0;
  for (const SweepRun& r : runs) total_weight += r.cores;
  double done_weight = 0;
  SweepProgress progress;
  progress.total = runs.size();

  replay::PoolCallbacks cb;
  cb.run = [&](std::size_t i) { return run_one(runs[i], options); };
  cb.identity = [&](std::size_t i) {
    replay::ReplayResult identity;
    identity.lock = runs[i].lock;
    identity.machine = options.machine.name;
    identity.cores = runs[i].cores;
    identity.seed = options.seed;
    return identity;
  };
  cb.finished = [&](std::size_t i, const replay::ReplayResult& result) {
    rows[i] = sweep_row(runs[i], result, options.scenario_name, options.machine.name);
    ++progress.done;
    if (rows[i].failed()) ++progress.failed;
    done_weight += runs[i].cores;
    progress.elapsed_sec = std::chrono::duration<double>(Clock::now() - start).count();
    progress.eta_sec = done_weight > 0 ? progress.elapsed_sec * (total_weight - done_weight) / done_weight : -1;
    progress.finished = &runs[i];
    progress.result = &result;
    if (options.progress) options.progress(progress);
    progress.finished = nullptr;
    progress.result = nullptr;
  };
  cb.tick = [&] {
    progress.elapsed_sec = std::chrono::duration<double>(Clock::now() - start).count();
    if (options.progress) options.progress(progress);
  };
  replay::run_pool(schedule(runs), options.jobs, cb);
  return rows;
}

}  // namespace lockscope::engine::sweep
