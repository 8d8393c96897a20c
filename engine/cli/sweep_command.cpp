#include "engine/cli/sweep_command.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <thread>

#include "engine/cli/lists.hpp"
#include "engine/cli/memory_model_option.hpp"
#include "traces/atomic_output.hpp"
#include "engine/cli/progress.hpp"
#include "engine/machine/resolve.hpp"
#include "engine/scenario/scenario_reader.hpp"
#include "engine/sweep/sweep_jobs.hpp"
#include "engine/sweep/sweep_plan.hpp"
#include "engine/sweep/sweep_runner.hpp"
#ifdef LOCKSCOPE_HAVE_PLOT
#include "plot/sweep_plots.hpp"
#endif

namespace lockscope::engine::cli {

struct SweepCommand {
  CLI::App* sub = nullptr;
  std::string scenario;
  std::string locks;
  std::string machine = "epyc-64";
  std::string cores = "1,2,4,8,16,32,64";
  MemoryModelOption memory_model;
  std::vector<std::string> sets;
  bool keep_contexts = false;
  std::uint64_t seed = 1;
  unsigned jobs = 0;
  std::string out;
  std::string results;     // one job's row (what --emit-jobs's lines run)
  std::string emit_jobs;   // plan the sweep as jobs in DIR, run nothing
  bool emit_slurm = false;
  std::string merge;       // merge DIR's rows into results.csv
  bool quiet = false;
};

namespace {

std::string describe(const sweep::SweepRun& run) {
  std::string s = fmt::format("lock={} cores={}", run.lock, run.cores);
  for (const auto& [k, v] : run.params) s += fmt::format(" {}={}", k, v);
  return s;
}

std::string duration(double sec) {
  if (sec < 0) return "?";
  if (sec < 90) return fmt::format("{:.0f} s", sec);
  return fmt::format("{:.0f} min {:02.0f} s", std::floor(sec / 60), std::fmod(sec, 60));
}

}  // namespace

SweepCommand& add_sweep_command(CLI::App& app) {
  static SweepCommand cmd;
  CLI::App* sub = app.add_subcommand("sweep", "Replay a scenario for every lock x core count x --set value");
  cmd.sub = sub;
  sub->footer(
      "Each run is a replay in its own process, --jobs at a time. By default the workload scales\n"
      "with the machine: contexts.count = cores (one context per core); --keep-contexts keeps the\n"
      "scenario's own. Writes DIR/results.csv and DIR/{throughput,wait,transfers}.{svg,png}\n"
      "(docs/sweep.md).\n\n"
      "On a cluster (docs/cluster.md): --emit-jobs DIR writes one command per run to\n"
      "DIR/jobs.txt (and with --emit-slurm a job array, DIR/sweep.sbatch) instead of running;\n"
      "run them with any engine (`parallel < DIR/jobs.txt`, `sbatch DIR/sweep.sbatch`), then\n"
      "--merge DIR writes DIR/results.csv and the plots from the runs that finished and lists\n"
      "the missing ones (DIR/missing-jobs.txt; exit status 5 while any is missing).\n\n"
      "Example:\n"
      "  lockscope sweep --scenario scenarios/teaching/bouncing.toml --locks graph,central \\\n"
      "      --machine epyc-64 --cores 1,2,4,8,16,32,64 -o sweep-bouncing\n"
      "  lockscope sweep --scenario scenarios/qemu/iothreads.toml --locks graph,central --cores 8,64 \\\n"
      "      --set writes.write_permille=0,0.1,1 -o sweep-iothreads");
  sub->add_option("--scenario", cmd.scenario, "Scenario file (docs/scenarios.md)");
  sub->add_option("--locks,--lock", cmd.locks, "Lock names, comma-separated (lockscope replay --list-locks)");
  sub->add_option("--machine", cmd.machine, "Machine preset, 'this-machine', or a .toml/.csv file")
      ->capture_default_str();
  sub->add_option("--cores", cmd.cores, "Core counts, comma-separated (the first N cores of the machine)")
      ->capture_default_str();
  add_memory_model_option(*sub, cmd.memory_model);
  sub->add_option("--set", cmd.sets,
                  "Sweep a scenario key: key=v1,v2,... (repeatable: every combination runs)");
  sub->add_flag("--keep-contexts", cmd.keep_contexts,
                "Keep the scenario's contexts.count instead of one context per core");
  sub->add_option("--seed", cmd.seed, "Replay seed")->capture_default_str();
  sub->add_option("--jobs,-j", cmd.jobs, "Runs at a time (default: the number of CPUs)");
  sub->add_option("-o,--output", cmd.out, "Output directory (created if missing)");
  sub->add_option("--emit-jobs", cmd.emit_jobs,
                  "Run nothing: write the sweep as independent jobs in DIR (jobs.txt, plan.toml)");
  sub->add_flag("--emit-slurm", cmd.emit_slurm, "With --emit-jobs: also write DIR/sweep.sbatch, a Slurm job array");
  sub->add_option("--merge", cmd.merge,
                  "Merge the runs of an --emit-jobs DIR into DIR/results.csv and the plots; list the missing");
  sub->add_option("--results", cmd.results,
                  "Write the rows to FILE (results.csv format), no plots; exit 0 once written: what each job runs");
  sub->add_flag("--quiet", cmd.quiet, "No progress (errors only)");
  return cmd;
}

bool sweep_selected(const SweepCommand& cmd) { return cmd.sub != nullptr && cmd.sub->parsed(); }

int write_sweep_outputs(const traces::SweepTable& table, const std::string& dir, bool csv, bool quiet) {
  const std::string csv_path = (std::filesystem::path(dir) / "results.csv").string();
  if (csv) {
    if (auto w = traces::write_file_atomically(csv_path, traces::write_sweep_csv(table)); !w) {
      fmt::print(stderr, "lockscope: {}\n", w.error());
      return 1;
    }
    if (!quiet) fmt::print(stderr, "wrote {}\n", csv_path);
  }
#ifdef LOCKSCOPE_HAVE_PLOT
  auto plots = plot::draw_sweep_plots(table, dir);
  if (!plots) {
    fmt::print(stderr, "lockscope: plots: {}\n", plots.error());
    return 1;
  }
  if (!quiet) fmt::print(stderr, "wrote {} plots in {}\n", plots->size(), dir);
#else
  fmt::print(stderr, "lockscope: plots unavailable: this lockscope was built without Qt 6 (Gui, Svg); "
                     "results.csv is complete\n");
#endif
  return 0;
}

namespace {

// Which of the four things `sweep` does was asked for, and whether the
// flags given belong to it. Empty when they do, else the one-line error.
std::string mode_error(const SweepCommand& cmd) {
  if (!cmd.merge.empty()) {
    if (!cmd.scenario.empty() || !cmd.locks.empty() || !cmd.out.empty() || !cmd.results.empty() ||
        !cmd.emit_jobs.empty() || cmd.emit_slurm || cmd.memory_model.given()) {
      return "--merge takes only the jobs directory: the plan in it says what was swept";
    }
    return {};
  }
  if (cmd.scenario.empty()) return "--scenario is required";
  if (cmd.locks.empty()) return "--locks is required";
  const int outputs = static_cast<int>(!cmd.out.empty()) + static_cast<int>(!cmd.results.empty()) +
                      static_cast<int>(!cmd.emit_jobs.empty());
  if (outputs != 1) return "give one of -o DIR (run the sweep), --emit-jobs DIR (plan it as jobs) or --results FILE";
  if (cmd.emit_slurm && cmd.emit_jobs.empty()) return "--emit-slurm goes with --emit-jobs DIR";
  return {};
}

int run_merge(const SweepCommand& cmd) {
  auto merged = sweep::merge_jobs(cmd.merge);
  if (!merged) {
    fmt::print(stderr, "lockscope: {}\n", merged.error());
    return 2;
  }
  const std::filesystem::path dir(cmd.merge);
  const std::filesystem::path missing_file = dir / "missing-jobs.txt";
  if (!merged->missing.empty()) {
    std::string text;
    for (const std::string& line : merged->missing_jobs) text += line + "\n";
    if (auto w = traces::write_file_atomically(missing_file.string(), text); !w) {
      fmt::print(stderr, "lockscope: {}\n", w.error());
      return 1;
    }
  } else {
    std::error_code ignored;
    std::filesystem::remove(missing_file, ignored);
  }
  if (!cmd.quiet) {
    fmt::print(stderr, "sweep --merge: {} of {} runs have finished\n", merged->table.rows.size(), merged->planned);
  }
  int status = write_sweep_outputs(merged->table, cmd.merge, true, cmd.quiet);
  std::size_t failed = 0, unhealthy = 0;
  for (const traces::SweepRow& row : merged->table.rows) {
    if (row.status == "ok") continue;
    (row.failed() ? failed : unhealthy) += 1;
  }
  if (!merged->missing.empty()) {
    constexpr std::size_t kListed = 10;
    std::string which;
    for (std::size_t i = 0; i < std::min(kListed, merged->missing.size()); ++i) {
      which += fmt::format("{}{}", i == 0 ? "" : ", ", sweep::run_file_name(merged->missing[i]));
    }
    if (merged->missing.size() > kListed) which += fmt::format(" and {} more", merged->missing.size() - kListed);
    fmt::print(stderr,
               "lockscope: {} of {} runs are missing ({}); results.csv holds the {} that finished. Their commands "
               "are in {}: run them (e.g. `parallel < {}`, or submit sweep.sbatch again) and merge again\n",
               merged->missing.size(), merged->planned, which, merged->table.rows.size(), missing_file.string(),
               missing_file.string());
    return 5;
  }
  if (failed > 0) {
    fmt::print(stderr, "lockscope: {} of {} runs failed (status \"failed\" in results.csv)\n", failed,
               merged->planned);
    return 3;
  }
  if (unhealthy > 0) return 4;
  return status;
}

}  // namespace

int run_sweep_command(const SweepCommand& cmd) {
  if (const std::string bad = mode_error(cmd); !bad.empty()) {
    fmt::print(stderr, "lockscope: sweep: {}\n", bad);
    return 2;
  }
  if (!cmd.merge.empty()) return run_merge(cmd);
  sweep::SweepPlanInput plan;
  plan.scenario = cmd.scenario;
  plan.locks = split_commas(cmd.locks);
  plan.contexts_follow_cores = !cmd.keep_contexts;
  auto cores = sweep::parse_counts(cmd.cores, "--cores");
  if (!cores) {
    fmt::print(stderr, "lockscope: {}\n", cores.error());
    return 2;
  }
  plan.cores = *cores;
  for (const std::string& text : cmd.sets) {
    auto axis = sweep::parse_set_axis(text);
    if (!axis) {
      fmt::print(stderr, "lockscope: {}\n", axis.error());
      return 2;
    }
    plan.axes.push_back(std::move(*axis));
  }
  auto machine = machine::resolve_machine(cmd.machine);
  if (!machine) {
    fmt::print(stderr, "lockscope: --machine: {}\n", machine.error());
    return 2;
  }
  // Every run's machine: the runs (children of this process) and a frozen
  // machine.toml get it, and every job line carries the flag (sweep_jobs).
  if (auto ok = apply_memory_model(cmd.memory_model, *machine); !ok) {
    fmt::print(stderr, "lockscope: {}\n", ok.error());
    return 2;
  }
  if (auto ok = sweep::validate(plan, static_cast<std::uint32_t>(machine->cores())); !ok) {
    fmt::print(stderr, "lockscope: {}\n", ok.error());
    return 2;
  }
  auto scenario = scenario::read_scenario_file(cmd.scenario);
  if (!scenario) {
    fmt::print(stderr, "lockscope: {}\n", scenario.error().to_string());
    return 2;
  }
  if (!cmd.emit_jobs.empty()) {
    sweep::JobsSpec spec;
    spec.plan = plan;
    spec.machine_spec = cmd.machine;
    spec.machine = *machine;
    spec.memory_model = cmd.memory_model.given() ? cmd.memory_model.value : "";
    spec.seed = cmd.seed;
    spec.lockscope = sweep::this_executable();
    spec.slurm = cmd.emit_slurm;
    auto jobs = sweep::emit_jobs(spec, cmd.emit_jobs);
    if (!jobs) {
      fmt::print(stderr, "lockscope: {}\n", jobs.error());
      return 2;
    }
    const std::string dir = std::filesystem::canonical(cmd.emit_jobs).string();
    fmt::print("{} jobs written to {}/jobs.txt\n", *jobs, dir);
    fmt::print("run them:   parallel --joblog {}/joblog < {}/jobs.txt\n", dir, dir);
    if (cmd.emit_slurm) fmt::print("or submit:  sbatch {}/sweep.sbatch\n", dir);
    fmt::print("then merge: lockscope sweep --merge {}\n", dir);
    return 0;
  }
  std::error_code ec;
  if (!cmd.results.empty()) {
    const std::filesystem::path parent = std::filesystem::path(cmd.results).parent_path();
    if (!parent.empty() && !std::filesystem::is_directory(parent)) {
      fmt::print(stderr, "lockscope: --results: {} is not a directory\n", parent.string());
      return 2;
    }
  } else {
    std::filesystem::create_directories(cmd.out, ec);
    if (ec || !std::filesystem::is_directory(cmd.out)) {
      fmt::print(stderr, "lockscope: -o: cannot create the directory {}\n", cmd.out);
      return 2;
    }
  }

  const std::vector<sweep::SweepRun> runs = sweep::expand(plan);
  sweep::SweepRunOptions options;
  options.scenario_file = cmd.scenario;
  options.scenario_name = scenario->name;
  options.machine = *machine;
  options.seed = cmd.seed;
  options.jobs = cmd.jobs != 0 ? cmd.jobs : std::max(1U, std::thread::hardware_concurrency());
  if (!cmd.quiet) {
    fmt::print(stderr, "sweep: {} runs ({} locks x {} core counts{}), {} at a time\n", runs.size(),
               plan.locks.size(), plan.cores.size(), runs.size() / plan.locks.size() / plan.cores.size() > 1
                   ? fmt::format(" x {} value combinations", runs.size() / plan.locks.size() / plan.cores.size())
                   : std::string(), options.jobs);
  }
  Progress progress;
  const bool tty = isatty(STDERR_FILENO) != 0;
  options.progress = [&](const sweep::SweepProgress& p) {
    if (p.finished != nullptr && p.result != nullptr && !p.result->error.empty()) {
      fmt::print(stderr, "{}lockscope: run failed: {}: {}\n", tty ? "\r\033[K" : "", describe(*p.finished),
                 p.result->error);
    }
    // The once-a-second ticks (elapsed time) only on a terminal; a log gets
    // one line per finished run.
    if (cmd.quiet || (p.finished == nullptr && !tty)) return;
    std::string line = fmt::format("{}/{} runs done, {} elapsed, ETA {}", p.done, p.total, duration(p.elapsed_sec),
                                   duration(p.eta_sec));
    if (p.finished != nullptr && p.result != nullptr) {
      line += fmt::format(" (last: {} in {:.1f} s)", describe(*p.finished), p.result->wall_sec);
    }
    progress.update(line);
  };
  traces::SweepTable table;
  for (const sweep::SetAxis& axis : plan.axes) table.param_keys.push_back(axis.key);
  table.rows = sweep::run_sweep(runs, options);

  if (!cmd.results.empty()) {
    // A job's row is its result, whatever the run did: a failed or
    // unhealthy run is reported by --merge, and the job engine (parallel,
    // Slurm) sees a job that did its work.
    if (auto w = traces::write_file_atomically(cmd.results, traces::write_sweep_csv(table)); !w) {
      fmt::print(stderr, "lockscope: {}\n", w.error());
      return 1;
    }
    return 0;
  }
  int status = write_sweep_outputs(table, cmd.out, true, cmd.quiet);
  std::size_t failed = 0, unhealthy = 0;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const traces::SweepRow& row = table.rows[i];
    if (row.status == "ok") continue;
    fmt::print(stderr, "lockscope: {} run: {}: {}\n", row.status, describe(runs[i]), row.error);
    (row.failed() ? failed : unhealthy) += 1;
  }
  if (failed > 0) {
    fmt::print(stderr, "lockscope: {} of {} runs failed (status \"failed\" in results.csv)\n", failed, runs.size());
    return 3;
  }
  if (unhealthy > 0) return 4;
  return status;
}

}  // namespace lockscope::engine::cli
