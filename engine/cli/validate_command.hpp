// `lockscope validate`: a fixed suite of cases run on real threads and
// replayed, the very same operations, in the simulator on the calibrated
// machine; writes DIR/validate.csv and a plot, prints the error table
// (docs/fidelity.md). Wired like bench: add after the app is built, check
// validate_selected after parsing, then run.
#pragma once

#include <CLI/CLI.hpp>

namespace lockscope::engine::cli {

struct ValidateCommand;
ValidateCommand& add_validate_command(CLI::App& app);
bool validate_selected(const ValidateCommand& cmd);
int run_validate_command(const ValidateCommand& cmd);

}  // namespace lockscope::engine::cli
