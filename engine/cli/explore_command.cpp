#include "engine/cli/explore_command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <numeric>
#include <thread>
#include <string>
#include <vector>

#include "traces/atomic_output.hpp"
#include "engine/cli/explore_jobs.hpp"
#include "engine/cli/memory_model_option.hpp"
#include "engine/cli/progress.hpp"
#include "engine/cli/workload_input.hpp"
#include "engine/machine/machine.hpp"
#include "engine/machine/resolve.hpp"
#include "engine/replay/child_pool.hpp"
#include "engine/replay/forked_replay.hpp"
#include "engine/replay/machine_costs.hpp"
#include "engine/replay/replay.hpp"
#include "engine/sweep/job_array.hpp"
#include "traces/json_writer.hpp"

namespace lockscope::engine::cli {

struct ExploreCommand {
  CLI::App* sub = nullptr;
  WorkloadInput input;
  std::string lock = "graph";
  std::string machine = "laptop-8";
  unsigned cores = 0;
  MemoryModelOption memory_model;
  unsigned seeds = 100;
  std::uint64_t first_seed = 1;
  double jitter = 0.5;
  unsigned jobs = 0;          // 0: one per CPU
  std::string timeline;
  std::string json;
  std::string emit_jobs;      // split into seed ranges in DIR, run nothing
  std::uint64_t seeds_per_job = 1000;
  bool emit_slurm = false;
  std::string merge;          // merge DIR's ranges into one report
  std::string results;        // one range's findings (what each job writes)
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
  add_memory_model_option(*sub, cmd.memory_model);
  sub->add_option("--seeds", cmd.seeds, "How many seeds to try")->check(CLI::Range(1U, 1'000'000U))->capture_default_str();
  sub->add_option("--first-seed", cmd.first_seed, "The first seed")->capture_default_str();
  sub->add_option("--jitter", cmd.jitter, "Duration jitter J: factors in [1-J, 1+J]")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  sub->add_option("--jobs,-j", cmd.jobs, "Seeds replayed at a time, each in its own process (default: the number of CPUs)");
  sub->add_option("--timeline", cmd.timeline, "Write the first wrong run's timeline to FILE");
  sub->add_option("--json", cmd.json, "Write the findings as JSON to FILE ('-' for stdout)");
  sub->add_option("--emit-jobs", cmd.emit_jobs, "Run nothing: write the seeds as independent jobs in DIR");
  sub->add_option("--seeds-per-job", cmd.seeds_per_job, "With --emit-jobs: seeds in each job")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1'000'000}))
      ->capture_default_str();
  sub->add_flag("--emit-slurm", cmd.emit_slurm, "With --emit-jobs: also write DIR/explore.sbatch, a Slurm job array");
  sub->add_option("--merge", cmd.merge, "Report the findings of an --emit-jobs DIR's finished jobs");
  sub->add_option("--results", cmd.results,
                  "Write this range's findings to FILE (TOML), exit 0 once written: what each job runs");
  return cmd;
}

bool explore_selected(const ExploreCommand& cmd) { return cmd.sub != nullptr && cmd.sub->parsed(); }

namespace {

// What one exploration found, as `explore` prints it and writes its JSON;
// the same for one run over every seed and for --merge of its ranges.
struct Report {
  ExplorePlan plan;          // as the user (or the merged jobs) asked
  std::string machine_name;
  unsigned machine_cores = 0;
  machine::MemoryModel memory_model = machine::MemoryModel::sc;  // what the runs simulated
  std::vector<ExploreFinding> findings;
};

void print_report(const Report& r) {
  const ExplorePlan& p = r.plan;
  // The model only when it is tso, so that an sc report reads as it did before tso existed.
  const std::string model = r.memory_model == machine::MemoryModel::sc
                                ? std::string()
                                : fmt::format(", memory model {}", machine::to_string(r.memory_model));
  fmt::print("{} on {} ({} cores){}: {} seeds from {}, jitter {}: {} wrong\n", p.lock, r.machine_name,
             r.machine_cores, model, p.seeds, p.first_seed, p.jitter, r.findings.size());
  for (const ExploreFinding& f : r.findings) fmt::print("  seed {}: {}\n", f.seed, f.what);
  if (r.findings.empty()) return;
  std::string input = p.input.trace.empty() ? "--scenario " + p.input.scenario : p.input.trace;
  for (const std::string& set : p.input.sets) input += " --set " + set;
  const std::string cores = p.cores != 0 ? fmt::format(" --cores {}", p.cores) : "";
  const std::string memory_model = p.memory_model.empty() ? "" : " --memory-model " + p.memory_model;
  // --strict: explore replays with exact timing (see run_explore), and a
  // replay without it is a different run of the same seed.
  fmt::print("reproduce: lockscope replay {} --lock {} --machine {}{}{} --seed {} --jitter {} --strict\n", input,
             p.lock, p.machine, cores, memory_model, r.findings.front().seed, p.jitter);
}

std::expected<void, std::string> write_json(const Report& r, const std::string& file) {
  traces::JsonWriter w;
  w.begin_object().field("lock", r.plan.lock).field("machine", r.machine_name).field("cores", r.machine_cores);
  if (r.memory_model != machine::MemoryModel::sc) w.field("memory_model", machine::to_string(r.memory_model));
  w.field("seeds", r.plan.seeds).field("first_seed", r.plan.first_seed).field("jitter", r.plan.jitter);
  w.key("findings").begin_array();
  for (const ExploreFinding& f : r.findings) w.begin_object().field("seed", f.seed).field("what", f.what).end_object();
  w.end_array().end_object();
  return traces::write_file_atomically(file, w.str() + "\n");
}

ExplorePlan plan_of(const ExploreCommand& cmd) {
  ExplorePlan p;
  p.input = cmd.input;
  p.lock = cmd.lock;
  p.machine = cmd.machine;
  p.cores = cmd.cores;
  p.memory_model = cmd.memory_model.given() ? cmd.memory_model.value : "";
  p.first_seed = cmd.first_seed;
  p.seeds = cmd.seeds;
  p.jitter = cmd.jitter;
  return p;
}

// Empty when the flags given belong together, else the one-line error.
std::string mode_error(const ExploreCommand& cmd) {
  const int modes = static_cast<int>(!cmd.emit_jobs.empty()) + static_cast<int>(!cmd.merge.empty()) +
                    static_cast<int>(!cmd.results.empty());
  if (modes > 1) return "--emit-jobs, --merge and --results go one at a time";
  if (cmd.emit_slurm && cmd.emit_jobs.empty()) return "--emit-slurm goes with --emit-jobs DIR";
  if (!cmd.merge.empty() && (!cmd.input.trace.empty() || !cmd.input.scenario.empty() || !cmd.timeline.empty() ||
                             cmd.memory_model.given())) {
    return "--merge takes only the jobs directory (and --json): the plan in it says what was explored";
  }
  if ((!cmd.emit_jobs.empty() || !cmd.results.empty()) && !cmd.timeline.empty()) {
    return "--timeline needs the whole exploration: replay the seed --merge names with --timeline";
  }
  return {};
}

int run_merge(const ExploreCommand& cmd) {
  auto m = merge_explore_jobs(cmd.merge);
  if (!m) {
    fmt::print(stderr, "lockscope: {}\n", m.error());
    return 2;
  }
  const std::filesystem::path dir(cmd.merge);
  const std::filesystem::path missing_file = dir / "missing-jobs.txt";
  if (!m->missing.empty()) {
    std::string text;
    for (const std::string& line : m->missing_jobs) text += line + "\n";
    if (auto w = traces::write_file_atomically(missing_file.string(), text); !w) {
      fmt::print(stderr, "lockscope: {}\n", w.error());
      return 1;
    }
  } else {
    std::error_code ignored;
    std::filesystem::remove(missing_file, ignored);
  }
  std::ranges::sort(m->findings, {}, &ExploreFinding::seed);
  Report r{m->plan, m->machine_name, m->machine_cores, m->memory_model, std::move(m->findings)};
  r.plan.seeds = m->seeds_done;
  print_report(r);
  const std::string json = cmd.json.empty() ? (dir / "findings.json").string() : cmd.json;
  if (auto w = write_json(r, json); !w) {
    fmt::print(stderr, "lockscope: {}\n", w.error());
    return 1;
  }
  if (!m->missing.empty()) {
    fmt::print(stderr,
               "lockscope: {} of {} jobs are missing ({} seeds of {} explored); their commands are in {}: run them "
               "(e.g. `parallel < {}`, or submit explore.sbatch again) and merge again\n",
               m->missing.size(), m->jobs, m->seeds_done, m->plan.seeds, missing_file.string(),
               missing_file.string());
    return 5;
  }
  return r.findings.empty() ? 0 : 4;
}

}  // namespace

int run_explore_command(const ExploreCommand& cmd) {
  if (const std::string bad = mode_error(cmd); !bad.empty()) {
    fmt::print(stderr, "lockscope: explore: {}\n", bad);
    return 2;
  }
  if (!cmd.merge.empty()) return run_merge(cmd);
  if (const std::string problem = replay::sim_lock_problem(cmd.lock); !problem.empty()) {
    fmt::print(stderr, "lockscope: --lock: {}\n", problem);
    return 2;
  }
  auto all_cores = machine::resolve_machine(cmd.machine);
  auto machine = all_cores;
  if (machine && cmd.cores != 0) machine = machine::first_cores(*machine, cmd.cores);
  if (!machine) {
    fmt::print(stderr, "lockscope: --machine: {}\n", machine.error());
    return 2;
  }
  // Both: the runs here, and a machine that --emit-jobs freezes into its
  // directory (whose job lines carry the flag as well).
  for (machine::Machine* m : {&*all_cores, &*machine}) {
    if (auto ok = apply_memory_model(cmd.memory_model, *m); !ok) {
      fmt::print(stderr, "lockscope: {}\n", ok.error());
      return 2;
    }
  }
  auto trace = load_workload(cmd.input);
  if (!trace) {
    fmt::print(stderr, "lockscope: {}\n", trace.error());
    return 2;
  }
  if (!cmd.emit_jobs.empty()) {
    ExploreJobsSpec spec{plan_of(cmd), *all_cores, cmd.seeds_per_job, sweep::this_executable(), cmd.emit_slurm};
    auto jobs = emit_explore_jobs(spec, cmd.emit_jobs);
    if (!jobs) {
      fmt::print(stderr, "lockscope: {}\n", jobs.error());
      return 2;
    }
    const std::string dir = std::filesystem::canonical(cmd.emit_jobs).string();
    fmt::print("{} jobs of up to {} seeds written to {}/jobs.txt\n", *jobs, cmd.seeds_per_job, dir);
    fmt::print("run them:   parallel --joblog {}/joblog < {}/jobs.txt\n", dir, dir);
    if (cmd.emit_slurm) fmt::print("or submit:  sbatch {}/explore.sbatch\n", dir);
    fmt::print("then merge: lockscope explore --merge {}\n", dir);
    return 0;
  }
  replay::ReplayOptions options;
  options.lock = cmd.lock;
  options.machine = machine->name;
  options.costs = replay::cost_model(*machine);
  options.sim_costs = replay::sim_costs(*machine);
  options.jitter = cmd.jitter;
  options.strict = true;  // exact timing: every overlap of critical sections is seen

  Report report{plan_of(cmd), machine->name, static_cast<unsigned>(machine->cores()), machine->memory_model, {}};
  {
    Progress progress;
    std::size_t done = 0;
    replay::PoolCallbacks cb;
    cb.run = [&](std::size_t i) {
      replay::ReplayOptions o = options;
      o.seed = cmd.first_seed + i;
      return replay::replay(*trace, o);
    };
    cb.identity = [&](std::size_t i) {
      replay::ReplayResult identity;
      identity.lock = cmd.lock;
      identity.machine = machine->name;
      identity.cores = static_cast<std::uint32_t>(machine->cores());
      identity.seed = cmd.first_seed + i;
      return identity;
    };
    cb.finished = [&](std::size_t i, const replay::ReplayResult& r) {
      ++done;
      if (!r.healthy()) report.findings.push_back({cmd.first_seed + i, what_went_wrong(r)});
      progress.update(fmt::format("{}: {} of {} seeds, {} wrong so far", cmd.lock, done, cmd.seeds,
                                  report.findings.size()));
    };
    std::vector<std::size_t> order(cmd.seeds);
    std::iota(order.begin(), order.end(), std::size_t{0});
    const unsigned jobs = cmd.jobs != 0 ? cmd.jobs : std::max(1U, std::thread::hardware_concurrency());
    replay::run_pool(order, jobs, cb);
    // Seeds finish in any order with several at a time; the report lists them by seed.
    std::ranges::sort(report.findings, {}, &ExploreFinding::seed);
  }
  if (!cmd.results.empty()) {
    // A job's findings are its result: exit 0 once they are written, so
    // the job engine sees a job that did its work; --merge reports them.
    const ExploreRange range{cmd.lock,
                             machine->name,
                             static_cast<unsigned>(machine->cores()),
                             std::string(machine::to_string(machine->memory_model)),
                             cmd.first_seed,
                             cmd.seeds,
                             cmd.jitter,
                             report.findings};
    if (auto w = traces::write_file_atomically(cmd.results, write_explore_range(range)); !w) {
      fmt::print(stderr, "lockscope: {}\n", w.error());
      return 1;
    }
    return 0;
  }
  print_report(report);
  if (!report.findings.empty() && !cmd.timeline.empty()) {
    options.seed = report.findings.front().seed;
    const replay::ReplayResult again = replay::replay_in_child(*trace, options, cmd.timeline);
    fmt::print("timeline of seed {} written to {}\n", options.seed, cmd.timeline);
    if (again.healthy()) fmt::print(stderr, "lockscope: warning: seed {} did not reproduce\n", options.seed);
  }
  if (!cmd.json.empty()) {
    if (auto written = write_json(report, cmd.json); !written) {
      fmt::print(stderr, "lockscope: {}\n", written.error());
      return 1;
    }
  }
  return report.findings.empty() ? 0 : 4;
}

}  // namespace lockscope::engine::cli
