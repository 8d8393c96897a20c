#include "engine/cli/replay_command.hpp"

#include <fmt/format.h>

#include <expected>
#include <filesystem>
#include <optional>
#include <fstream>
#include <sstream>
#include <vector>

#include "engine/cli/lists.hpp"
#include "engine/cli/memory_model_option.hpp"
#include "traces/atomic_output.hpp"
#include "engine/cli/progress.hpp"
#include "engine/cli/workload_input.hpp"
#include "engine/machine/machine.hpp"
#include "engine/machine/resolve.hpp"
#include "engine/replay/forked_replay.hpp"
#include "engine/replay/machine_costs.hpp"
#include "engine/replay/replay.hpp"
#include "engine/replay/summary.hpp"
#include "traces/paje_export.hpp"
#include "traces/perfetto_export.hpp"
#include "traces/timeline_file.hpp"

namespace lockscope::engine::cli {

struct ReplayCommand {
  CLI::App* sub = nullptr;
  WorkloadInput input;
  std::string locks = "graph";
  std::string machine = "epyc-64";
  unsigned cores = 0;
  MemoryModelOption memory_model;
  std::uint64_t seed = 1;
  double jitter = 0;
  std::string json;
  std::string timeline;
  std::string perfetto;
  std::string paje;
  std::string only_lock;
  bool quiet = false;
  bool strict = false;
};

namespace {

// out.lstl + central -> out.central.lstl, when several locks share a flag.
std::string per_lock(const std::string& path, const std::string& lock, bool several) {
  if (path.empty() || !several) return path;
  std::string safe = lock;
  for (char& c : safe) {
    if (c == ':') c = '-';
  }
  const std::filesystem::path p(path);
  return (p.parent_path() / (p.stem().string() + "." + safe + p.extension().string())).string();
}

// The exports are derived from the timeline file the child wrote.
int export_views(const std::string& timeline_path, const std::string& perfetto, const std::string& paje) {
  if (perfetto.empty() && paje.empty()) return 0;
  auto timeline = traces::read_timeline_file(timeline_path);
  if (!timeline) {
    fmt::print(stderr, "lockscope: {}\n", timeline.error().to_string());
    return 1;
  }
  if (!perfetto.empty()) {
    std::ostringstream out;
    traces::write_perfetto(out, *timeline);
    if (auto w = traces::write_file_atomically(perfetto, out.str()); !w) {
      fmt::print(stderr, "lockscope: {}\n", w.error());
      return 1;
    }
  }
  if (!paje.empty()) {
    std::ostringstream out;
    traces::write_paje(out, *timeline);
    if (auto w = traces::write_file_atomically(paje, out.str()); !w) {
      fmt::print(stderr, "lockscope: {}\n", w.error());
      return 1;
    }
  }
  return 0;
}

// --only-lock NAME|ID: the trace's rwlock with that name, or that id.
std::expected<std::uint32_t, std::string> find_trace_lock(const traces::WorkloadTrace& trace, const std::string& key) {
  if (trace.locks.empty()) {
    return std::unexpected("the trace declares no locks (a version-1 trace has one rwlock: use --lock alone)");
  }
  std::optional<std::uint32_t> id;
  for (std::uint32_t i = 0; i < trace.locks.size(); ++i) {
    if (trace.locks[i].name == key) id = i;
  }
  if (!id && !key.empty() && key.find_first_not_of("0123456789") == std::string::npos && key.size() < 10) {
    if (const auto n = static_cast<std::uint32_t>(std::stoul(key)); n < trace.locks.size()) id = n;
  }
  if (!id) return std::unexpected(fmt::format("the trace has no lock named or numbered '{}'", key));
  if (trace.locks[*id].kind != traces::LockKind::rwlock) {
    return std::unexpected(fmt::format("'{}' is a mutex; mutexes stay mutexes (glibc-mutex)", key));
  }
  return *id;
}

}  // namespace

ReplayCommand& add_replay_command(CLI::App& app) {
  static ReplayCommand cmd;
  CLI::App* sub = app.add_subcommand("replay", "Replay a workload against locks on a simulated machine");
  cmd.sub = sub;
  sub->footer(
      "The workload is a trace file (docs/trace-format.md) or a scenario (docs/scenarios.md).\n"
      "Several locks (--lock graph,central) run one after another, each in its own process,\n"
      "and are compared in one table; per-lock output files get the lock's name inserted.\n"
      "A recorded trace (lockscope record) names many locks: every rwlock is replayed as --lock\n"
      "(or only --only-lock's), mutexes stay mutexes (glibc-mutex), and the summary puts each\n"
      "lock's simulated waits beside the waits the recording observed.\n\n"
      "Examples:\n"
      "  lockscope replay --scenario scenarios/teaching/bouncing.toml --lock graph,central --machine epyc-64\n"
      "  lockscope replay trace.lsw --lock graph --machine xeon-2s-56 --cores 16 --timeline run.lstl\n"
      "  lockscope replay --scenario scenarios/qemu/iothreads.toml --set writes.write_permille=5 --json -\n"
      "  lockscope replay app.workload.gz --lock graph,percpu,glibc-rwlock --machine this-machine");
  sub->add_option("trace", cmd.input.trace, "Workload trace file");
  sub->add_option("--scenario", cmd.input.scenario, "Scenario file to generate the workload from");
  sub->add_option("--set", cmd.input.sets, "Override a scenario field: key=value (repeatable)");
  sub->add_option("--lock", cmd.locks, "Lock name(s), comma-separated (lockscope replay --list-locks)")
      ->capture_default_str();
  sub->add_option("--machine", cmd.machine, "Machine preset, 'this-machine', or a .toml/.csv file")
      ->capture_default_str();
  sub->add_option("--only-lock", cmd.only_lock,
                  "Of a recorded (version-2) trace, replace only this rwlock (its name or id) with --lock; the "
                  "others replay as glibc-rwlock, what they were");
  sub->add_option("--cores", cmd.cores, "Use the first N cores of the machine (default: all)");
  add_memory_model_option(*sub, cmd.memory_model);
  sub->add_option("--seed", cmd.seed, "Seed for timing jitter")->capture_default_str();
  sub->add_option("--jitter", cmd.jitter, "Scale each duration by a random factor in [1-J, 1+J]")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  sub->add_option("--json", cmd.json, "Write the JSON summary to FILE ('-' for stdout)");
  sub->add_option("--timeline", cmd.timeline, "Write the timeline (for lockscope-gui) to FILE");
  sub->add_option("--perfetto", cmd.perfetto, "Write Chrome trace-event JSON for ui.perfetto.dev to FILE");
  sub->add_option("--paje", cmd.paje, "Write a Pajé trace (ViTE, pj_dump) to FILE");
  sub->add_flag("--quiet", cmd.quiet, "Print no summary (only errors)");
  sub->add_flag("--strict", cmd.strict,
                "Exact timing (no lazy clocks): slower, and every overlap of critical sections is checked");
  sub->add_flag_callback("--list-locks", [] {
    for (const std::string_view name : replay::sim_lock_names()) {
      const std::string_view broken = replay::sim_lock_broken(name);
      if (broken.empty()) {
        fmt::print("{}\n", name);
      } else {
        fmt::print("{:<28} {}\n", name, broken);
      }
    }
    fmt::print("\nbravo and bravo-nofence take the visible-readers table's size: bravo:slots=N (1 to {}, default {})\n",
               replay::kMaxTableSlots, replay::kDefaultBravoSlots);
    std::exit(0);
  }, "List the lock names replay knows and exit");
  return cmd;
}

bool replay_selected(const ReplayCommand& cmd) { return cmd.sub != nullptr && cmd.sub->parsed(); }

int run_replay_command(const ReplayCommand& cmd) {
  const std::vector<std::string> locks = split_commas(cmd.locks);
  if (locks.empty()) {
    fmt::print(stderr, "lockscope: --lock: no lock named\n");
    return 2;
  }
  for (const std::string& lock : locks) {
    if (const std::string problem = replay::sim_lock_problem(lock); !problem.empty()) {
      fmt::print(stderr, "lockscope: --lock: {}\n", problem);
      return 2;
    }
  }
  auto machine = machine::resolve_machine(cmd.machine);
  if (!machine) {
    fmt::print(stderr, "lockscope: --machine: {}\n", machine.error());
    return 2;
  }
  if (cmd.cores != 0) {
    machine = machine::first_cores(*machine, cmd.cores);
    if (!machine) {
      fmt::print(stderr, "lockscope: --cores: {}\n", machine.error());
      return 2;
    }
  }
  if (auto ok = apply_memory_model(cmd.memory_model, *machine); !ok) {
    fmt::print(stderr, "lockscope: {}\n", ok.error());
    return 2;
  }
  auto trace = load_workload(cmd.input);
  if (!trace) {
    fmt::print(stderr, "lockscope: {}\n", trace.error());
    return 2;
  }

  std::optional<std::uint32_t> only_lock;
  if (!cmd.only_lock.empty()) {
    auto id = find_trace_lock(*trace, cmd.only_lock);
    if (!id) {
      fmt::print(stderr, "lockscope: --only-lock: {}\n", id.error());
      return 2;
    }
    only_lock = *id;
  }

  const bool several = locks.size() > 1;
  std::vector<replay::ReplayResult> results;
  for (const std::string& lock : locks) {
    replay::ReplayOptions options;
    options.lock = lock;
    options.machine = machine->name;
    options.costs = replay::cost_model(*machine);
    options.sim_costs = replay::sim_costs(*machine);
    options.seed = cmd.seed;
    options.jitter = cmd.jitter;
    options.strict = cmd.strict;
    options.only_lock = only_lock;
    std::string timeline = per_lock(cmd.timeline, lock, several);
    const bool exports = !cmd.perfetto.empty() || !cmd.paje.empty();
    std::string scratch;
    if (timeline.empty() && exports) {
      scratch = (std::filesystem::temp_directory_path() / fmt::format("lockscope-{}.lstl", getpid())).string();
      timeline = scratch;
    }
    if (!cmd.quiet) {
      options.progress = [lock](double done) {
        static Progress progress;
        progress.update(fmt::format("{}: {:.0f}% of the trace", lock, done * 100));
      };
    }
    replay::ReplayResult r = replay::replay_in_child(*trace, options, timeline);
    if (!cmd.quiet) fmt::print(stderr, "\r\033[K");
    if (r.error.empty() && !timeline.empty()) {
      if (const int status = export_views(timeline, per_lock(cmd.perfetto, lock, several),
                                          per_lock(cmd.paje, lock, several));
          status != 0) {
        return status;
      }
    }
    if (!scratch.empty()) std::filesystem::remove(scratch);
    results.push_back(std::move(r));
  }

  if (!cmd.quiet) {
    for (const replay::ReplayResult& r : results) {
      replay::print_summary(stdout, r);
      fmt::print("\n");
    }
    if (several) replay::print_comparison(stdout, results);
  }
  if (!cmd.json.empty()) {
    std::vector<std::string> objects;
    for (const replay::ReplayResult& r : results) objects.push_back(replay::summary_json(r));
    if (auto w = traces::write_file_atomically(cmd.json, json_one_or_array(objects)); !w) {
      fmt::print(stderr, "lockscope: {}\n", w.error());
      return 1;
    }
  }
  int status = 0;
  for (const replay::ReplayResult& r : results) {
    if (!r.error.empty()) {
      fmt::print(stderr, "lockscope: {}: {}\n", r.lock, r.error);
      status = 3;
    } else if (!r.healthy()) {
      status = 4;  // deadlock, violation or drift: reported in the summary
    }
  }
  return status;
}

}  // namespace lockscope::engine::cli
