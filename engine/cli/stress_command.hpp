// `lockscope stress`: option parsing and the soak run (docs/stress.md).
#pragma once

#include <CLI/CLI.hpp>

namespace lockscope::engine::cli {

// Adds the `stress` subcommand to app; run_stress_command runs it after
// parsing and returns the process exit code.
struct StressCommand;
StressCommand& add_stress_command(CLI::App& app);
bool stress_selected(const StressCommand& cmd);
int run_stress_command(const StressCommand& cmd);

}  // namespace lockscope::engine::cli
