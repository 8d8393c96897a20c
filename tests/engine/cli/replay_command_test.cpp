#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "tests/engine/cli/run_cli.hpp"

namespace lockscope::testing {
namespace {

namespace fs = std::filesystem;

const std::string kTrace = std::string(LOCKSCOPE_SOURCE_DIR) + "/tests/traces/fixtures/migrating-reader.workload";

fs::path temp(const std::string& name) {
  return fs::temp_directory_path() / (std::to_string(::getpid()) + "_" + name);
}

int lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

TEST(ReplayCommand, ListLocksNamesTheSimulatedLocksAndEveryKnobCombination) {
  const CliRun r = run_cli("replay --list-locks");
  EXPECT_EQ(r.status, 0) << r.err;
  for (const char* name : {"graph\n", "graph-asym\n", "central\n", "graph-qemu\n", "graph:full:if_writer:polling\n",
                           "graph:asym:always:held\n", "numa\n", "numa-ccx\n",
                           "percpu\n", "graph-fair\n", "pflock\n", "bravo\n", "glibc-rwlock\n",
                           "glibc-rwlock-wp\n"}) {
    EXPECT_NE(r.out.find(name), std::string::npos) << name;
  }
}

TEST(ReplayCommand, JsonSummaryCarriesEveryDocumentedKey) {
  const CliRun r = run_cli("replay " + kTrace + " --lock graph --machine laptop-8 --quiet --json -");
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char* key : {"\"lock\": \"graph\"", "\"machine\": \"laptop-8\"", "\"cores\": 8", "\"seed\": 1",
                          "\"sim_time_ns\"", "\"lock_ops\": 3", "\"read_ops\": 2", "\"write_ops\": 1",
                          "\"throughput_ops_per_sim_sec\"", "\"read_wait_ns\"", "\"write_wait_ns\"", "\"p50\"",
                          "\"p99\"", "\"max\"", "\"line_transfers\"", "\"transfers_per_op\"", "\"lines\"",
                          "\"violations\": 0", "\"deadlock\": false", "\"wall_sec\"", "\"sim_ops_per_wall_sec\""}) {
    EXPECT_NE(r.out.find(key), std::string::npos) << key << " in " << r.out;
  }
}

// Everything but the two wall-clock fields must match byte for byte.
std::string without_wall_clock(std::string json) {
  json = std::regex_replace(json, std::regex("\"wall_sec\": [^,\\n]*"), "");
  return std::regex_replace(json, std::regex("\"sim_ops_per_wall_sec\": [^,\\n]*"), "");
}

TEST(ReplayCommand, SameInputsGiveByteIdenticalSummaryAndTimeline) {
  const fs::path a = temp("a.lstl");
  const fs::path b = temp("b.lstl");
  const std::string args = "replay " + kTrace + " --lock graph --machine epyc-64 --cores 4 --seed 5 --jitter 0.3 --quiet --json - --timeline ";
  const CliRun first = run_cli(args + a.string());
  const CliRun second = run_cli(args + b.string());
  ASSERT_EQ(first.status, 0) << first.err;
  ASSERT_EQ(second.status, 0) << second.err;
  EXPECT_EQ(without_wall_clock(first.out), without_wall_clock(second.out));
  EXPECT_EQ(slurp(a), slurp(b));
  EXPECT_FALSE(slurp(a).empty());
  fs::remove(a);
  fs::remove(b);
}

TEST(ReplayCommand, SeveralLocksWriteOneTimelinePerLockAndACompareTable) {
  const fs::path out = temp("cmp.lstl");
  const CliRun r = run_cli("replay " + kTrace + " --lock graph,central --machine laptop-8 --timeline " + out.string());
  ASSERT_EQ(r.status, 0) << r.err;
  const fs::path graph = temp("cmp.graph.lstl");
  const fs::path central = temp("cmp.central.lstl");
  EXPECT_TRUE(fs::exists(graph));
  EXPECT_TRUE(fs::exists(central));
  EXPECT_NE(r.out.find("healthy"), std::string::npos) << "the comparison table";
  fs::remove(graph);
  fs::remove(central);
}

TEST(ReplayCommand, BadInputsAreOneLineErrorsWithNonZeroExit) {
  const fs::path garbage = temp("garbage.workload");
  std::ofstream(garbage) << "lockscope-workload 1\ncontexts 1\nworkers 1\nworker 0 context 0\n0 rdunlock\nend 1\n";
  const CliRun bad_trace = run_cli("replay " + garbage.string() + " --quiet");
  EXPECT_NE(bad_trace.status, 0);
  EXPECT_EQ(lines(bad_trace.err), 1) << bad_trace.err;
  EXPECT_NE(bad_trace.err.find(garbage.string() + ":5:3:"), std::string::npos) << bad_trace.err;
  fs::remove(garbage);

  for (const std::string& args : std::vector<std::string>{"replay " + kTrace + " --lock nosuch", "replay " + kTrace + " --lock std-shared-mutex",
                                  "replay " + kTrace + " --machine nosuch", "replay " + kTrace + " --machine laptop-8 --cores 9",
                                  std::string("replay /nonexistent.workload"), std::string("replay"), "replay " + kTrace + " --jitter 2"}) {
    const CliRun r = run_cli(args);
    EXPECT_NE(r.status, 0) << args;
    EXPECT_GE(lines(r.err), 1) << args;
    EXPECT_LE(lines(r.err), 2) << args << ": " << r.err;  // CLI11 adds a "Run with --help" line
    EXPECT_TRUE(r.out.empty()) << args;
  }
}

TEST(ReplayCommand, MemoryModelTsoIsShownAndScIsNot) {
  const std::string args = "replay " + kTrace + " --lock graph --machine laptop-8";
  const CliRun tso = run_cli(args + " --memory-model tso --json " + temp("tso.json").string());
  ASSERT_EQ(tso.status, 0) << tso.err;
  EXPECT_EQ(tso.out.rfind("graph on laptop-8 (8 cores), seed 1, memory model tso\n", 0), 0u) << tso.out;
  EXPECT_NE(slurp(temp("tso.json")).find("\"seed\": 1,\n  \"memory_model\": \"tso\",\n"), std::string::npos)
      << slurp(temp("tso.json"));
  fs::remove(temp("tso.json"));
  for (const std::string& sc : {args, args + " --memory-model sc"}) {
    const CliRun r = run_cli(sc + " --json -");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out.find("memory"), std::string::npos) << sc << "\n" << r.out;
  }
}

TEST(ReplayCommand, MemoryModelOverridesTheMachineFilesKey) {
  const fs::path machine = temp("tso-machine.toml");
  std::ofstream(machine) << "name = \"tso-pair\"\nclock_ghz = 3\nl1_hit_ns = 1\nmemory_ns = 90\nfence_ns = 8\n"
                            "heavy_barrier_ns = 2000\nlatency_ns = [[0, 30], [30, 0]]\nmemory_model = \"tso\"\n";
  const std::string args = "replay " + kTrace + " --lock graph --machine " + machine.string() + " --quiet --json -";
  const CliRun own = run_cli(args);
  ASSERT_EQ(own.status, 0) << own.err;
  EXPECT_NE(own.out.find("\"memory_model\": \"tso\""), std::string::npos) << "the file's key\n" << own.out;
  const CliRun sc = run_cli(args + " --memory-model sc");
  ASSERT_EQ(sc.status, 0) << sc.err;
  EXPECT_EQ(sc.out.find("memory_model"), std::string::npos) << "the flag wins\n" << sc.out;
  fs::remove(machine);
}

TEST(ReplayCommand, ABadMemoryModelIsOneLineAndExit2) {
  for (const char* bad : {"pso", "TSO", "\"\""}) {
    const CliRun r = run_cli("replay " + kTrace + " --machine laptop-8 --memory-model " + bad);
    EXPECT_EQ(r.status, 2) << bad << ": " << r.err;
    EXPECT_EQ(lines(r.err), 1) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
  EXPECT_EQ(run_cli("replay " + kTrace + " --memory-model pso").err,
            "lockscope: --memory-model: 'pso' is not sc or tso\n");
}

TEST(ReplayCommand, BadScenarioIsAOneLineErrorWithItsPosition) {
  const fs::path scenario = temp("bad.toml");
  std::ofstream(scenario) << "[scenario]\nname = \"x\"\nduraton_us = 5\n";
  const CliRun r = run_cli("replay --scenario " + scenario.string() + " --quiet");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find(scenario.string() + ":3:1:"), std::string::npos) << r.err;
  const CliRun set = run_cli("replay --scenario " + scenario.string() + " --set nosuch.key=1 --quiet");
  EXPECT_EQ(set.status, 2);
  fs::remove(scenario);
}

TEST(ReplayCommand, PerfettoAndPajeExportsAreWritten) {
  const fs::path perfetto = temp("run.json");
  const fs::path paje = temp("run.paje");
  const CliRun r = run_cli("replay " + kTrace + " --lock graph --machine laptop-8 --quiet --perfetto " +
                           perfetto.string() + " --paje " + paje.string());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(slurp(perfetto).find("traceEvents"), std::string::npos);
  EXPECT_NE(slurp(paje).find("%EventDef"), std::string::npos);
  fs::remove(perfetto);
  fs::remove(paje);
}

TEST(ReplayCommand, AThousandCoreMachineRunsAShortReplay) {
  const std::string scenario = std::string(LOCKSCOPE_SOURCE_DIR) + "/scenarios/teaching/bouncing.toml";
  const CliRun r = run_cli("replay --scenario " + scenario +
                           " --set contexts.count=1024 --set scenario.duration_us=2 --lock graph"
                           " --machine mesh-1024 --quiet --json -");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("\"cores\": 1024"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"deadlock\": false"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace lockscope::testing
