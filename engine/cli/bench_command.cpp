#include "engine/cli/bench_command.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <sstream>
#include <vector>

#include "engine/bench/cpu_affinity.hpp"
#include "engine/bench/lock_registry.hpp"
#include "engine/bench/readpath_suite.hpp"
#include "engine/bench/report.hpp"
#include "engine/cli/lists.hpp"
#include "traces/atomic_output.hpp"
#include "engine/cli/progress.hpp"
#include "engine/cli/simulator_suite.hpp"
#include "engine/cli/sweep_command.hpp"
#include "engine/record/launch.hpp"
#include "engine/record/overhead.hpp"
#include "engine/replay/lock_spec.hpp"
#include "engine/sweep/sweep_plan.hpp"
#include "traces/json_writer.hpp"
#include "traces/workload_writer.hpp"

namespace lockscope::engine::cli {

namespace bench = engine::bench;

struct BenchCommand {
  CLI::App* sub = nullptr;
  std::string locks = "graph";
  bench::BenchConfig config;
  bool no_pin = false;
  bool list = false;
  std::string suite;
  std::string json;
  std::string record;
  std::string threads;  // one count, or a list with --sweep
  std::string sweep;    // --sweep DIR
  std::string baseline;  // --suite simulator: another lockscope to compare with
  unsigned repeat = 3;   // --suite simulator: runs of each case
  bool quick = false;    // --suite simulator: without the longest case
};

namespace {

constexpr std::uint64_t kMaxRecordedOps = 10'000'000;

int print_lock_list() {
  for (const bench::LockEntry& e : bench::bench_locks()) {
    fmt::print("{:<17} {:<12} {}\n", e.name, e.broken ? "BROKEN" : e.simulated ? "bench+sim" : "bench only", e.summary);
  }
  return 0;
}

// A --lock name's run: the design's entry, with the table's size the name
// gives ("bravo:slots=64", as replay takes it). The names were checked
// (check_lock_names) before any run.
bench::BenchResult run_named(const std::string& name, bench::BenchConfig cfg, const bench::SpinDelay& delay) {
  const auto spec = replay::parse_lock_spec(name);
  cfg.lock = name;
  cfg.table_slots = spec->params.table_slots;
  return bench::find_bench_lock(spec->design)->run(cfg, delay);
}

// The first --lock name that is not a bench lock, or that sizes a table
// where `sizes` is false, as one line; "" if every name is good.
std::string check_lock_names(const std::vector<std::string>& names, bool sizes) {
  for (const std::string& name : names) {
    const auto spec = replay::parse_lock_spec(name);
    if (!spec) return fmt::format("--lock: {}", spec.error());
    if (bench::find_bench_lock(spec->design) == nullptr) {
      return fmt::format("--lock: unknown lock '{}' (lockscope bench --list names them)", name);
    }
    if (!sizes && spec->params.table_slots != 0) {
      return fmt::format("--lock: '{}': --suite readpath runs each lock as it comes (drop ':slots=...')", name);
    }
  }
  return "";
}

int emit_json(const std::string& path, const std::string& text) {
  if (path.empty()) return 0;
  if (auto written = traces::write_file_atomically(path, text); !written) {
    fmt::print(stderr, "lockscope: {}\n", written.error());
    return 1;
  }
  return 0;
}

// What `lockscope record` costs a program: the same uncontended loop run
// plain and under the interposer, in one go, so the ratio is of one moment
// of a noisy machine.
int run_record_overhead(const BenchCommand& cmd) {
  const std::string self = record::self_exe();
  auto benchmark = record::find_overhead_benchmark(self);
  auto interposer = record::find_interposer(self);
  if (!benchmark || !interposer) {
    fmt::print(stderr, "lockscope: --suite record-overhead: {}\n", !benchmark ? benchmark.error() : interposer.error());
    return 2;
  }
  record::RecordOverheadOptions options;
  options.benchmark = *benchmark;
  options.interposer = *interposer;
  options.raw_path = (std::filesystem::temp_directory_path() / fmt::format("lockscope-overhead-{}.raw", getpid())).string();
  if (cmd.config.ops != 0) options.pairs = cmd.config.ops;
  fmt::print(stderr, "running {} uncontended rdlock+unlock pairs plain, then recorded...\n", options.pairs);
  auto r = record::measure_record_overhead(options);
  if (!r) {
    fmt::print(stderr, "lockscope: --suite record-overhead: {}\n", r.error());
    return 1;
  }
  fmt::print("record overhead: {} uncontended pthread_rwlock_rdlock+unlock pairs, one thread, fastest of ten rounds\n",
             r->pairs);
  fmt::print("  {:<28} {:>10} {:>10} {:>10} {:>8}\n", "ns per pair", "plain", "recorded", "added", "ratio");
  fmt::print("  {:<28} {:>10.1f} {:>10.1f} {:>10.1f} {:>7.2f}x\n", "thread CPU time", r->plain_ns, r->recorded_ns,
             r->added_ns(), r->ratio());
  fmt::print("  {:<28} {:>10.1f} {:>10.1f} {:>10.1f}\n", "wall time", r->plain_wall_ns, r->recorded_wall_ns,
             r->recorded_wall_ns - r->plain_wall_ns);
  fmt::print("  {:<28} {:>10.1f} {:>10.1f} {:>10.1f}\n", "process CPU (writer included)", r->plain_process_ns,
             r->recorded_process_ns, r->recorded_process_ns - r->plain_process_ns);
  fmt::print("  raw recording: {} bytes for {} events, {:.2f} bytes per event ({:.0f} MB per 10 M lock+unlock pairs)\n",
             r->raw_bytes, r->recorded_events, r->bytes_per_event(), r->bytes_per_event() * 2 * 10e6 / 1e6);
  traces::JsonWriter w;
  w.begin_object().field("suite", "record-overhead").field("pairs", r->pairs);
  w.field("plain_ns", r->plain_ns).field("recorded_ns", r->recorded_ns).field("added_ns", r->added_ns());
  w.field("ratio", r->ratio()).field("plain_wall_ns", r->plain_wall_ns).field("recorded_wall_ns", r->recorded_wall_ns);
  w.field("plain_process_ns", r->plain_process_ns).field("recorded_process_ns", r->recorded_process_ns);
  w.field("raw_bytes", r->raw_bytes).field("recorded_events", r->recorded_events);
  w.field("bytes_per_event", r->bytes_per_event()).end_object();
  return emit_json(cmd.json, w.str() + "\n");
}

int run_readpath(const BenchCommand& cmd, bench::ReadpathOptions options) {
  Progress progress;
  const bench::ReadpathReport report = bench::run_readpath_suite(
      options, [&](const std::string& what) { progress.update(what); });
  progress.update("done");
  bench::print_readpath(stdout, report);
  return emit_json(cmd.json, bench::readpath_json(report));
}

std::string bench_workload_name(const bench::BenchConfig& c) {
  return fmt::format("bench write_permille={} cs_ns={} think_ns={}", c.write_permille, c.cs_ns, c.think_ns);
}

traces::SweepRow bench_row(const bench::BenchResult& r) {
  traces::SweepRow row;
  row.world = "bench";
  row.scenario = bench_workload_name(r.config);
  row.machine = "this-machine";
  row.lock = r.config.lock;
  row.cores = r.config.threads;
  row.seed = r.config.seed;
  row.status = r.violations == 0 ? "ok" : "unhealthy";
  if (r.violations != 0) row.error = "mutual exclusion violated";
  row.sim_time_ns = r.elapsed_sec * 1e9;
  row.read_ops = r.read_ops;
  row.write_ops = r.write_ops;
  row.lock_ops = r.read_ops + r.write_ops;
  row.throughput_ops_per_sec = r.ops_per_sec;
  row.read_wait_p50_ns = r.read_latency_ns.p50;
  row.read_wait_p99_ns = r.read_latency_ns.p99;
  row.read_wait_max_ns = r.read_latency_ns.max;
  row.write_wait_p50_ns = r.write_latency_ns.p50;
  row.write_wait_p99_ns = r.write_latency_ns.p99;
  row.write_wait_max_ns = r.write_latency_ns.max;
  row.violations = r.violations;
  row.wall_sec = r.elapsed_sec;
  return row;
}

// Every lock at every thread count, one after another (real threads: a run
// must have the machine to itself), into DIR/results.csv and the plots.
int run_bench_sweep(const BenchCommand& cmd, const std::vector<std::string>& names,
                    const std::vector<std::uint32_t>& threads) {
  if (!cmd.suite.empty() || !cmd.record.empty()) {
    fmt::print(stderr, "lockscope: --sweep: not with --suite or --record\n");
    return 2;
  }
  std::error_code ec;
  std::filesystem::create_directories(cmd.sweep, ec);
  if (ec || !std::filesystem::is_directory(cmd.sweep)) {
    fmt::print(stderr, "lockscope: --sweep: cannot create the directory {}\n", cmd.sweep);
    return 2;
  }
  const bench::SpinDelay delay = bench::SpinDelay::calibrate();
  traces::SweepTable table;
  Progress progress;
  const std::size_t total = names.size() * threads.size();
  for (const std::string& name : names) {
    for (const std::uint32_t t : threads) {
      bench::BenchConfig cfg = cmd.config;
      cfg.threads = t;
      cfg.pin = !cmd.no_pin;
      progress.update(fmt::format("{}/{} runs: {} with {} thread{}", table.rows.size(), total, name, t,
                                  t == 1 ? "" : "s"));
      table.rows.push_back(bench_row(run_named(name, cfg, delay)));
    }
  }
  progress.update(fmt::format("{}/{} runs done", total, total));
  int status = write_sweep_outputs(table, cmd.sweep, true, false);
  for (const traces::SweepRow& row : table.rows) {
    if (row.violations != 0) {
      fmt::print(stderr, "lockscope: {} with {} threads: {} mutual-exclusion violations\n", row.lock, row.cores,
                 row.violations);
      status = 3;
    }
  }
  return status;
}

}  // namespace

BenchCommand& add_bench_command(CLI::App& app) {
  static BenchCommand cmd;
  cmd.config.threads = static_cast<unsigned>(bench::allowed_cpus().size());
  cmd.threads = std::to_string(cmd.config.threads);
  CLI::App* sub = app.add_subcommand(
      "bench", "Run locks on this machine's hardware threads and measure them");
  cmd.sub = sub;
  sub->footer(
      "Each worker is a thread pinned to a CPU (round-robin, oversubscription allowed), running\n"
      "in its own context. Workers loop: acquire (read or write), hold for --cs-ns, release,\n"
      "think for --think-ns. Every critical section checks mutual exclusion.\n\n"
      "Examples:\n"
      "  lockscope bench --list\n"
      "  lockscope bench --lock graph,central --threads 2 --write-permille 1 --duration-ms 500\n"
      "  lockscope bench --suite readpath --json readpath.json\n"
      "  lockscope bench --suite simulator --baseline /tmp/old/lockscope\n"
      "  lockscope bench --sweep sweep-bench --lock graph,central --threads 1,2 --duration-ms 200\n"
      "  lockscope bench --lock bravo:slots=4,bravo:slots=1024 --threads 2 --write-permille 10");
  sub->add_option("--lock", cmd.locks,
                  "Lock name, or several separated by commas (see --list); bravo:slots=N sizes BRAVO's table")
      ->capture_default_str();
  sub->add_option("--threads", cmd.threads, "Worker threads (with --sweep: a list, e.g. 1,2,4)")
      ->capture_default_str();
  sub->add_option("--sweep", cmd.sweep,
                  "Run every lock at every --threads count; write DIR/results.csv and plots (docs/sweep.md)");
  sub->add_option("--write-permille", cmd.config.write_permille,
                  "Writes per thousand acquisitions (0..1000)")
      ->check(CLI::Range(0U, 1000U))
      ->capture_default_str();
  sub->add_option("--cs-ns", cmd.config.cs_ns, "Critical-section length, busy (ns)")
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{10'000'000'000}))
      ->capture_default_str();
  sub->add_option("--think-ns", cmd.config.think_ns, "Think time between operations, busy (ns)")
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{10'000'000'000}))
      ->capture_default_str();
  sub->add_option("--duration-ms", cmd.config.duration_ms,
                  "Run length per measurement (ignored with --ops)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{3'600'000}))
      ->capture_default_str();
  sub->add_option("--ops", cmd.config.ops, "Stop after this many acquisitions in all (0: use --duration-ms)")
      ->capture_default_str();
  sub->add_option("--seed", cmd.config.seed, "Seed for each worker's read/write choices")
      ->capture_default_str();
  sub->add_flag("--no-pin", cmd.no_pin, "Do not pin workers to CPUs");
  sub->add_option("--stall-seconds", cmd.config.stall_seconds,
                  "Give up (exit 4) when no acquisition finishes for this long, a deadlock; 0: never")
      ->capture_default_str();
  sub->add_option("--json", cmd.json, "Write results as JSON to FILE ('-' for stdout)");
  sub->add_option("--record", cmd.record,
                  "Write the workload the workers ran as a trace to FILE (needs --ops, one lock)");
  sub->add_flag("--list", cmd.list, "List the lock names and exit");
  sub->add_option("--suite", cmd.suite,
                  "Run a predefined suite instead: 'readpath' (uncontended read cost and "
                  "read-only scaling of every lock), 'record-overhead' (what `lockscope record` adds to an "
                  "uncontended pthread rdlock+unlock; --ops sets the pairs), 'simulator' (lock operations "
                  "simulated per wall second on the cases docs/simulator.md sets targets for)")
      ->check(CLI::IsMember({"readpath", "record-overhead", "simulator"}));
  sub->add_option("--baseline", cmd.baseline,
                  "With --suite simulator: another lockscope binary (an older build) run beside this one, "
                  "alternating, and the speed-up of this one printed");
  sub->add_option("--repeat", cmd.repeat, "With --suite simulator: runs of each case by each binary; the best counts")
      ->check(CLI::Range(1U, 100U))
      ->capture_default_str();
  sub->add_flag("--quick", cmd.quick, "With --suite simulator: leave out the longest case (mesh-1024, 1024 cores)");
  return cmd;
}

bool bench_selected(const BenchCommand& cmd) { return cmd.sub != nullptr && cmd.sub->parsed(); }

int run_bench_command(const BenchCommand& cmd) {
  if (cmd.list) return print_lock_list();
  const bool simulator_only = cmd.sub->count("--baseline") != 0 || cmd.sub->count("--repeat") != 0 || cmd.quick;
  if (simulator_only && cmd.suite != "simulator") {
    fmt::print(stderr, "lockscope: --baseline, --repeat and --quick go with --suite simulator\n");
    return 2;
  }
  if (cmd.suite == "simulator") {
    SimulatorSuiteOptions options;
    options.self = record::self_exe();
    options.baseline = cmd.baseline;
    options.repeat = cmd.repeat;
    options.quick = cmd.quick;
    options.json = cmd.json;
    return run_simulator_suite(options);
  }
  const std::vector<std::string> names = split_commas(cmd.locks);
  if (names.empty()) {
    fmt::print(stderr, "lockscope: --lock: no lock named\n");
    return 2;
  }
  if (const std::string bad = check_lock_names(names, cmd.suite != "readpath"); !bad.empty()) {
    fmt::print(stderr, "lockscope: {}\n", bad);
    return 2;
  }
  auto threads = sweep::parse_counts(cmd.threads, "--threads");
  if (!threads) {
    fmt::print(stderr, "lockscope: {}\n", threads.error());
    return 2;
  }
  for (const std::uint32_t t : *threads) {
    if (t > 4096) {
      fmt::print(stderr, "lockscope: --threads: {} is more than 4096\n", t);
      return 2;
    }
  }
  if (threads->size() > 1 && cmd.sweep.empty()) {
    fmt::print(stderr, "lockscope: --threads: a list of counts needs --sweep DIR\n");
    return 2;
  }
  BenchCommand one = cmd;
  one.config.threads = threads->front();
  if (!cmd.sweep.empty()) return run_bench_sweep(one, names, *threads);
  if (cmd.suite == "record-overhead") return run_record_overhead(cmd);
  if (cmd.suite == "readpath") {
    bench::ReadpathOptions options;
    if (cmd.sub->count("--lock") != 0) options.locks = names;
    if (cmd.sub->count("--duration-ms") != 0) options.duration_ms = cmd.config.duration_ms;
    if (cmd.sub->count("--threads") != 0) options.max_threads = one.config.threads;
    return run_readpath(cmd, options);
  }

  if (!cmd.record.empty() && (cmd.config.ops == 0 || cmd.config.ops > kMaxRecordedOps || names.size() != 1)) {
    fmt::print(stderr, "lockscope: --record: needs one --lock and --ops N (at most {}), so the trace is the "
                       "whole run and fits in memory\n", kMaxRecordedOps);
    return 2;
  }
  const bench::SpinDelay delay = bench::SpinDelay::calibrate();
  std::vector<bench::BenchResult> results;
  Progress progress;
  for (const std::string& name : names) {
    bench::BenchConfig cfg = one.config;
    cfg.pin = !cmd.no_pin;
    cfg.record = !cmd.record.empty();
    progress.update(fmt::format("{}: {} thread{}", name, cfg.threads, cfg.threads == 1 ? "" : "s"));
    results.push_back(run_named(name, cfg, delay));
  }
  progress.update("done");
  bench::print_bench_table(stdout, results);

  std::vector<std::string> objects;
  for (const bench::BenchResult& r : results) objects.push_back(bench::bench_json(r));
  int status = emit_json(cmd.json, json_one_or_array(objects));
  if (!cmd.record.empty() && status == 0) {
    std::ostringstream trace;
    traces::write_workload(trace, results.front().workload);
    if (auto written = traces::write_file_atomically(cmd.record, trace.str()); !written) {
      fmt::print(stderr, "lockscope: {}\n", written.error());
      return 1;
    }
  }
  for (const bench::BenchResult& r : results) {
    if (r.violations != 0) {
      fmt::print(stderr, "lockscope: {}: {} mutual-exclusion violations\n", r.config.lock,
                 r.violations);
      status = 3;
    }
  }
  return status;
}

}  // namespace lockscope::engine::cli
