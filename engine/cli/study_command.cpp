#include "engine/cli/study_command.hpp"

#include <fmt/format.h>

#include <string>
#include <vector>

#include "traces/atomic_output.hpp"
#include "engine/cli/progress.hpp"
#include "engine/machine/presets.hpp"
#include "engine/study/study.hpp"

namespace lockscope::engine::cli {

namespace st = engine::study;

struct StudyCommand {
  CLI::App* sub = nullptr;
  std::string name;
  bool list = false;
  std::string csv;
  std::vector<unsigned> threads;
  double duration_us = st::ContendedOptions{}.duration_ns / 1000.0;
  unsigned rounds = st::BounceOptions{}.rounds;
  std::string arbitration;
};

StudyCommand& add_study_command(CLI::App& app) {
  static StudyCommand cmd;
  CLI::App* sub = app.add_subcommand(
      "study", "Replay a published synchronization study on its machine preset, beside its figures");
  cmd.sub = sub;
  sub->footer(
      "For each latency the study published (ccbench: one load, store or CAS on a line that is\n"
      "Modified in a core at a given distance) the same access is simulated between two cores\n"
      "that far apart; then N workers hammer one line with fetch-and-add for each thread count.\n"
      "Every run is a simulation of its own (a forked child). 'fitted' rows are figures the\n"
      "preset was built from; 'held out' rows were not used to build it. docs/fidelity.md\n"
      "describes the sources and the differences.\n\n"
      "Examples:\n"
      "  lockscope study --list\n"
      "  lockscope study\n"
      "  lockscope study sosp13-xeon --threads 2,10,80 --csv study.csv");
  sub->add_option("name", cmd.name, "The study (default: the first of --list)");
  sub->add_flag("--list", cmd.list, "List the studies and exit");
  sub->add_option("--csv", cmd.csv, "Also write the table as CSV to FILE ('-': standard output)");
  sub->add_option("--threads", cmd.threads, "Thread counts of the contended run (default: the study's)")
      ->delimiter(',');
  sub->add_option("--duration-us", cmd.duration_us,
                  "Simulated time each contended run is measured, in microseconds")
      ->check(CLI::Range(1.0, 1e6));
  sub->add_option("--rounds", cmd.rounds, "Rounds averaged per ccbench latency")->check(CLI::Range(1U, 100000U));
  sub->add_option("--arbitration", cmd.arbitration,
                  "Who gets a contended line next: nearest-first, arrival or fifo (default: the preset's; "
                  "docs/simulator.md)");
  return cmd;
}

bool study_selected(const StudyCommand& cmd) { return cmd.sub != nullptr && cmd.sub->parsed(); }

int run_study_command(const StudyCommand& cmd) {
  if (cmd.list) {
    for (const st::Study& s : st::studies()) fmt::print("{:<14} {} (machine {})\n", s.name, s.title, s.machine);
    return 0;
  }
  const st::Study* study = cmd.name.empty() ? &st::studies().front() : st::find_study(cmd.name);
  if (study == nullptr) {
    std::vector<std::string_view> names;
    for (const st::Study& s : st::studies()) names.push_back(s.name);
    fmt::print(stderr, "lockscope: unknown study '{}' (studies: {})\n", cmd.name, fmt::join(names, ", "));
    return 2;
  }
  auto machine = engine::machine::preset(study->machine);
  if (!machine) {
    fmt::print(stderr, "lockscope: {}\n", machine.error());
    return 1;
  }
  if (!cmd.arbitration.empty()) {
    const auto a = engine::machine::parse_arbitration(cmd.arbitration);
    if (!a) {
      fmt::print(stderr, "lockscope: --arbitration: '{}' is not nearest-first, arrival or fifo\n", cmd.arbitration);
      return 2;
    }
    machine->arbitration = *a;
  }
  for (const unsigned t : cmd.threads) {
    if (t == 0 || t > machine->cores()) {
      fmt::print(stderr, "lockscope: --threads: {} is not between 1 and {} (the cores of {})\n", t,
                 machine->cores(), machine->name);
      return 2;
    }
  }
  st::StudyOptions options;
  options.threads = cmd.threads;
  options.contended.duration_ns = cmd.duration_us * 1000.0;
  options.bounce.rounds = cmd.rounds;
  st::StudyResult result;
  {
    Progress progress;
    result = st::run_study(*study, *machine, options, [&](const std::string& what) { progress.update(what); });
  }
  fmt::print("{}", st::format_table(*study, result));
  if (!cmd.csv.empty()) {
    if (auto written = traces::write_file_atomically(cmd.csv, st::format_csv(*study, result)); !written) {
      fmt::print(stderr, "lockscope: {}\n", written.error());
      return 1;
    }
  }
  bool failed = false;
  for (const st::LatencyRow& r : result.latencies) failed = failed || !r.error.empty();
  for (const st::ThroughputRow& r : result.throughput) failed = failed || !r.error.empty();
  return failed ? 1 : 0;
}

}  // namespace lockscope::engine::cli
