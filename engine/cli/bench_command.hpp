// `lockscope bench` and `lockscope demo`: option parsing and the run.
#pragma once

#include <CLI/CLI.hpp>

namespace lockscope::engine::cli {

// Adds the `bench` subcommand to app; the returned callback runs it after
// parsing and returns the process exit code.
struct BenchCommand;
BenchCommand& add_bench_command(CLI::App& app);
bool bench_selected(const BenchCommand& cmd);
int run_bench_command(const BenchCommand& cmd);

}  // namespace lockscope::engine::cli
