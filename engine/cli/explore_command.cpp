#include "engine/cli/explore_command.hpp"

#include <fmt/format.h>

#include <string>
#include <vector>

#include "traces/atomic_output.hpp"
#include "engine/cli/progress.hpp"
#include "engine/cli/workload_input.hpp"
#include "engine/machine/machine.hpp"
#include "engine/machine/resolve.hpp"
#include "engine/replay/forked_replay.hpp"
#include "engine/replay/machine_costs.hpp"
#include "engine/replay/replay.hpp"
#include "traces/json_writer.hpp"

namespace lockscope::engine::cli {

struct ExploreCommand {
  CLI::App* sub = nullptr;
  WorkloadInput input;
  std::string lock = "graph";
  std::string machine = "laptop-8";
  unsigned cores = 0;
  unsigned seeds = 100;
  std::uint64_t first_seed = 1;
  double jitter = 0.5;
  std::string timeline;
  std::string json;
};

namespace {

std::string what_went_wrong(const replay::ReplayResult& r) {
  std::vector<std::string> parts;
  if (!r.error.empty()) parts.push_back("error: " + r.error);
  if (r.missed_wakeup) parts.push_back("missed wakeup");
  if (r.deadlock) {
    std::string who = "deadlock:";
    for (const auto& b : r.blocked) who += fmt::format(" worker {} in {};", b.worker, b.waiting_in);
    parts.push_back(who);
  }
  if (r.violations != 0) parts.push_back(fmt::format("{} mutual-exclusion violations", r.violations));
  if (r.residual_readers != 0) parts.push_back(fmt::format("reader count drifted by {}", r.residual_readers));
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : "; ") + p;
  return out;
}

}  // namespace

ExploreCommand& add_explore_command(CLI::App& app) {
  static ExploreCommand cmd;
  CLI::App* sub = app.add_subcommand(
      "explore", "Replay under many seeds with timing jitter and report every run that goes wrong");
  cmd.sub = sub;
  sub->footer(
      "Each seed jitters every hold and think duration, which reorders the races between\n"
      "workers. A run is wrong if it deadlocks (and, if a writer sleeps waiting for readers\n"
      "while none is inside, that is a missed wakeup), breaks mutual exclusion, or ends with\n"
      "a reader count that is not zero. The first wrong run is replayed again (same seed:\n"
      "replays are deterministic) to write its timeline.\n\n"
      "Example (the missed wakeup QEMU fixed in 2026):\n"
      "  lockscope explore --scenario scenarios/teaching/writer-storm.toml \\\n"
      "                    --lock graph:full:if_writer:polling --seeds 200 --timeline bad.lstl");
  sub->add_option("trace", cmd.input.trace, "Workload trace file");
  sub->add_option("--scenario", cmd.input.scenario, "Scenario file to generate the workload from");
  sub->add_option("--set", cmd.input.sets, "Override a scenario field: key=value (repeatable)");
  sub->add_option("--lock", cmd.lock, "Lock name (lockscope replay --list-locks)")->capture_default_str();
  sub->add_option("--machine", cmd.machine, "Machine preset, 'this-machine', or a file")->capture_default_str();
  sub->add_option("--cores", cmd.cores, "Use the first N cores of the machine");
  sub->add_option("--seeds", cmd.seeds, "How many seeds to try")->check(CLI::Range(1U, 1'000'000U))->capture_default_str();
  sub->add_option("--first-seed", cmd.first_seed, "The first seed")->capture_default_str();
  sub->add_option("--jitter", cmd.jitter, "Duration jitter J: factors in [1-J, 1+J]")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  sub->add_option("--timeline", cmd.timeline, "Write the first wrong run's timeline to FILE");
  sub->add_option("--json", cmd.json, "Write the findings as JSON to FILE ('-' for stdout)");
  return cmd;
}

bool explore_selected(const ExploreCommand& cmd) { return cmd.sub != nullptr && cmd.sub->parsed(); }

int run_explore_command(const ExploreCommand& cmd) {
  if (!replay::is_sim_lock(cmd.lock)) {
    fmt::print(stderr, "lockscope: --lock: '{}' does not run in the simulator (lockscope replay --list-locks)\n",
               cmd.lock);
    return 2;
  }
  auto machine = machine::resolve_machine(cmd.machine);
  if (machine && cmd.cores != 0) machine = machine::first_cores(*machine, cmd.cores);
  if (!machine) {
    fmt::print(stderr, "lockscope: --machine: {}\n", machine.error());
    return 2;
  }
  auto trace = load_workload(cmd.input);
  if (!trace) {
    fmt::print(stderr, "lockscope: {}\n", trace.error());
    return 2;
  }
  replay::ReplayOptions options;
  options.lock = cmd.lock;
  options.machine = machine->name;
  options.costs = replay::cost_model(*machine);
  options.sim_costs = replay::sim_costs(*machine);
  options.jitter = cmd.jitter;
  options.strict = true;  // exact timing: every overlap of critical sections is seen

  struct Finding {
    std::uint64_t seed;
    std::string what;
  };
  std::vector<Finding> findings;
  {
    Progress progress;
    for (unsigned i = 0; i < cmd.seeds; ++i) {
      options.seed = cmd.first_seed + i;
      progress.update(fmt::format("{}: seed {} ({} of {}), {} wrong so far", cmd.lock, options.seed, i + 1,
                                  cmd.seeds, findings.size()));
      const replay::ReplayResult r = replay::replay_in_child(*trace, options, "");
      if (!r.healthy()) findings.push_back({options.seed, what_went_wrong(r)});
    }
  }
  fmt::print("{} on {} ({} cores): {} seeds from {}, jitter {}: {} wrong\n", cmd.lock, machine->name,
             machine->cores(), cmd.seeds, cmd.first_seed, cmd.jitter, findings.size());
  for (const Finding& f : findings) fmt::print("  seed {}: {}\n", f.seed, f.what);
  if (!findings.empty()) {
    std::string input = cmd.input.trace.empty() ? "--scenario " + cmd.input.scenario : cmd.input.trace;
    for (const std::string& set : cmd.input.sets) input += " --set " + set;
    const std::string cores = cmd.cores != 0 ? fmt::format(" --cores {}", cmd.cores) : "";
    fmt::print("reproduce: lockscope replay {} --lock {} --machine {}{} --seed {} --jitter {}\n", input, cmd.lock,
               cmd.machine, cores, findings.front().seed, cmd.jitter);
  }
  if (!findings.empty() && !cmd.timeline.empty()) {
    options.seed = findings.front().seed;
    const replay::ReplayResult again = replay::replay_in_child(*trace, options, cmd.timeline);
    fmt::print("timeline of seed {} written to {}\n", options.seed, cmd.timeline);
    if (again.healthy()) fmt::print(stderr, "lockscope: warning: seed {} did not reproduce\n", options.seed);
  }
  if (!cmd.json.empty()) {
    traces::JsonWriter w;
    w.begin_object().field("lock", cmd.lock).field("machine", machine->name).field("cores", machine->cores());
    w.field("seeds", cmd.seeds).field("first_seed", cmd.first_seed).field("jitter", cmd.jitter);
    w.key("findings").begin_array();
    for (const Finding& f : findings) w.begin_object().field("seed", f.seed).field("what", f.what).end_object();
    w.end_array().end_object();
    if (auto written = traces::write_file_atomically(cmd.json, w.str() + "\n"); !written) {
      fmt::print(stderr, "lockscope: {}\n", written.error());
      return 1;
    }
  }
  return findings.empty() ? 0 : 4;
}

}  // namespace lockscope::engine::cli
