#include "engine/cli/bench_command.hpp"

#include <fmt/format.h>

#include <memory>
#include <sstream>
#include <vector>

#include "engine/bench/cpu_affinity.hpp"
#include "engine/bench/lock_registry.hpp"
#include "engine/bench/readpath_suite.hpp"
#include "engine/bench/report.hpp"
#include "engine/cli/lists.hpp"
#include "engine/cli/output_file.hpp"
#include "engine/cli/progress.hpp"
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
};

namespace {

constexpr std::uint64_t kMaxRecordedOps = 10'000'000;

int print_lock_list() {
  for (const bench::LockEntry& e : bench::bench_locks()) {
    fmt::print("{:<17} {:<12} {}\n", e.name, e.simulated ? "bench+sim" : "bench only", e.summary);
  }
  return 0;
}

int emit_json(const std::string& path, const std::string& text) {
  if (path.empty()) return 0;
  if (auto written = write_output(path, text); !written) {
    fmt::print(stderr, "lockscope: {}\n", written.error());
    return 1;
  }
  return 0;
}

int run_readpath(const BenchCommand& cmd, bench::ReadpathOptions options) {
  Progress progress;
  const bench::ReadpathReport report = bench::run_readpath_suite(
      options, [&](const std::string& what) { progress.update(what); });
  progress.update("done");
  bench::print_readpath(stdout, report);
  return emit_json(cmd.json, bench::readpath_json(report));
}

}  // namespace

BenchCommand& add_bench_command(CLI::App& app) {
  static BenchCommand cmd;
  cmd.config.threads = static_cast<unsigned>(bench::allowed_cpus().size());
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
      "  lockscope bench --suite readpath --json readpath.json");
  sub->add_option("--lock", cmd.locks, "Lock name, or several separated by commas (see --list)")
      ->capture_default_str();
  sub->add_option("--threads", cmd.config.threads, "Worker threads")
      ->check(CLI::Range(1U, 4096U))
      ->capture_default_str();
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
  sub->add_option("--json", cmd.json, "Write results as JSON to FILE ('-' for stdout)");
  sub->add_option("--record", cmd.record,
                  "Write the workload the workers ran as a trace to FILE (needs --ops, one lock)");
  sub->add_flag("--list", cmd.list, "List the lock names and exit");
  sub->add_option("--suite", cmd.suite,
                  "Run a predefined suite instead: 'readpath' (uncontended read cost and "
                  "read-only scaling of every lock)")
      ->check(CLI::IsMember({"readpath"}));
  return cmd;
}

bool bench_selected(const BenchCommand& cmd) { return cmd.sub != nullptr && cmd.sub->parsed(); }

int run_bench_command(const BenchCommand& cmd) {
  if (cmd.list) return print_lock_list();
  const std::vector<std::string> names = split_commas(cmd.locks);
  if (names.empty()) {
    fmt::print(stderr, "lockscope: --lock: no lock named\n");
    return 2;
  }
  for (const std::string& name : names) {
    if (bench::find_bench_lock(name) == nullptr) {
      fmt::print(stderr, "lockscope: --lock: unknown lock '{}' (lockscope bench --list names them)\n",
                 name);
      return 2;
    }
  }
  if (cmd.suite == "readpath") {
    bench::ReadpathOptions options;
    if (cmd.sub->count("--lock") != 0) options.locks = names;
    if (cmd.sub->count("--duration-ms") != 0) options.duration_ms = cmd.config.duration_ms;
    if (cmd.sub->count("--threads") != 0) options.max_threads = cmd.config.threads;
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
    bench::BenchConfig cfg = cmd.config;
    cfg.lock = name;
    cfg.pin = !cmd.no_pin;
    cfg.record = !cmd.record.empty();
    progress.update(fmt::format("{}: {} thread{}", name, cfg.threads, cfg.threads == 1 ? "" : "s"));
    results.push_back(bench::find_bench_lock(name)->run(cfg, delay));
  }
  progress.update("done");
  bench::print_bench_table(stdout, results);

  std::vector<std::string> objects;
  for (const bench::BenchResult& r : results) objects.push_back(bench::bench_json(r));
  int status = emit_json(cmd.json, json_one_or_array(objects));
  if (!cmd.record.empty() && status == 0) {
    std::ostringstream trace;
    traces::write_workload(trace, results.front().workload);
    if (auto written = write_output(cmd.record, trace.str()); !written) {
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
