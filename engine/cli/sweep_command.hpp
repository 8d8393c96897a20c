// `lockscope sweep`: every combination of locks x core counts x swept
// scenario values, each run a replay in a child process, J at a time;
// DIR/results.csv and the plots (docs/sweep.md).
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "traces/sweep_results.hpp"

namespace lockscope::engine::cli {

struct SweepCommand;
SweepCommand& add_sweep_command(CLI::App& app);
bool sweep_selected(const SweepCommand& cmd);
int run_sweep_command(const SweepCommand& cmd);

// Writes DIR/results.csv and, when lockscope was built with Qt, the plots;
// says on stderr what it wrote or why plots are missing. Shared with
// `bench --sweep` and `plot`. Returns 0 or 1 (a file could not be written).
int write_sweep_outputs(const traces::SweepTable& table, const std::string& dir, bool csv, bool quiet);

}  // namespace lockscope::engine::cli
