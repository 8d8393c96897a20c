#include "engine/cli/validate_command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "engine/bench/cpu_affinity.hpp"
#include "engine/bench/spin_delay.hpp"
#include "engine/cli/lists.hpp"
#include "traces/atomic_output.hpp"
#include "engine/cli/progress.hpp"
#include "engine/machine/resolve.hpp"
#include "engine/replay/lock_spec.hpp"
#include "engine/validate/clock_floor_file.hpp"
#include "engine/validate/perf_counters.hpp"
#include "engine/validate/real_figures.hpp"
#include "engine/validate/validate_report.hpp"
#include "engine/validate/validate_run.hpp"
#include "engine/validate/validate_suite.hpp"

#ifdef LOCKSCOPE_HAVE_PLOT
#include "plot/validate_plot.hpp"
#endif

namespace lockscope::engine::cli {

namespace validate = engine::validate;

struct ValidateCommand {
  CLI::App* sub = nullptr;
  std::string machine = std::string(machine::kThisMachine);
  bool quick = false;
  std::string output = "validate";
  std::string locks;
  std::uint64_t ops = 0;  // 0: the suite's default
  std::uint64_t seed = 1;
  bool no_pin = false;
  unsigned real_runs = validate::kDefaultRealRuns;
  double jitter = validate::kDefaultValidateJitter;
  std::vector<std::string> real_from;  // validate.csv files of earlier runs
};

namespace {

constexpr std::uint64_t kFullOps = 200'000;
constexpr std::uint64_t kQuickOps = 50'000;
constexpr std::uint64_t kMaxOps = 10'000'000;  // bench --record's bound: the trace is held in memory

#ifdef LOCKSCOPE_HAVE_PLOT
std::optional<plot::ValidateKind> plot_kind(validate::Metric m) {
  switch (m) {
    case validate::Metric::throughput: return plot::ValidateKind::throughput;
    case validate::Metric::read_wait_p50:
    case validate::Metric::write_wait_p50: return plot::ValidateKind::wait_p50;
    case validate::Metric::read_wait_p99:
    case validate::Metric::write_wait_p99: return plot::ValidateKind::wait_p99;
    case validate::Metric::transfers_per_op: return plot::ValidateKind::transfers_per_op;
    case validate::Metric::sleeps_per_op: return std::nullopt;  // mostly 0 on one side: no log axis
  }
  return std::nullopt;
}
#endif

int write_plot(const std::vector<validate::MetricRow>& rows, const std::string& caption, const std::string& dir) {
#ifdef LOCKSCOPE_HAVE_PLOT
  std::vector<plot::ValidatePoint> points;
  for (const validate::MetricRow& r : rows) {
    const auto kind = plot_kind(r.metric);
    if (kind && r.real && r.simulated) points.push_back({r.what.lock, *kind, *r.real, *r.simulated});
  }
  auto written = plot::draw_validate_plot(points, caption, dir);
  if (!written) {
    fmt::print(stderr, "lockscope: plot: {}\n", written.error());
    return 1;
  }
  fmt::print(stderr, "wrote {}\n", fmt::join(*written, ", "));
#else
  (void)rows;
  (void)caption;
  (void)dir;
  fmt::print(stderr, "lockscope: no plot: this lockscope was built without Qt 6 (Gui, Svg); validate.csv has "
                     "every figure\n");
#endif
  return 0;
}

std::string duration_text(double sec) {
  if (sec < 60) return fmt::format("{:.0f} s", sec);
  return fmt::format("{:.0f} min {:02.0f} s", std::floor(sec / 60), std::fmod(sec, 60));
}

}  // namespace

ValidateCommand& add_validate_command(CLI::App& app) {
  static ValidateCommand cmd;
  CLI::App* sub = app.add_subcommand(
      "validate", "Run a fixed suite on real threads and in the simulator; print and write the error");
  cmd.sub = sub;
  sub->footer(
      "Each case runs the bench loop on pinned real threads (1, 2, 4, ... up to this machine's CPUs,\n"
      "and no more than the simulated machine's cores), records exactly what the workers did, and\n"
      "replays those operations in the simulator on --machine. The suite: every lock that runs in\n"
      "both worlds x read-only, 1% and 10% writes x critical section 0 and 100 ns x think 0 and\n"
      "200 ns x thread counts. --quick: graph and central, read-only and 10% writes, cs 0, think 0\n"
      "and 200 ns, 50,000 operations a case (seconds); the full suite takes a few minutes.\n"
      "Each case runs --real-runs times on real threads, in rounds over the whole suite (so that a noisy\n"
      "moment of the machine does not fall on every run of one case); the run with the median\n"
      "throughput is kept.\n\n"
      "Writes DIR/validate.csv (case, lock, threads, write_permille, cs_ns, think_ns, metric, unit,\n"
      "real, simulated, error_pct, note) for throughput, read and write wait p50/p99, transfers\n"
      "per operation (real: L1D or cache misses from perf_event_open, n/a where the kernel or VM\n"
      "hides the counters) and sleeps per operation (real: context switches; simulated: waits that\n"
      "slept), DIR/validate.svg and .png (simulated against real, log-log, y = x), and prints the\n"
      "table. Simulated waits are timed as the real ones are: the same acquisitions (every write,\n"
      "one read in 16), with this machine's clock (each adds one measured back-to-back read\n"
      "interval; the intervals go to DIR/clock_floor.txt, and --real-from uses the first earlier\n"
      "run's, so that a model change is compared through the same instrument).\n"
      "Error % = (simulated - real) / real x 100. See docs/fidelity.md.\n\n"
      "--machine this-machine needs a calibrated machine file: validate does not calibrate by itself\n"
      "(it takes a while and wants a quiet machine); run `lockscope calibrate` first.\n\n"
      "Examples:\n"
      "  lockscope calibrate && lockscope validate\n"
      "  lockscope validate --quick -o /tmp/val\n"
      "  lockscope validate --lock graph,central,pflock --ops 500000 -o val-3locks\n"
      "  lockscope validate --quick --machine laptop-8     # a preset instead of this machine\n"
      "  lockscope validate -o run1 && lockscope validate -o run2     # two real runs ...\n"
      "  lockscope validate --real-from run1/validate.csv,run2/validate.csv -o model2\n"
      "                                                   # ... and a model change judged against both");
  sub->add_option("--machine", cmd.machine,
                  "The simulated side: 'this-machine' (after lockscope calibrate), a preset, or a .toml/.csv file")
      ->capture_default_str();
  sub->add_flag("--quick", cmd.quick, "A small subset with short runs (well under a minute)");
  sub->add_option("-o,--output", cmd.output, "Directory for validate.csv and the plot (created)")
      ->capture_default_str();
  sub->add_option("--lock", cmd.locks,
                  "Only these locks, comma-separated (default: every lock that runs in both worlds)");
  sub->add_option("--ops", cmd.ops,
                  fmt::format("Acquisitions per case, all threads together (default {}, {} with --quick)", kFullOps,
                              kQuickOps))
      ->check(CLI::Range(std::uint64_t{1}, kMaxOps));
  sub->add_option("--seed", cmd.seed, "Seed for the read/write choices and the replay")->capture_default_str();
  sub->add_flag("--no-pin", cmd.no_pin, "Do not pin the real threads to CPUs");
  sub->add_option("--real-runs", cmd.real_runs, "Real runs of each case; the one with the median throughput is kept")
      ->check(CLI::Range(1U, 99U))
      ->capture_default_str();
  sub->add_option("--jitter", cmd.jitter,
                  "The replay scales each hold and think by a seeded factor in [1-J, 1+J], as real threads never "
                  "repeat a duration exactly (0: exact, which can phase-lock two workers)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  sub->add_option("--real-from", cmd.real_from,
                  "Run no real threads: take the real figures from these earlier validate.csv files (their "
                  "median per case and metric) and replay only the simulated side. Use the --quick, --lock, "
                  "--ops and --seed of those runs: the replayed operations are rebuilt from them")
      ->delimiter(',')
      ->check(CLI::ExistingFile);
  sub->add_flag_callback("--list-locks", [] {
    for (const std::string& name : validate::locks_in_both_worlds()) fmt::print("{}\n", name);
    std::exit(0);
  }, "List the locks that run in both worlds (the suite's locks) and exit");
  return cmd;
}

bool validate_selected(const ValidateCommand& cmd) { return cmd.sub != nullptr && cmd.sub->parsed(); }

int run_validate_command(const ValidateCommand& cmd) {
  const std::vector<std::string> both = validate::locks_in_both_worlds();
  validate::SuiteOptions suite;
  suite.quick = cmd.quick;
  suite.locks = split_commas(cmd.locks);
  if (cmd.sub->count("--lock") != 0 && suite.locks.empty()) {
    fmt::print(stderr, "lockscope: --lock: no lock named\n");
    return 2;
  }
  for (const std::string& lock : suite.locks) {
    // A design's parameters ("bravo:slots=64") go to both worlds.
    const auto spec = replay::parse_lock_spec(lock);
    if (!spec) {
      fmt::print(stderr, "lockscope: --lock: {}\n", spec.error());
      return 2;
    }
    if (std::ranges::find(both, spec->design) == both.end()) {
      fmt::print(stderr, "lockscope: --lock: '{}' does not run in both worlds (lockscope validate --list-locks)\n",
                 lock);
      return 2;
    }
  }
  auto machine = machine::resolve_machine(cmd.machine);
  if (!machine) {
    fmt::print(stderr, "lockscope: --machine: {}\n", machine.error());
    return 2;
  }
  std::error_code ec;
  std::filesystem::create_directories(cmd.output, ec);
  if (ec || !std::filesystem::is_directory(cmd.output)) {
    fmt::print(stderr, "lockscope: -o: cannot create the directory {}\n", cmd.output);
    return 2;
  }

  const auto cpus = static_cast<unsigned>(bench::allowed_cpus().size());
  suite.max_threads = std::min(cpus, machine->cores());
  const std::vector<validate::ValidateCase> cases = validate::validate_suite(suite);
  validate::RunOptions options;
  options.machine = *machine;
  options.ops = cmd.ops != 0 ? cmd.ops : (cmd.quick ? kQuickOps : kFullOps);
  options.seed = cmd.seed;
  options.pin = !cmd.no_pin;
  options.real_runs = cmd.real_runs;
  options.jitter = cmd.jitter;

  std::optional<validate::RealFigures> earlier;
  std::vector<std::uint64_t> kept_floor;  // the first earlier run's clock floor, if it kept one
  if (!cmd.real_from.empty()) {
    auto figures = validate::read_real_figures(cmd.real_from);
    if (!figures) {
      fmt::print(stderr, "lockscope: --real-from: {}\n", figures.error().to_string());
      return 2;
    }
    auto kept = validate::read_clock_floor_beside(cmd.real_from.front());
    if (!kept) {
      fmt::print(stderr, "lockscope: --real-from: {}\n", kept.error().to_string());
      return 2;
    }
    kept_floor = std::move(*kept);
    std::sort(kept_floor.begin(), kept_floor.end());
    for (const validate::ValidateCase& c : cases) {
      if (figures->by_case.contains(c.name())) continue;
      fmt::print(stderr,
                 "lockscope: --real-from: {}: no real figures for the case '{}' (run with the same --quick, "
                 "--lock and thread counts?)\n",
                 cmd.real_from.front(), c.name());
      return 2;
    }
    earlier = std::move(*figures);
  }

  std::optional<validate::PerfCounter> counter;
  std::optional<validate::PerfCounter> switches;
  std::string counter_note;
  std::string switches_note;
  if (!earlier) {
    auto opened = validate::PerfCounter::open_cache_misses();
    if (opened) counter.emplace(std::move(*opened));
    else counter_note = opened.error();
    auto opened_switches = validate::PerfCounter::open_context_switches();
    if (opened_switches) switches.emplace(std::move(*opened_switches));
    else switches_note = opened_switches.error();
  }
  const validate::RealCounters counters{counter ? &*counter : nullptr, switches ? &*switches : nullptr};

  if (earlier) {
    fmt::print(stderr, "validate: {} cases, {} operations each, real figures from {} earlier run{} (median), "
                       "simulated on {} ({} cores)\n",
               cases.size(), options.ops, earlier->files, earlier->files == 1 ? "" : "s", machine->name,
               machine->cores());
  } else {
    fmt::print(stderr, "validate: {} cases, {} operations each, real threads (up to {}) against {} ({} cores)\n",
               cases.size(), options.ops, suite.max_threads, machine->name, machine->cores());
  }
  const std::optional<bench::SpinDelay> delay =
      earlier ? std::nullopt : std::optional(bench::SpinDelay::calibrate());
  if (delay) {
    // Every hold and think of the real side hangs on these two figures:
    // shown, so that a suite whose sections ran short can be told from a model error.
    fmt::print(stderr, "validate: holds and thinks wait on the cycle counter: {:.4f} ticks per ns, {:.1f} ns past the "
                       "deadline taken off each\n",
               delay->ticks_per_ns(), delay->overshoot_ticks() / delay->ticks_per_ns());
  }
  // The clock's spread is measured here; under --real-from it is the first
  // earlier run's own (its clock_floor.txt), or, for runs from before that
  // file, a fresh one with the earlier runs' median, so that their real
  // waits and these simulated ones are seen through the same instrument.
  const bool floor_kept = !kept_floor.empty();
  options.clock_floor_samples = floor_kept ? std::move(kept_floor) : validate::clock_floor_samples();
  if (earlier && earlier->clock_floor_ns && (cmd.real_from.size() > 1 || !floor_kept)) {
    options.clock_floor_samples = validate::floor_with_median(std::move(options.clock_floor_samples),
                                                              *earlier->clock_floor_ns);
  }
  const double clock_floor = validate::median_floor_ns(options.clock_floor_samples);
  options.clock_read_ns = clock_floor;
  std::vector<validate::CaseResult> results;
  results.reserve(cases.size());
  const auto start = std::chrono::steady_clock::now();
  {
    Progress progress;
    // Steps: each real run, then each replay. Real runs go in rounds over
    // every case (RunOptions::real_runs says why).
    const std::size_t rounds = earlier ? 0 : options.real_runs;
    const std::size_t steps = cases.size() * (rounds + 1);
    std::size_t step = 0;
    auto report = [&](std::string_view what) {
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const std::string eta =
          step == 0 ? "" : fmt::format(", about {} left", duration_text(elapsed / static_cast<double>(step) *
                                                                        static_cast<double>(steps - step)));
      progress.update(fmt::format("{}{}", what, eta));
      ++step;
    };
    std::vector<std::vector<validate::RealRun>> real(cases.size());
    for (std::size_t round = 0; round < rounds; ++round) {
      for (std::size_t i = 0; i < cases.size(); ++i) {
        report(fmt::format("real threads, round {}/{}: case {}/{}: {}", round + 1, rounds, i + 1, cases.size(),
                           cases[i].name()));
        real[i].push_back(validate::run_real(cases[i], options, *delay, counters));
      }
    }
    for (std::size_t i = 0; i < cases.size(); ++i) {
      report(fmt::format("simulating case {}/{}: {}", i + 1, cases.size(), cases[i].name()));
      if (earlier) {
        results.push_back(validate::replay_case(cases[i], options));
        continue;
      }
      results.push_back(validate::finish_case(cases[i], std::move(real[i]), options));
      if (counter_note.empty() && !results.back().counter_error.empty()) {
        counter_note = "transfers per operation: n/a: " + results.back().counter_error;
      }
      if (switches_note.empty() && !results.back().switches_error.empty()) {
        switches_note = "sleeps per operation: n/a: " + results.back().switches_error;
      }
    }
  }
  const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::vector<validate::MetricRow> rows =
      validate::metric_rows(results, validate::floor_note(options.clock_floor_samples));
  if (earlier) validate::use_real_figures(rows, *earlier);
  const std::string csv_path = (std::filesystem::path(cmd.output) / "validate.csv").string();
  if (auto w = traces::write_file_atomically(csv_path, validate::validate_csv(rows)); !w) {
    fmt::print(stderr, "lockscope: {}\n", w.error());
    return 1;
  }
  const std::string floor_path = (std::filesystem::path(cmd.output) / validate::kClockFloorFile).string();
  if (auto w = traces::write_file_atomically(floor_path, validate::clock_floor_text(options.clock_floor_samples)); !w) {
    fmt::print(stderr, "lockscope: {}\n", w.error());
    return 1;
  }
  if (earlier) {
    fmt::print("validate: real figures from {} against the simulator on {} ({} cases, {} operations each, {})\n\n",
               fmt::join(cmd.real_from, ", "), machine->name, cases.size(), options.ops, duration_text(total));
  } else {
    fmt::print("validate: real threads on this machine against the simulator on {} ({} cases, {} operations "
               "each, {})\n\n",
               machine->name, cases.size(), options.ops, duration_text(total));
  }
  validate::print_validate_table(stdout, rows);
  fmt::print("real waits are timed with two steady_clock reads, {:.0f} ns back to back here (p99 {} ns): each "
             "simulated wait includes one such interval, drawn from {} measured, and the replayed loop spends "
             "both reads before each timed acquisition\n",
             clock_floor, validate::p99_floor_ns(options.clock_floor_samples), options.clock_floor_samples.size());
  if (!counter_note.empty()) fmt::print("{}\n", counter_note);
  else if (counter) fmt::print("real transfers per operation: {} per acquisition\n", counter->event());
  if (!switches_note.empty()) fmt::print("{}\n", switches_note);
  else if (switches) {
    fmt::print("real sleeps per operation: context switches per acquisition (simulated: blocking waits that "
               "slept)\n");
  }
  fmt::print("wrote {}\n", csv_path);
  std::fflush(stdout);

  const std::string real_side =
      earlier ? fmt::format("real figures of {} earlier run{} (median)", earlier->files, earlier->files == 1 ? "" : "s")
              : std::string("real threads on this machine");
  int status = write_plot(rows, fmt::format("{} vs simulated {}; {} cases, {} ops each", real_side, machine->name,
                                            cases.size(), options.ops),
                          cmd.output);
  for (const validate::CaseResult& r : results) {
    if (!r.error.empty()) {
      fmt::print(stderr, "lockscope: {}: {}\n", r.what.name(), r.error);
      status = 3;
    }
  }
  return status;
}

}  // namespace lockscope::engine::cli
