// `lockscope machines` (the presets, and this machine if calibrated; one in
// full with --show) and `lockscope calibrate` (measure this machine and write
// its machine file). Wired like bench: add after the app is built, check
// *_selected after parsing, then run.
#pragma once

#include <CLI/CLI.hpp>

namespace lockscope::engine::cli {

struct MachinesCommand;
MachinesCommand& add_machines_command(CLI::App& app);
bool machines_selected(const MachinesCommand& cmd);
int run_machines_command(const MachinesCommand& cmd);

struct CalibrateCommand;
CalibrateCommand& add_calibrate_command(CLI::App& app);
bool calibrate_selected(const CalibrateCommand& cmd);
int run_calibrate_command(const CalibrateCommand& cmd);

}  // namespace lockscope::engine::cli
