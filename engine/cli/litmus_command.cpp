#include "engine/cli/litmus_command.hpp"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "engine/bench/cpu_affinity.hpp"
#include "engine/cli/progress.hpp"
#include "engine/litmus/catalogue.hpp"
#include "engine/litmus/real_runner.hpp"
#include "engine/litmus/sim_runner.hpp"
#include "engine/litmus/verdict.hpp"
#include "engine/machine/machine.hpp"
#include "engine/machine/resolve.hpp"
#include "engine/replay/machine_costs.hpp"
#include "engine/stress/stress_config.hpp"
#include "traces/atomic_output.hpp"

namespace lockscope::engine::cli {

namespace litmus = engine::litmus;

struct LitmusCommand {
  CLI::App* sub = nullptr;
  std::vector<std::string> tests;
  std::string iterations = "1e6";
  std::string seeds = "1000";
  std::string machine;  // empty: this-machine if calibrated, else laptop-8
  std::string memory_model = "both";
  double max_delay_ns = 0;  // 0: the runner's default
  bool no_real = false;
  std::string json;
  bool list = false;
};

namespace {

using litmus::LitmusTest;
using litmus::OutcomeCounts;

// What ran for one test, in each world (nullopt: not run).
struct TestResults {
  const LitmusTest* test = nullptr;
  std::optional<OutcomeCounts> real;
  std::optional<OutcomeCounts> sim_tso;
  std::optional<OutcomeCounts> sim_sc;
  litmus::Verdict verdict;
};

int print_list() {
  for (const LitmusTest& t : litmus::catalogue()) {
    fmt::print("{:<12} {}\n{:<12} {}\n", t.name, t.summary, "", t.program);
  }
  return 0;
}

// The machine when --machine is not given: the calibrated one if there is
// one, else a preset whose two first cores are a plausible pair.
std::string default_machine() {
  const auto path = machine::this_machine_path();
  if (path && std::filesystem::exists(*path)) return std::string(machine::kThisMachine);
  return "laptop-8";
}

std::string cell(const std::optional<OutcomeCounts>& c, std::size_t i) {
  if (!c) return "-";
  const double pct = c->runs > 0 ? 100.0 * static_cast<double>(c->counts[i]) / static_cast<double>(c->runs) : 0;
  return c->counts[i] == 0 ? "0" : fmt::format("{} ({:.3g}%)", c->counts[i], pct);
}

void print_test(const TestResults& r) {
  const LitmusTest& t = *r.test;
  fmt::print("\n{}: {}\n  {}\n", t.name, t.summary, t.program);
  fmt::print("  {:<12} {:<16} {:>20} {:>18} {:>18}\n", "outcome", "x86-TSO allows?", "real", "sim tso", "sim sc");
  for (std::size_t i = 0; i < t.outcomes.size(); ++i) {
    const litmus::Outcome& o = t.outcomes[i];
    fmt::print("  {:<12} {:<16} {:>20} {:>18} {:>18}\n", litmus::outcome_label(t, o),
               !o.tso_allows ? "no" : (o.sc_allows ? "yes" : "yes (SC: no)"), cell(r.real, i), cell(r.sim_tso, i),
               cell(r.sim_sc, i));
  }
  auto impossible = [](const std::optional<OutcomeCounts>& c) { return c && c->impossible() > 0; };
  if (impossible(r.real) || impossible(r.sim_tso) || impossible(r.sim_sc)) {
    fmt::print("  {:<12} {:<16} {:>20} {:>18} {:>18}\n", "(other)", "no", cell(r.real, t.outcomes.size()),
               cell(r.sim_tso, t.outcomes.size()), cell(r.sim_sc, t.outcomes.size()));
  }
  fmt::print("  verdict: {}\n", r.verdict.line);
  for (const std::string& note : r.verdict.notes) fmt::print("    {}\n", note);
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string json_count(const std::optional<OutcomeCounts>& c, std::size_t i) {
  return c ? std::to_string(c->counts[i]) : "null";
}

std::string json_report(const std::vector<TestResults>& results, const std::string& machine_name,
                        std::uint64_t iterations, std::uint64_t seeds, const litmus::RealRun* real_example) {
  std::string out = "{\n";
  out += fmt::format("  \"machine\": {},\n  \"seeds\": {},\n  \"iterations\": {},\n", json_string(machine_name), seeds,
                     iterations);
  if (real_example != nullptr) {
    out += fmt::format("  \"real_cpus\": [{}, {}],\n  \"pinned\": {},\n", real_example->cpus[0], real_example->cpus[1],
                       real_example->pinned);
  }
  out += "  \"tests\": [\n";
  for (std::size_t k = 0; k < results.size(); ++k) {
    const TestResults& r = results[k];
    const LitmusTest& t = *r.test;
    out += fmt::format("    {{\"name\": {}, \"program\": {}, \"verdict\": {},\n", json_string(t.name),
                       json_string(t.program), json_string(r.verdict.fail ? "fail" : r.verdict.agrees ? "agrees" : "not seen"));
    out += fmt::format("     \"runs\": {{\"real\": {}, \"sim_tso\": {}, \"sim_sc\": {}}},\n",
                       r.real ? std::to_string(r.real->runs) : "null", r.sim_tso ? std::to_string(r.sim_tso->runs) : "null",
                       r.sim_sc ? std::to_string(r.sim_sc->runs) : "null");
    out += "     \"outcomes\": [\n";
    for (std::size_t i = 0; i <= t.outcomes.size(); ++i) {
      const bool other = i == t.outcomes.size();
      out += fmt::format("       {{\"outcome\": {}, \"tso_allows\": {}, \"sc_allows\": {}, \"real\": {}, \"sim_tso\": {}, "
                         "\"sim_sc\": {}}}{}\n",
                         json_string(other ? "other" : litmus::outcome_label(t, t.outcomes[i])),
                         !other && t.outcomes[i].tso_allows, !other && t.outcomes[i].sc_allows, json_count(r.real, i),
                         json_count(r.sim_tso, i), json_count(r.sim_sc, i), other ? "" : ",");
    }
    out += "     ],\n     \"notes\": [";
    for (std::size_t n = 0; n < r.verdict.notes.size(); ++n) {
      out += (n > 0 ? ", " : "") + json_string(r.verdict.notes[n]);
    }
    out += fmt::format("]}}{}\n", k + 1 < results.size() ? "," : "");
  }
  return out + "  ]\n}\n";
}

}  // namespace

LitmusCommand& add_litmus_command(CLI::App& app) {
  static LitmusCommand cmd;
  CLI::App* sub = app.add_subcommand("litmus", "Litmus tests (SB, MP, LB, ...) on real threads and in the simulator");
  cmd.sub = sub;
  sub->footer(
      "Runs the classic two-core litmus tests on two real threads pinned to two CPUs (each run\n"
      "starts both halves together at a spin barrier) and in the simulator on two cores of\n"
      "--machine, in sc and in tso (each seed is one run with seeded start delays), and prints per\n"
      "test how often each outcome showed up beside whether x86-TSO allows it. The verdict says\n"
      "'agrees' when the simulator in tso shows exactly the outcomes the hardware shows. A\n"
      "forbidden outcome seen anywhere (real or sim tso against x86-TSO, sim sc against\n"
      "sequential consistency) is a FAIL: exit 3. Bad options: exit 2. Progress goes to standard\n"
      "error. docs/litmus.md explains each test and the figures of this machine.\n\n"
      "Examples:\n"
      "  lockscope litmus --list\n"
      "  lockscope litmus                                  # every test, 10^6 real runs, 1000 seeds\n"
      "  lockscope litmus SB SB+fences --iterations 2e5 --seeds 500\n"
      "  lockscope litmus MP --no-real --memory-model tso --machine epyc-64\n"
      "  lockscope litmus --json litmus.json");
  sub->add_option("tests", cmd.tests, "Test names (default: all; see --list)");
  sub->add_option("--iterations", cmd.iterations, "Runs per test on real threads (1000000, 2e5, 10^6)")
      ->capture_default_str();
  sub->add_option("--seeds", cmd.seeds, "Runs per test and memory model in the simulator, one seed each")
      ->capture_default_str();
  sub->add_option("--machine", cmd.machine,
                  "The simulated machine (its cores 0 and 1): a preset, 'this-machine', or a .toml/.csv file "
                  "(default: this-machine if calibrated, else laptop-8)");
  sub->add_option("--memory-model", cmd.memory_model, "sc, tso or both: which simulated models run")
      ->capture_default_str();
  sub->add_option("--max-delay", cmd.max_delay_ns,
                  "Simulated start delays are drawn from 0..NS per seed and thread (default: ten times the "
                  "transfer between cores 0 and 1)")
      ->check(CLI::Range(0.0, 1e6));
  sub->add_flag("--no-real", cmd.no_real, "Simulate only; no real threads");
  sub->add_option("--json", cmd.json, "Also write the counts and verdicts as JSON to FILE ('-' for stdout)");
  sub->add_flag("--list", cmd.list, "List the tests with their programs, and exit");
  return cmd;
}

bool litmus_selected(const LitmusCommand& cmd) { return cmd.sub != nullptr && cmd.sub->parsed(); }

int run_litmus_command(const LitmusCommand& cmd) {
  if (cmd.list) return print_list();
  std::vector<const LitmusTest*> tests;
  if (cmd.tests.empty()) {
    for (const LitmusTest& t : litmus::catalogue()) tests.push_back(&t);
  }
  for (const std::string& name : cmd.tests) {
    const LitmusTest* t = litmus::find_test(name);
    if (t == nullptr) {
      fmt::print(stderr, "lockscope: unknown litmus test '{}' (lockscope litmus --list names them)\n", name);
      return 2;
    }
    tests.push_back(t);
  }
  const auto iterations = stress::parse_count(cmd.iterations);
  if (!iterations) {
    fmt::print(stderr, "lockscope: --iterations: {}\n", iterations.error());
    return 2;
  }
  const auto seeds = stress::parse_count(cmd.seeds);
  if (!seeds) {
    fmt::print(stderr, "lockscope: --seeds: {}\n", seeds.error());
    return 2;
  }
  const bool want_tso = cmd.memory_model == "tso" || cmd.memory_model == "both";
  const bool want_sc = cmd.memory_model == "sc" || cmd.memory_model == "both";
  if (!want_tso && !want_sc) {
    fmt::print(stderr, "lockscope: --memory-model: '{}' is not sc, tso or both\n", cmd.memory_model);
    return 2;
  }
  const std::string machine_name = cmd.machine.empty() ? default_machine() : cmd.machine;
  auto machine = machine::resolve_machine(machine_name);
  if (!machine) {
    fmt::print(stderr, "lockscope: --machine: {}\n", machine.error());
    return 2;
  }
  if (machine->cores() < 2) {
    fmt::print(stderr, "lockscope: --machine: {} has one core; litmus tests need two\n", machine->name);
    return 2;
  }
  machine = machine::first_cores(*machine, 2);
  if (!machine) {
    fmt::print(stderr, "lockscope: --machine: {}\n", machine.error());
    return 2;
  }

  std::vector<TestResults> results(tests.size());
  for (std::size_t k = 0; k < tests.size(); ++k) results[k].test = tests[k];

  litmus::SimSetup setup;
  setup.costs = replay::cost_model(*machine);
  setup.sim_costs = replay::sim_costs(*machine);
  setup.seeds = *seeds;
  setup.max_delay = static_cast<coherence::Picos>(cmd.max_delay_ns * 1000.0);
  const auto started = std::chrono::steady_clock::now();
  for (const auto model : {engine::sim::MemoryModel::tso, engine::sim::MemoryModel::sc}) {
    const bool tso = model == engine::sim::MemoryModel::tso;
    if (!(tso ? want_tso : want_sc)) continue;
    setup.sim_costs.memory_model = model;
    Progress progress;
    auto last = std::chrono::steady_clock::now();
    const auto counts = litmus::run_simulated(tests, setup, [&](std::string_view test, std::uint64_t done) {
      if (std::chrono::steady_clock::now() - last < std::chrono::seconds(1)) return;
      last = std::chrono::steady_clock::now();
      progress.update(fmt::format("litmus: sim {} {}: {} of {} seeds", tso ? "tso" : "sc", test, done, *seeds));
    });
    if (!counts) {
      fmt::print(stderr, "lockscope: litmus: sim {}: {}\n", tso ? "tso" : "sc", counts.error());
      return 1;
    }
    for (std::size_t k = 0; k < tests.size(); ++k) (tso ? results[k].sim_tso : results[k].sim_sc) = (*counts)[k];
  }
  std::optional<litmus::RealRun> last_real;
  // Two threads spinning on one CPU would wait a scheduler tick at every
  // barrier (hours for 10^6 runs), and could not overlap anyway.
  const bool one_cpu = !cmd.no_real && bench::allowed_cpus().size() < 2;
  if (one_cpu) fmt::print(stderr, "lockscope: litmus: this process may use one CPU only; real threads skipped\n");
  if (!cmd.no_real && !one_cpu) {
    for (TestResults& r : results) {
      Progress progress;
      litmus::RealRun run = litmus::run_real(*r.test, *iterations, [&](std::uint64_t done) {
        progress.update(fmt::format("litmus: real {}: {} of {} runs", r.test->name, done, *iterations));
      });
      r.real = run.counts;
      last_real = std::move(run);
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  fmt::print("litmus: {} test{}; ", tests.size(), tests.size() == 1 ? "" : "s");
  if (last_real) {
    fmt::print("real threads on CPUs {} and {}{}, {} runs each; ", last_real->cpus[0], last_real->cpus[1],
               last_real->pinned ? " (pinned)" : " (NOT pinned: the kernel refused, or one CPU)", *iterations);
  }
  fmt::print("simulated {} cores 0 and 1 ({:.1f} ns apart), {} seeds each, start delays 0..{:.0f} ns and lines "
             "placed by seed; {:.1f} s\n",
             machine->name, static_cast<double>(setup.costs.between(0, 1)) / 1000.0, *seeds,
             static_cast<double>(litmus::start_delay_bound(setup)) / 1000.0, seconds);
  int status = 0;
  for (TestResults& r : results) {
    r.verdict = litmus::judge(*r.test, r.real ? &*r.real : nullptr, r.sim_tso ? &*r.sim_tso : nullptr,
                              r.sim_sc ? &*r.sim_sc : nullptr);
    print_test(r);
    if (r.verdict.fail) status = 3;
  }
  if (!cmd.json.empty()) {
    const std::string text = json_report(results, machine->name, cmd.no_real ? 0 : *iterations, *seeds,
                                         last_real ? &*last_real : nullptr);
    if (auto written = traces::write_file_atomically(cmd.json, text); !written) {
      fmt::print(stderr, "lockscope: {}\n", written.error());
      if (status == 0) status = 1;
    }
  }
  if (status == 3) fmt::print(stderr, "lockscope: litmus: a forbidden outcome was seen (FAIL above)\n");
  return status;
}

}  // namespace lockscope::engine::cli
