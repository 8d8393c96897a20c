#include "engine/cli/stress_command.hpp"

#include <fmt/format.h>

#include <expected>
#include <string>
#include <vector>

#include "engine/bench/lock_registry.hpp"
#include "engine/cli/lists.hpp"
#include "engine/cli/progress.hpp"
#include "engine/replay/lock_spec.hpp"
#include "engine/stress/stress_registry.hpp"
#include "engine/stress/stress_report.hpp"
#include "traces/atomic_output.hpp"

namespace lockscope::engine::cli {

namespace stress = engine::stress;

struct StressCommand {
  CLI::App* sub = nullptr;
  std::string locks = "graph";
  std::string ops = "1e6";
  stress::StressConfig config;
  bool list = false;
  std::string json;
  std::string mix;
};

namespace {

int print_lock_list() {
  for (const stress::StressEntry& e : stress::stress_locks()) {
    const bench::LockEntry* b = bench::find_bench_lock(e.name);
    fmt::print("{:<17} {:<9} {:<10} {}\n", e.name, e.contexts ? "contexts" : "-", e.try_locks ? "try-locks" : "-",
               b != nullptr ? b->summary : "");
  }
  return 0;
}

std::string millions(double n) { return fmt::format("{:.1f} M", n / 1e6); }

// "--mix try_write=0,orphaned_read=100": per-thousand shares by name.
std::expected<stress::OpMix, std::string> parse_mix(const std::string& text, stress::OpMix mix) {
  for (const std::string& item : split_commas(text)) {
    const auto eq = item.find('=');
    const std::string key = item.substr(0, eq);
    unsigned* share = key == "write"            ? &mix.write
                      : key == "try_write"      ? &mix.try_write
                      : key == "try_read"       ? &mix.try_read
                      : key == "migrating_read" ? &mix.migrating_read
                      : key == "orphaned_read"  ? &mix.orphaned_read
                      : key == "context_churn"  ? &mix.context_churn
                                                : nullptr;
    const std::string value = eq == std::string::npos ? "" : item.substr(eq + 1);
    if (share == nullptr || value.empty() || value.size() > 4 ||
        value.find_first_not_of("0123456789") != std::string::npos || std::stoul(value) > 1000) {
      return std::unexpected(fmt::format("'{}' is not KIND=PERMILLE (0..1000) with KIND one of write, try_write, "
                                         "try_read, migrating_read, orphaned_read, context_churn", item));
    }
    *share = static_cast<unsigned>(std::stoul(value));
  }
  const stress::OpMix& m = mix;
  if (m.write + m.try_write + m.try_read + m.migrating_read + m.orphaned_read + m.context_churn > 1000) {
    return std::unexpected(std::string("the shares add up to more than 1000"));
  }
  return mix;
}

}  // namespace

StressCommand& add_stress_command(CLI::App& app) {
  static StressCommand cmd;
  CLI::App* sub = app.add_subcommand("stress", "Soak-test locks on real threads: exclusion and data integrity");
  cmd.sub = sub;
  sub->footer(
      "Workers loop over a seeded mix of operations: reads, writes, try-locks and, on locks\n"
      "that count readers per context, readers that migrate between contexts, readers whose\n"
      "context is unregistered while they are inside (orphaned) and context churn. Every\n"
      "critical section checks mutual exclusion and the integrity of a multi-word structure\n"
      "that writers rewrite. Prints operations and violations by kind; exits 3 if any\n"
      "violation was seen, 4 if the run stopped moving (deadlock), 2 on bad options.\n"
      "Progress goes to standard error every second.\n\n"
      "Examples:\n"
      "  lockscope stress --list\n"
      "  lockscope stress --lock graph\n"
      "  lockscope stress --lock graph --ops 1e9 --threads 4 --seed 7 --json soak.json\n"
      "  lockscope stress --lock bravo:slots=4 --ops 1e7\n"
      "  lockscope stress --lock all --ops 2e5");
  sub->add_option("--lock", cmd.locks,
                  "Lock name, several separated by commas, or 'all' (see --list); bravo:slots=N sizes BRAVO's table")
      ->capture_default_str();
  sub->add_option("--ops", cmd.ops, "Operations in all, over every thread (2000000, 2e7, 10^9)")
      ->capture_default_str();
  sub->add_option("--threads", cmd.config.threads, "Worker threads")
      ->check(CLI::Range(1U, 4096U))
      ->capture_default_str();
  sub->add_option("--seed", cmd.config.seed, "Seed for each worker's choice of operations and hold times")
      ->capture_default_str();
  sub->add_option("--stall-seconds", cmd.config.stall_seconds,
                  "Give up (exit 4) when no operation finishes for this long; 0: never")
      ->capture_default_str();
  sub->add_option("--mix", cmd.mix,
                  "Change the operation mix, per thousand: e.g. try_write=0,orphaned_read=100 (kinds: write, "
                  "try_write, try_read, migrating_read, orphaned_read, context_churn; plain reads take the rest; "
                  "default 40,10,50,30,10,5)");
  sub->add_option("--json", cmd.json, "Write the summary as JSON to FILE ('-' for stdout)");
  sub->add_flag("--list", cmd.list, "List the lock names with what the soak exercises on each, and exit");
  return cmd;
}

bool stress_selected(const StressCommand& cmd) { return cmd.sub != nullptr && cmd.sub->parsed(); }

int run_stress_command(const StressCommand& cmd) {
  if (cmd.list) return print_lock_list();
  // Each lock with its name as given and its table's size ("bravo:slots=64").
  struct Named {
    const stress::StressEntry* entry;
    std::string name;
    std::uint32_t table_slots = 0;
  };
  std::vector<Named> entries;
  if (cmd.locks == "all") {
    for (const stress::StressEntry& e : stress::stress_locks()) {
      if (!e.broken) entries.push_back({&e, std::string(e.name)});  // the broken-on-purpose ones only by name
    }
  } else {
    for (const std::string& name : split_commas(cmd.locks)) {
      const auto spec = replay::parse_lock_spec(name);
      if (!spec) {
        fmt::print(stderr, "lockscope: --lock: {}\n", spec.error());
        return 2;
      }
      const stress::StressEntry* e = stress::find_stress_lock(spec->design);
      if (e == nullptr) {
        fmt::print(stderr, "lockscope: --lock: unknown lock '{}' (lockscope stress --list names them)\n", name);
        return 2;
      }
      entries.push_back({e, name, spec->params.table_slots});
    }
  }
  if (entries.empty()) {
    fmt::print(stderr, "lockscope: --lock: no lock named\n");
    return 2;
  }
  const auto ops = stress::parse_count(cmd.ops);
  if (!ops) {
    fmt::print(stderr, "lockscope: --ops: {}\n", ops.error());
    return 2;
  }

  const auto mix = parse_mix(cmd.mix, cmd.config.mix);
  if (!mix) {
    fmt::print(stderr, "lockscope: --mix: {}\n", mix.error());
    return 2;
  }

  std::vector<stress::StressResult> results;
  for (const Named& e : entries) {
    stress::StressConfig cfg = cmd.config;
    cfg.lock = e.name;
    cfg.table_slots = e.table_slots;
    cfg.ops = *ops;
    cfg.mix = *mix;
    {
      Progress progress;
      stress::StressHooks hooks;
      hooks.progress = [&](std::uint64_t done, double elapsed) {
        const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
        progress.update(fmt::format("{}: {} of {} ops ({:.0f}%), {} ops/s, {:.0f} s", cfg.lock,
                                    millions(static_cast<double>(done)), millions(static_cast<double>(cfg.ops)),
                                    100.0 * static_cast<double>(done) / static_cast<double>(cfg.ops),
                                    millions(rate), elapsed));
      };
      results.push_back(e.entry->run(cfg, hooks));
    }  // the progress line is cleared before the summary
    // Each summary as soon as its run ends: a later lock may hang (exit 4).
    stress::print_stress_summary(stdout, results.back());
    std::fflush(stdout);
  }

  int status = 0;
  if (!cmd.json.empty()) {
    std::vector<std::string> objects;
    for (const stress::StressResult& r : results) objects.push_back(stress::stress_json(r));
    if (auto written = traces::write_file_atomically(cmd.json, json_one_or_array(objects)); !written) {
      fmt::print(stderr, "lockscope: {}\n", written.error());
      status = 1;
    }
  }
  for (const stress::StressResult& r : results) {
    if (r.total_violations() != 0) {
      fmt::print(stderr, "lockscope: {}: {} violations of exclusion or data integrity\n", r.config.lock,
                 r.total_violations());
      status = 3;
    }
  }
  return status;
}

}  // namespace lockscope::engine::cli
