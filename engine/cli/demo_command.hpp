// `lockscope demo`: the teaching replay. The bouncing scenario (embedded)
// on a simulated 32-core EPYC, `graph` against `central`, a comparison on
// the terminal, and a timeline per lock for the GUI.
#pragma once

#include <CLI/CLI.hpp>

namespace lockscope::engine::cli {

struct DemoCommand;
DemoCommand& add_demo_command(CLI::App& app);
bool demo_selected(const DemoCommand& cmd);
int run_demo_command(const DemoCommand& cmd);

}  // namespace lockscope::engine::cli
