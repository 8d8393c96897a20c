// lockscope: a laboratory for reader-writer locks. The command-line front:
// parses, dispatches to a subcommand, and turns exceptions into one-line
// errors and a non-zero exit (they stop here, at the edge).
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <exception>

#include "engine/cli/bench_command.hpp"
#include "engine/cli/demo_command.hpp"
#include "engine/cli/explore_command.hpp"
#include "engine/cli/generate_command.hpp"
#include "engine/cli/litmus_command.hpp"
#include "engine/cli/machines_command.hpp"
#include "engine/cli/plot_command.hpp"
#include "engine/cli/record_command.hpp"
#include "engine/cli/replay_command.hpp"
#include "engine/cli/stress_command.hpp"
#include "engine/cli/study_command.hpp"
#include "engine/cli/sweep_command.hpp"
#include "engine/cli/validate_command.hpp"

namespace cli = lockscope::engine::cli;

int main(int argc, char** argv) {
  CLI::App app{"lockscope: a laboratory for reader-writer locks", "lockscope"};
  app.set_version_flag("--version", "lockscope " LOCKSCOPE_VERSION);
  app.require_subcommand(1);
  app.footer("Run `lockscope <command> --help` for a command's options. Docs: docs/ in the source tree.");
  cli::BenchCommand& bench = cli::add_bench_command(app);
  cli::StressCommand& stress = cli::add_stress_command(app);
  cli::GenerateCommand& generate = cli::add_generate_command(app);
  cli::RecordCommand& record = cli::add_record_command(app);
  cli::ReplayCommand& replay = cli::add_replay_command(app);
  cli::SweepCommand& sweep = cli::add_sweep_command(app);
  cli::PlotCommand& plot = cli::add_plot_command(app);
  cli::ExploreCommand& explore = cli::add_explore_command(app);
  cli::MachinesCommand& machines = cli::add_machines_command(app);
  cli::CalibrateCommand& calibrate = cli::add_calibrate_command(app);
  cli::DemoCommand& demo = cli::add_demo_command(app);
  cli::StudyCommand& study = cli::add_study_command(app);
  cli::ValidateCommand& validate = cli::add_validate_command(app);
  cli::LitmusCommand& litmus = cli::add_litmus_command(app);

  cli::split_record_argv(argc, argv);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    if (cli::bench_selected(bench)) return cli::run_bench_command(bench);
    if (cli::stress_selected(stress)) return cli::run_stress_command(stress);
    if (cli::generate_selected(generate)) return cli::run_generate_command(generate);
    if (cli::record_selected(record)) return cli::run_record_command(record);
    if (cli::replay_selected(replay)) return cli::run_replay_command(replay);
    if (cli::sweep_selected(sweep)) return cli::run_sweep_command(sweep);
    if (cli::plot_selected(plot)) return cli::run_plot_command(plot);
    if (cli::explore_selected(explore)) return cli::run_explore_command(explore);
    if (cli::machines_selected(machines)) return cli::run_machines_command(machines);
    if (cli::calibrate_selected(calibrate)) return cli::run_calibrate_command(calibrate);
    if (cli::demo_selected(demo)) return cli::run_demo_command(demo);
    if (cli::study_selected(study)) return cli::run_study_command(study);
    if (cli::validate_selected(validate)) return cli::run_validate_command(validate);
    if (cli::litmus_selected(litmus)) return cli::run_litmus_command(litmus);
  } catch (const std::exception& e) {
    fmt::print(stderr, "lockscope: {}\n", e.what());
    return 1;
  }
  return 0;
}
