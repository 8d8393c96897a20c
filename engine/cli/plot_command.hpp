// `lockscope plot DIR`: redraws a sweep's plots from DIR/results.csv.
#pragma once

#include <CLI/CLI.hpp>

namespace lockscope::engine::cli {

struct PlotCommand;
PlotCommand& add_plot_command(CLI::App& app);
bool plot_selected(const PlotCommand& cmd);
int run_plot_command(const PlotCommand& cmd);

}  // namespace lockscope::engine::cli
