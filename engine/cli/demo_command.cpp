#include "engine/cli/demo_command.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <string>
#include <vector>

#include "engine/cli/demo_scenario.hpp"
#include "engine/cli/progress.hpp"
#include "engine/machine/machine.hpp"
#include "engine/machine/presets.hpp"
#include "engine/replay/forked_replay.hpp"
#include "engine/replay/machine_costs.hpp"
#include "engine/replay/summary.hpp"
#include "engine/scenario/generator.hpp"
#include "engine/scenario/scenario_reader.hpp"
#include "traces/narrative.hpp"

namespace lockscope::engine::cli {

struct DemoCommand {
  CLI::App* sub = nullptr;
  std::string out_dir = "lockscope-demo";
  unsigned cores = 32;
};

DemoCommand& add_demo_command(CLI::App& app) {
  static DemoCommand cmd;
  CLI::App* sub = app.add_subcommand("demo", "Cacheline bouncing, simulated: graph against central on 32 cores");
  cmd.sub = sub;
  sub->add_option("--out", cmd.out_dir, "Folder for the timeline files")->capture_default_str();
  sub->add_option("--cores", cmd.cores, "Simulated cores (of epyc-64)")
      ->check(CLI::Range(1U, 64U))
      ->capture_default_str();
  return cmd;
}

bool demo_selected(const DemoCommand& cmd) { return cmd.sub != nullptr && cmd.sub->parsed(); }

int run_demo_command(const DemoCommand& cmd) {
  const std::vector<std::string> sets = {fmt::format("contexts.count={}", cmd.cores)};
  auto scenario = scenario::read_scenario(kDemoScenario, kDemoScenarioFile, sets);
  if (!scenario) {
    fmt::print(stderr, "lockscope: demo: {}\n", scenario.error().to_string());
    return 1;
  }
  auto machine = machine::preset("epyc-64");
  if (machine) machine = machine::first_cores(*machine, cmd.cores);
  if (!machine) {
    fmt::print(stderr, "lockscope: demo: {}\n", machine.error());
    return 1;
  }
  const traces::WorkloadTrace trace = scenario::generate(*scenario);
  fmt::print("lockscope demo: {} readers on a simulated {}-core AMD EPYC (epyc-64, CCXs of 8 cores).\n",
             trace.workers.size(), cmd.cores);
  fmt::print("No writer ever comes; each reader holds the lock ~5 ns and thinks ~40 ns.\n\n");
  fmt::print("{}\n", traces::narrative_of_text(kDemoScenario));

  std::error_code ec;
  std::filesystem::create_directories(cmd.out_dir, ec);
  if (ec) {
    fmt::print(stderr, "lockscope: demo: {}: cannot create: {}\n", cmd.out_dir, ec.message());
    return 1;
  }
  std::vector<replay::ReplayResult> results;
  std::vector<std::string> timelines;
  {
    Progress progress;
    for (const char* lock : {"graph", "central"}) {
      replay::ReplayOptions options;
      options.lock = lock;
      options.machine = machine->name;
      options.costs = replay::cost_model(*machine);
      options.sim_costs = replay::sim_costs(*machine);
      const std::string timeline = (std::filesystem::path(cmd.out_dir) / fmt::format("bouncing-{}.lstl", lock)).string();
      progress.update(fmt::format("replaying {} on {} simulated cores", lock, cmd.cores));
      results.push_back(replay::replay_in_child(trace, options, timeline));
      timelines.push_back(timeline);
    }
  }
  for (const replay::ReplayResult& r : results) {
    if (!r.error.empty()) {
      fmt::print(stderr, "lockscope: demo: {}: {}\n", r.lock, r.error);
      return 1;
    }
  }
  replay::print_comparison(stdout, results);
  const replay::ReplayResult& graph = results[0];
  const replay::ReplayResult& central = results[1];
  fmt::print("\ngraph reads {:.1f}x faster than central here. central moves {:.2f} cachelines per\n"
             "operation (its one reader counter, `central.readers`, travels from core to core on\n"
             "every rdlock and rdunlock); graph moves {:.4f}: each context counts its readers in\n"
             "a line of its own, so readers never touch each other's lines.\n",
             graph.throughput_ops_per_sim_sec() / std::max(central.throughput_ops_per_sim_sec(), 1.0),
             central.transfers_per_op(), graph.transfers_per_op());
  fmt::print("\nTimelines (open with lockscope-gui, or export with `lockscope replay --perfetto`):\n");
  for (const std::string& t : timelines) fmt::print("  {}\n", t);
  fmt::print("Simulator speed: graph {:.2f} M, central {:.2f} M lock ops per wall second.\n",
             graph.sim_ops_per_wall_sec() / 1e6, central.sim_ops_per_wall_sec() / 1e6);
  return graph.healthy() && central.healthy() ? 0 : 4;
}

}  // namespace lockscope::engine::cli
