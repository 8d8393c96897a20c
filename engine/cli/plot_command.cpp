#include "engine/cli/plot_command.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "engine/cli/sweep_command.hpp"
#include "traces/sweep_results.hpp"

namespace lockscope::engine::cli {

struct PlotCommand {
  CLI::App* sub = nullptr;
  std::string dir;
};

PlotCommand& add_plot_command(CLI::App& app) {
  static PlotCommand cmd;
  CLI::App* sub = app.add_subcommand("plot", "Redraw a sweep's plots from DIR/results.csv");
  cmd.sub = sub;
  sub->footer("Writes DIR/{throughput,wait,transfers}.{svg,png} (docs/sweep.md).");
  sub->add_option("dir", cmd.dir, "A sweep's output directory")->required();
  return cmd;
}

bool plot_selected(const PlotCommand& cmd) { return cmd.sub != nullptr && cmd.sub->parsed(); }

int run_plot_command(const PlotCommand& cmd) {
#ifndef LOCKSCOPE_HAVE_PLOT
  fmt::print(stderr, "lockscope: plot: this lockscope was built without Qt 6 (Gui, Svg), so it cannot draw\n");
  (void)cmd;
  return 1;
#else
  const std::string path = (std::filesystem::path(cmd.dir) / "results.csv").string();
  auto table = traces::read_sweep_csv_file(path);
  if (!table) {
    fmt::print(stderr, "lockscope: {}\n", table.error().to_string());
    return 2;
  }
  return write_sweep_outputs(*table, cmd.dir, false, false);
#endif
}

}  // namespace lockscope::engine::cli
