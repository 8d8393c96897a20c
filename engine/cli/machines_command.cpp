#include "engine/cli/machines_command.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "traces/atomic_output.hpp"
#include "engine/cli/progress.hpp"
#include "engine/machine/calibrate.hpp"
#include "engine/machine/machine_file.hpp"
#include "engine/machine/presets.hpp"
#include "engine/machine/resolve.hpp"

namespace lockscope::engine::cli {

namespace mach = engine::machine;

struct MachinesCommand {
  CLI::App* sub = nullptr;
  std::string show;
};

struct CalibrateCommand {
  CLI::App* sub = nullptr;
  std::string output;
  unsigned samples = mach::CalibrationOptions{}.samples;
  unsigned round_trips = mach::CalibrationOptions{}.round_trips;
  unsigned memory_mib = 64;
  unsigned access_samples = mach::CalibrationOptions{}.access_samples;
  std::string cpus;
};

namespace {

std::string range(const mach::LatencyRange& r) {
  if (r.count == 0) return "-";
  if (r.min == r.max) return fmt::format("{:.1f}", r.min);
  return fmt::format("{:.1f}-{:.1f}", r.min, r.max);
}

void print_row(const mach::Machine& m) {
  const mach::LatencySummary s = mach::summarize(m);
  fmt::print("{:<13} {:>5} {:>6}  {:<12} {:<12} {}\n", m.name, m.cores(), s.groups, range(s.near),
             range(s.far), m.description);
}

std::expected<std::vector<int>, std::string> parse_cpus(const std::string& text) {
  std::vector<int> cpus;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    if (item.empty()) continue;
    std::size_t used = 0;
    int first = 0;
    int last = 0;
    try {
      const std::size_t dash = item.find('-');
      first = std::stoi(item.substr(0, dash), &used);
      if (used != (dash == std::string::npos ? item.size() : dash)) throw std::invalid_argument("");
      last = first;
      if (dash != std::string::npos) {
        last = std::stoi(item.substr(dash + 1), &used);
        if (used != item.size() - dash - 1) throw std::invalid_argument("");
      }
    } catch (const std::exception&) {
      return std::unexpected(fmt::format("--cpus: '{}' is not a CPU number or range", item));
    }
    if (first < 0 || last < first || last - first > 65536) {
      return std::unexpected(fmt::format("--cpus: '{}' is not a CPU number or range", item));
    }
    for (int c = first; c <= last; ++c) cpus.push_back(c);
  }
  return cpus;
}

}  // namespace

MachinesCommand& add_machines_command(CLI::App& app) {
  static MachinesCommand cmd;
  CLI::App* sub = app.add_subcommand(
      "machines", "List the machine presets (and this machine, once calibrated)");
  cmd.sub = sub;
  sub->footer(
      "Near is the range of core-to-core latencies inside a group (CCX, die, socket), far the\n"
      "range across groups. Anything that takes a machine also takes 'this-machine' (see\n"
      "`lockscope calibrate`) or a path to a machine file (.toml) or a core-to-core-latency\n"
      "matrix (.csv); docs/machines.md describes both.\n\n"
      "Examples:\n"
      "  lockscope machines\n"
      "  lockscope machines --show epyc-64 > my-epyc.toml");
  sub->add_option("--show", cmd.show,
                  "Print one machine in full, as a machine file (a preset, this-machine, or a "
                  "path)");
  return cmd;
}

bool machines_selected(const MachinesCommand& cmd) {
  return cmd.sub != nullptr && cmd.sub->parsed();
}

int run_machines_command(const MachinesCommand& cmd) {
  if (!cmd.show.empty()) {
    auto m = mach::resolve_machine(cmd.show);
    if (!m) {
      fmt::print(stderr, "lockscope: {}\n", m.error());
      return 2;
    }
    fmt::print("{}", mach::write_machine_toml(*m));
    return 0;
  }
  fmt::print("{:<13} {:>5} {:>6}  {:<12} {:<12} {}\n", "NAME", "CORES", "GROUPS", "NEAR (ns)",
             "FAR (ns)", "DESCRIPTION");
  for (std::string_view name : mach::preset_names()) print_row(*mach::preset(name));
  const std::optional<std::string> mine = mach::this_machine_path();
  std::error_code ec;
  if (mine && std::filesystem::exists(*mine, ec)) {
    auto m = mach::read_machine_file(*mine);
    if (!m) {
      fmt::print(stderr, "lockscope: this-machine: {}\n", m.error().to_string());
      return 1;
    }
    print_row(*m);
  }
  return 0;
}

CalibrateCommand& add_calibrate_command(CLI::App& app) {
  static CalibrateCommand cmd;
  CLI::App* sub = app.add_subcommand(
      "calibrate", "Measure this machine's core-to-core latencies and write its machine file");
  cmd.sub = sub;
  sub->footer(
      "Two threads pinned to CPUs i and j bounce one cache line with compare-exchange, for\n"
      "every pair of CPUs (as nviennot's core-to-core-latency does); one way is half a round\n"
      "trip, the median of --samples runs. Also measured: clock, L1 hit, fence, clock read,\n"
      "memory, how much of a miss the work after it runs under (ooo_window_ns), and\n"
      "membarrier(2), and, at the nearest pair of separate cores (not SMT siblings), the\n"
      "cost of a load, a store and an RMW on a line Modified or Exclusive in the other CPU,\n"
      "Shared by k CPUs, or in memory (as ccbench does; the [access] table), and the\n"
      "handover costs: how long a core keeps a contended line (line_hold_ns), a futex\n"
      "wake-up, and how it grows with the time the sleeper's CPU was idle (5 us to 1 ms),\n"
      "what it costs the waker, a futex call that does not sleep, and libstdc++'s spin\n"
      "before it sleeps ([scheduler]). The file is what `--machine this-machine` then uses.\n\n"
      "Examples:\n"
      "  lockscope calibrate\n"
      "  lockscope calibrate --samples 3 --cpus 0-7 --output box.toml");
  sub->add_option("--output", cmd.output,
                  "Machine file to write ('-' for stdout; default: "
                  "$XDG_CONFIG_HOME/lockscope/machines/this-machine.toml)");
  sub->add_option("--samples", cmd.samples, "Timed runs per CPU pair (the median is kept)")
      ->check(CLI::Range(1U, 1000U))
      ->capture_default_str();
  sub->add_option("--round-trips", cmd.round_trips, "Round trips per run")
      ->check(CLI::Range(1U, 10'000'000U))
      ->capture_default_str();
  sub->add_option("--memory-mib", cmd.memory_mib,
                  "Buffer for the memory-latency chase (0: keep the default memory_ns)")
      ->check(CLI::Range(0U, 65536U))
      ->capture_default_str();
  sub->add_option("--access-samples", cmd.access_samples,
                  "Timed accesses per line state for the per-state costs (the median is kept; "
                  "0: skip them)")
      ->check(CLI::Range(0U, 100'000U))
      ->capture_default_str();
  sub->add_option("--cpus", cmd.cpus, "CPUs to measure, e.g. 0-7,16 (default: all allowed)");
  return cmd;
}

bool calibrate_selected(const CalibrateCommand& cmd) {
  return cmd.sub != nullptr && cmd.sub->parsed();
}

int run_calibrate_command(const CalibrateCommand& cmd) {
  std::string output = cmd.output;
  if (output.empty()) {
    const std::optional<std::string> path = mach::this_machine_path();
    if (!path) {
      fmt::print(stderr,
                 "lockscope: no --output given, and neither XDG_CONFIG_HOME nor HOME is set\n");
      return 2;
    }
    output = *path;
  }
  mach::CalibrationOptions options;
  auto cpus = parse_cpus(cmd.cpus);
  if (!cpus) {
    fmt::print(stderr, "lockscope: {}\n", cpus.error());
    return 2;
  }
  options.cpus = std::move(*cpus);
  options.samples = cmd.samples;
  options.round_trips = cmd.round_trips;
  options.memory_bytes = std::size_t{cmd.memory_mib} << 20;
  options.access_samples = cmd.access_samples;

  // The folder first, so that a bad --output fails before minutes of measuring.
  if (output != "-") {
    std::error_code ec;
    const std::filesystem::path parent = std::filesystem::path(output).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) {
      fmt::print(stderr, "lockscope: {}: cannot create the folder: {}\n", parent.string(),
                 ec.message());
      return 1;
    }
  }
  std::expected<mach::Machine, std::string> m;
  {
    Progress progress;
    m = mach::calibrate(options, [&](const std::string& what) { progress.update(what); });
    progress.update(m ? "done" : "failed");
  }
  if (!m) {
    fmt::print(stderr, "lockscope: calibrate: {}\n", m.error());
    return 1;
  }
  if (auto written = traces::write_file_atomically(output, mach::write_machine_toml(*m)); !written) {
    fmt::print(stderr, "lockscope: {}\n", written.error());
    return 1;
  }
  const mach::LatencySummary s = mach::summarize(*m);
  fmt::print(output == "-" ? stderr : stdout,
             "{}: {} CPUs, {} group{}; core-to-core near {} ns, far {} ns; clock {:.2f} GHz, "
             "L1 hit {:.2f} ns, fence {:.1f} ns, clock read {:.1f} ns, work under a miss {:.0f} ns, memory {:.0f} ns, "
             "membarrier {:.0f} ns ({:.0f} ns alone)\n",
             output == "-" ? "this-machine" : output, m->cores(), s.groups,
             s.groups == 1 ? "" : "s", range(s.near), range(s.far), m->clock_ghz, m->l1_hit_ns,
             m->fence_ns, m->clock_read_ns, m->ooo_window_ns, m->memory_ns, m->heavy_barrier_ns,
             m->heavy_barrier_alone_ns);
  if (m->access.given()) {
    const mach::AccessCosts& a = m->access;
    auto shared = [](const std::vector<double>& v) {
      std::string out;
      for (const double x : v) out += fmt::format("{}{:.1f}", out.empty() ? "" : "/", x);
      return out;
    };
    auto cell = [](double ns) { return ns > 0 ? fmt::format("{:.1f}", ns) : std::string("-"); };
    std::FILE* to = output == "-" ? stderr : stdout;
    fmt::print(to, "per-state costs (ns; reference latency {:.1f} ns):\n", a.reference_ns);
    fmt::print(to, "  {:<6} {:>8} {:>8} {:>14} {:>8}\n", "", "M", "E", "S (k=1..)", "memory");
    fmt::print(to, "  {:<6} {:>8} {:>8} {:>14} {:>8}\n", "load", cell(a.load.modified_ns),
               cell(a.load.exclusive_ns), a.load.shared_ns > 0 ? cell(a.load.shared_ns) : "-",
               cell(a.load.memory_ns));
    for (auto [what, op] : {std::pair{"store", &a.store}, std::pair{"RMW", &a.rmw}}) {
      fmt::print(to, "  {:<6} {:>8} {:>8} {:>14} {:>8}\n", what, cell(op->modified_ns),
                 cell(op->exclusive_ns), shared(op->shared_by_ns), cell(op->memory_ns));
    }
  }
  return 0;
}

}  // namespace lockscope::engine::cli
