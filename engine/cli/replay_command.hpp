// `lockscope replay`: a workload against one or more locks on a simulated
// machine, with a summary, a JSON summary, and timeline exports.
#pragma once

#include <CLI/CLI.hpp>

namespace lockscope::engine::cli {

struct ReplayCommand;
ReplayCommand& add_replay_command(CLI::App& app);
bool replay_selected(const ReplayCommand& cmd);
int run_replay_command(const ReplayCommand& cmd);

}  // namespace lockscope::engine::cli
