// `lockscope stress` as a user runs it: short runs pass and say what they
// did, bad options are one line and a non-zero exit. That a broken lock is
// caught is shown in tests/engine/stress/stress_runner_test.cpp (broken
// locks are never registered with the command).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "tests/engine/cli/run_cli.hpp"

namespace lockscope::testing {
namespace {

namespace fs = std::filesystem;

int line_count(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

TEST(StressCommand, HelpDescribesTheFlags) {
  const CliRun r = run_cli("stress --help");
  EXPECT_EQ(r.status, 0);
  for (const char* flag : {"--lock", "--ops", "--threads", "--seed", "--json", "--list", "--stall-seconds"}) {
    EXPECT_NE(r.out.find(flag), std::string::npos) << flag;
  }
}

TEST(StressCommand, ListNamesEveryBenchLock) {
  const CliRun bench = run_cli("bench --list");
  const CliRun stress = run_cli("stress --list");
  EXPECT_EQ(stress.status, 0) << stress.err;
  EXPECT_EQ(line_count(stress.out), line_count(bench.out));
  for (const char* name : {"graph ", "graph-fair", "percpu", "brlock", "glibc-mutex", "urcu"}) {
    EXPECT_NE(stress.out.find(name), std::string::npos) << name;
  }
}

TEST(StressCommand, ShortRunPassesAndSummarizes) {
  const CliRun r = run_cli("stress --lock graph --ops 2e4 --threads 3 --seed 5");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("stress graph: 3 threads, 20000 operations, seed 5: no violation"), std::string::npos)
      << r.out;
  for (const char* what : {"orphaned_read", "migrating_read", "context_churn", "try_write_failed", "torn_read",
                           "writer_saw_reader", "ops/s"}) {
    EXPECT_NE(r.out.find(what), std::string::npos) << what;
  }
}

TEST(StressCommand, JsonCarriesCountsByKind) {
  const fs::path json = fs::temp_directory_path() / ("stress_" + std::to_string(::getpid()) + ".json");
  const CliRun r = run_cli("stress --lock graph-fair,central --ops 10000 --json " + json.string());
  EXPECT_EQ(r.status, 0) << r.err;
  const std::string text = slurp(json);
  fs::remove(json);
  EXPECT_EQ(text.front(), '[');  // two locks: an array
  for (const char* key : {"\"lock\": \"graph-fair\"", "\"lock\": \"central\"", "\"ops\": 10000",
                          "\"ops_by_kind\"", "\"orphaned_read\"", "\"violations\": 0", "\"violations_by_kind\"",
                          "\"torn_write\"", "\"elapsed_sec\"", "\"ops_per_sec\"", "\"contexts\": true",
                          "\"contexts\": false", "\"try_locks\": true", "\"readers_checked\": true"}) {
    EXPECT_NE(text.find(key), std::string::npos) << key << "\n" << text;
  }
}

TEST(StressCommand, UnknownLockIsAOneLineError) {
  const CliRun r = run_cli("stress --lock nosuch");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(line_count(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("nosuch"), std::string::npos);
  EXPECT_TRUE(r.out.empty());
}

// BRAVO's table sized by the name, as in bench and replay; the summary
// and the JSON name the lock as given.
TEST(StressCommand, BravoTakesItsTableSizeFromTheName) {
  const CliRun r = run_cli("stress --lock bravo:slots=2 --ops 2e4 --threads 3 --json -");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("\"lock\": \"bravo:slots=2\",\n  \"threads\": 3,\n  \"table_slots\": 2,"), std::string::npos)
      << r.out;
  const CliRun bad = run_cli("stress --lock bravo:slots=abc");
  EXPECT_EQ(bad.status, 2);
  EXPECT_EQ(line_count(bad.err), 1) << bad.err;
  EXPECT_NE(bad.err.find("bravo:slots=abc"), std::string::npos) << bad.err;
}

TEST(StressCommand, BadOpsIsAOneLineError) {
  for (const char* ops : {"0", "abc", "1e30", "-5", "1.5"}) {
    const CliRun r = run_cli(std::string("stress --ops ") + ops);
    EXPECT_EQ(r.status, 2) << ops;
    EXPECT_EQ(line_count(r.err), 1) << ops << ": " << r.err;
    EXPECT_NE(r.err.find("--ops"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << ops;
  }
}

TEST(StressCommand, MixChangesTheOperationsAndBadMixIsAOneLineError) {
  const CliRun r = run_cli("stress --lock graph --ops 5000 --mix try_write=0,try_read=0,orphaned_read=200");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("try_read 0, migrating_read 30, orphaned_read 200"), std::string::npos) << r.out;
  for (const char* mix : {"nosuch=1", "write=1001", "write", "write=-1", "write=600,try_read=600"}) {
    const CliRun bad = run_cli(std::string("stress --ops 100 --mix ") + mix);
    EXPECT_EQ(bad.status, 2) << mix;
    EXPECT_EQ(line_count(bad.err), 1) << mix << ": " << bad.err;
    EXPECT_NE(bad.err.find("--mix"), std::string::npos) << bad.err;
  }
}

TEST(StressCommand, OutOfRangeFlagsAreRejected) {
  EXPECT_NE(run_cli("stress --threads 0").status, 0);
  EXPECT_NE(run_cli("stress --threads 5000").status, 0);
  EXPECT_NE(run_cli("stress --threads two").status, 0);
  EXPECT_NE(run_cli("stress --seed -1x").status, 0);
  EXPECT_NE(run_cli("stress --no-such-flag").status, 0);
}

}  // namespace
}  // namespace lockscope::testing
