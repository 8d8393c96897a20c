// `lockscope bench --suite simulator`: how fast the simulator runs, on the
// cases issue 15 sets targets for (bouncing on epyc-64 at 64 cores for graph
// and central, graph again recording a timeline, mesh-1024 for 1 ms), each a
// `lockscope replay --json` child whose `sim_ops_per_wall_sec` and `wall_sec`
// are read back. With a baseline (another lockscope binary, e.g. a build of
// an older commit) both run each case in turn, alternating, so that the
// ratio is of one moment of a noisy machine (docs/simulator.md, "Where the
// wall time goes").
#pragma once

#include <string>

namespace lockscope::engine::cli {

struct SimulatorSuiteOptions {
  std::string self;      // this lockscope binary
  std::string baseline;  // another one to run beside it, or empty
  unsigned repeat = 3;   // runs of each case by each binary; the best counts
  bool quick = false;    // leave out mesh-1024 (the longest case)
  std::string json;      // write the results here too ('-': stdout)
};

// Prints the table (and the JSON); returns the process exit status: 0, 1
// when a run failed, 2 for a bad option.
int run_simulator_suite(const SimulatorSuiteOptions& options);

}  // namespace lockscope::engine::cli
