// Running a sweep's plan: each run is a replay in a child process of its
// own (SimGrid allows one simulation per process), `jobs` at a time. The
// child reads the scenario with the run's overrides, generates the trace and
// replays it; the parent only schedules, collects summaries and reports
// progress. The longest runs (most cores) start first, so the last job to
// finish is a short one and `jobs` processes stay busy to the end.
//
// SIGINT and SIGTERM while a sweep runs kill its children, then the
// signal's default action ends the process.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/machine/machine.hpp"
#include "engine/replay/replay_result.hpp"
#include "engine/sweep/sweep_plan.hpp"
#include "traces/sweep_results.hpp"

namespace lockscope::engine::sweep {

struct SweepProgress {
  std::size_t done = 0;
  std::size_t failed = 0;
  std::size_t total = 0;
  double elapsed_sec = 0;
  double eta_sec = -1;  // -1 until something finished
  const SweepRun* finished = nullptr;  // the run that just finished (nullptr: a tick)
  const replay::ReplayResult* result = nullptr;
};

struct SweepRunOptions {
  std::string scenario_file;
  std::string scenario_name;  // for results.csv
  machine::Machine machine;   // all its cores; each run keeps the first `cores`
  std::uint64_t seed = 1;
  unsigned jobs = 1;
  std::function<void(const SweepProgress&)> progress;
};

// The rows in the order of `runs`; a run that failed has status "failed" and
// its error.
[[nodiscard]] std::vector<traces::SweepRow> run_sweep(const std::vector<SweepRun>& runs,
                                                      const SweepRunOptions& options);

// One finished run as a results.csv row.
[[nodiscard]] traces::SweepRow sweep_row(const SweepRun& run, const replay::ReplayResult& r,
                                         const std::string& scenario_name, const std::string& machine_name);

// The order run_sweep starts runs in: most cores first, ties in plan order.
[[nodiscard]] std::vector<std::size_t> schedule(const std::vector<SweepRun>& runs);

}  // namespace lockscope::engine::sweep
