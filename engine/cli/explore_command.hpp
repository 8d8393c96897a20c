// `lockscope explore`: replays one workload under many seeds with timing
// jitter and reports every run that deadlocked, missed a wakeup, broke
// mutual exclusion or left the reader count drifted, with the seed that
// reproduces it; the first such run is replayed again to write its timeline.
#pragma once

#include <CLI/CLI.hpp>

namespace lockscope::engine::cli {

struct ExploreCommand;
ExploreCommand& add_explore_command(CLI::App& app);
bool explore_selected(const ExploreCommand& cmd);
int run_explore_command(const ExploreCommand& cmd);

}  // namespace lockscope::engine::cli
