// `lockscope litmus` as a user runs it: a short SB run prints its table
// with all three worlds and a verdict, and exits 0 (SB's r1=r2=0 is
// allowed everywhere but sc, and sc never shows it); bad options are one
// line and exit 2.
#include <gtest/gtest.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "tests/engine/cli/run_cli.hpp"

namespace lockscope::testing {
namespace {

namespace fs = std::filesystem;

int line_count(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

TEST(LitmusCommand, ShortStoreBufferingRunPrintsTheTable) {
  const CliRun r = run_cli("litmus SB --iterations 20000 --seeds 200 --machine laptop-8");
  EXPECT_EQ(r.status, 0) << r.err;
  for (const char* text : {"litmus: 1 test; real threads on CPUs", "20000 runs each", "200 seeds each",
                           "SB: store buffering", "T0: x = 1; r1 = y  |  T1: y = 1; r2 = x", "x86-TSO allows?",
                           "real", "sim tso", "sim sc", "r1=0 r2=0    yes (SC: no)", "r1=0 r2=1    yes",
                           "verdict: agrees"}) {
    EXPECT_NE(r.out.find(text), std::string::npos) << text << "\n" << r.out;
  }
  EXPECT_EQ(r.out.find("FAIL"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("SB+fences"), std::string::npos) << "only the test named";
}

// --machine laptop-8 in each simulated run: without it litmus takes this
// machine's calibration when there is one, and a test must give the same
// result on a calibrated developer's machine and a fresh CI one.
TEST(LitmusCommand, SimulatedOnlyFencedRunAgreesAndWritesJson) {
  const fs::path json = fs::temp_directory_path() / ("litmus_" + std::to_string(::getpid()) + ".json");
  const CliRun r = run_cli("litmus SB+fences MP --no-real --seeds 300 --memory-model tso --machine laptop-8 --json " + json.string());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.find("real threads on"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("SB+fences:"), std::string::npos);
  EXPECT_NE(r.out.find("MP:"), std::string::npos);
  const std::string text = slurp(json);
  fs::remove(json);
  for (const char* key : {"\"name\": \"SB+fences\"", "\"name\": \"MP\"", "\"outcome\": \"r1=0 r2=0\"",
                          "\"tso_allows\": false", "\"real\": null", "\"sim_sc\": null", "\"seeds\": 300",
                          "\"verdict\": \"agrees\""}) {
    EXPECT_NE(text.find(key), std::string::npos) << key << "\n" << text;
  }
}

// Pinned to one CPU (the first this process may use: CPU 0 may be outside a
// container's cpuset), the two real threads could not overlap and would
// wait a scheduler tick at every barrier: the real side is skipped, saying so.
TEST(LitmusCommand, OneCpuSkipsTheRealThreads) {
  cpu_set_t set;
  CPU_ZERO(&set);
  ASSERT_EQ(sched_getaffinity(0, sizeof(set), &set), 0);
  int first = 0;
  while (!CPU_ISSET(first, &set)) ++first;
  const CliRun r = run_cli_in_shell("taskset -c " + std::to_string(first) + " " + LOCKSCOPE_CLI +
                                    " litmus SB --iterations 1000 --seeds 50 --machine laptop-8");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("one CPU only; real threads skipped"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("real threads on"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("verdict:"), std::string::npos) << r.out;
}

TEST(LitmusCommand, ListNamesEveryTest) {
  const CliRun r = run_cli("litmus --list");
  EXPECT_EQ(r.status, 0);
  for (const char* name : {"SB ", "SB+fences", "SB+fence+po", "SB+rmw", "MP ", "LB ", "2+2W", "R "}) {
    EXPECT_NE(r.out.find(name), std::string::npos) << name;
  }
}

TEST(LitmusCommand, BadFlagsAreOneLineErrorsAndExitTwo) {
  for (const char* args : {"litmus NOPE --no-real", "litmus SB --iterations 0", "litmus SB --seeds lots",
                           "litmus SB --memory-model pso", "litmus SB --machine no-such-machine"}) {
    const CliRun r = run_cli(args);
    EXPECT_EQ(r.status, 2) << args;
    EXPECT_EQ(line_count(r.err), 1) << args << ": " << r.err;
    EXPECT_TRUE(r.out.empty()) << args;
  }
  EXPECT_NE(run_cli("litmus --no-such-flag").status, 0);
}

TEST(LitmusCommand, HelpHasExamples) {
  const CliRun r = run_cli("litmus --help");
  EXPECT_EQ(r.status, 0);
  for (const char* text : {"--iterations", "--seeds", "--machine", "--memory-model", "--no-real", "--json", "--list",
                           "Examples:", "exit 3"}) {
    EXPECT_NE(r.out.find(text), std::string::npos) << text;
  }
}

}  // namespace
}  // namespace lockscope::testing
