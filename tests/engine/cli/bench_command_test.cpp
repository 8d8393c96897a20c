#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "tests/engine/cli/run_cli.hpp"

namespace lockscope::testing {
namespace {

namespace fs = std::filesystem;

int line_count(const std::string& s) {
  return static_cast<int>(std::count(s.begin(), s.end(), '\n'));
}

TEST(BenchCommand, ListNamesEveryLock) {
  const CliRun r = run_cli("bench --list");
  EXPECT_EQ(r.status, 0) << r.err;
  for (const char* name : {"graph ", "graph-asym", "central", "std-shared-mutex", "pthread-rwlock",
                           "tbb-spin-rw", "ck-rwlock", "ck-brlock", "urcu"}) {
    EXPECT_NE(r.out.find(name), std::string::npos) << name;
  }
}

TEST(BenchCommand, UnknownLockIsAOneLineErrorAndNonZeroExit) {
  const CliRun r = run_cli("bench --lock nosuch --ops 10");
  EXPECT_NE(r.status, 0);
  EXPECT_EQ(line_count(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("nosuch"), std::string::npos);
  EXPECT_TRUE(r.out.empty());
}

TEST(BenchCommand, OutOfRangeFlagsAreRejected) {
  EXPECT_NE(run_cli("bench --threads 0").status, 0);
  EXPECT_NE(run_cli("bench --write-permille 1001").status, 0);
  EXPECT_NE(run_cli("bench --duration-ms 0").status, 0);
  EXPECT_NE(run_cli("bench --threads two").status, 0);
  EXPECT_NE(run_cli("bench --suite nosuch").status, 0);
  EXPECT_NE(run_cli("bench --no-such-flag").status, 0);
}

TEST(BenchCommand, NoSubcommandIsAnError) {
  const CliRun r = run_cli("");
  EXPECT_NE(r.status, 0);
}

TEST(BenchCommand, HelpDescribesTheFlags) {
  const CliRun r = run_cli("bench --help");
  EXPECT_EQ(r.status, 0);
  for (const char* flag : {"--lock", "--threads", "--write-permille", "--cs-ns", "--think-ns",
                           "--duration-ms", "--json", "--list", "--suite"}) {
    EXPECT_NE(r.out.find(flag), std::string::npos) << flag;
  }
}

TEST(BenchCommand, JsonCarriesEveryDocumentedKey) {
  const fs::path json = fs::temp_directory_path() / ("bench_" + std::to_string(::getpid()) + ".json");
  const CliRun r =
      run_cli("bench --lock graph --threads 2 --ops 20000 --write-permille 50 --json " + json.string());
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string text = slurp(json);
  fs::remove(json);
  for (const char* key : {"\"lock\": \"graph\"", "\"threads\": 2", "\"ops_per_sec\"", "\"read_ops\"",
                          "\"write_ops\"", "\"read_latency_ns\"", "\"write_latency_ns\"", "\"p50\"",
                          "\"p99\"", "\"max\"", "\"violations\": 0"}) {
    EXPECT_NE(text.find(key), std::string::npos) << key << " in " << text;
  }
  EXPECT_NE(r.out.find("graph"), std::string::npos) << "the table names the lock";
}

TEST(BenchCommand, SeveralLocksGiveAJsonArray) {
  const CliRun r = run_cli("bench --lock graph,central --threads 1 --ops 1000 --json -");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto start = r.out.find('[');
  ASSERT_NE(start, std::string::npos);
  EXPECT_NE(r.out.find("\"lock\": \"central\"", start), std::string::npos);
}

// BRAVO's table is sized by the lock's name, as replay sizes it; a bad
// size, a size for a design without a table, or one with --suite readpath
// is one line naming the lock.
TEST(BenchCommand, BravoTakesItsTableSizeFromTheName) {
  const CliRun r = run_cli("bench --lock bravo:slots=4,bravo --threads 2 --ops 4000 --write-permille 50 --json -");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("\"lock\": \"bravo:slots=4\",\n  \"threads\": 2,\n  \"table_slots\": 4,"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\"lock\": \"bravo\",\n  \"threads\": 2,\n  \"ops_per_sec\""), std::string::npos)
      << "no table_slots where the name gave none: " << r.out;
  for (const char* bad : {"bravo:slots=0", "bravo:slots=70000", "bravo:size=4", "graph:slots=4"}) {
    const CliRun e = run_cli(std::string("bench --lock ") + bad + " --ops 100");
    EXPECT_EQ(e.status, 2) << bad;
    EXPECT_EQ(line_count(e.err), 1) << e.err;
    EXPECT_NE(e.err.find(bad), std::string::npos) << e.err;
  }
  const CliRun readpath = run_cli("bench --suite readpath --lock bravo:slots=4");
  EXPECT_EQ(readpath.status, 2);
  EXPECT_NE(readpath.err.find("readpath"), std::string::npos) << readpath.err;
}

TEST(BenchCommand, RecordWritesATraceThatReplays) {
  const fs::path trace = fs::temp_directory_path() / ("rec_" + std::to_string(::getpid()) + ".workload");
  const CliRun bench = run_cli("bench --lock graph --threads 2 --ops 500 --write-permille 100 --record " + trace.string());
  ASSERT_EQ(bench.status, 0) << bench.err;
  const CliRun replay = run_cli("replay " + trace.string() + " --lock graph --machine laptop-8 --quiet --json -");
  EXPECT_EQ(replay.status, 0) << replay.err;
  EXPECT_NE(replay.out.find("\"lock_ops\": 500"), std::string::npos) << replay.out;
  fs::remove(trace);
}

TEST(BenchCommand, RecordWithoutOpsIsRefused) {
  const CliRun r = run_cli("bench --lock graph --record /tmp/never-written.workload");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--record"), std::string::npos);
  EXPECT_FALSE(fs::exists("/tmp/never-written.workload"));
}

TEST(BenchCommand, UnwritableJsonPathFailsAndNamesTheFile) {
  const CliRun r = run_cli("bench --lock graph --ops 100 --json /nonexistent-dir/out.json");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("/nonexistent-dir/out.json"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists("/nonexistent-dir/out.json"));
}

// The simulator suite against itself as the baseline: every case runs in
// both, the same workload (the same lock operations), a positive rate each,
// and the ratio of the two. --quick leaves mesh-1024 out.
TEST(BenchCommand, SimulatorSuiteComparesWithABaseline) {
  const fs::path json = fs::temp_directory_path() / ("simsuite_" + std::to_string(::getpid()) + ".json");
  const CliRun r = run_cli(std::string("bench --suite simulator --quick --repeat 1 --baseline ") + LOCKSCOPE_CLI +
                           " --json " + json.string());
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char* text : {"graph, epyc-64, 64 cores", "central, epyc-64, 64 cores", "graph with --timeline",
                           "baseline", "ratio"}) {
    EXPECT_NE(r.out.find(text), std::string::npos) << text << "\n" << r.out;
  }
  EXPECT_EQ(r.out.find("mesh-1024"), std::string::npos) << r.out;
  const std::string doc = slurp(json);
  fs::remove(json);
  int cases = 0;
  for (std::size_t at = doc.find("\"case\":"); at != std::string::npos; at = doc.find("\"case\":", at + 1)) ++cases;
  EXPECT_EQ(cases, 3) << doc;
  for (const char* key : {"\"sim_ops_per_wall_sec\": ", "\"baseline_sim_ops_per_wall_sec\": ", "\"speedup\": "}) {
    for (std::size_t at = doc.find(key); at != std::string::npos; at = doc.find(key, at + 1)) {
      EXPECT_GT(std::stod(doc.substr(at + std::string(key).size())), 0.0) << key << "\n" << doc;
    }
  }
  EXPECT_NE(doc.find("\"lock_ops\": 567953"), std::string::npos) << doc;  // 64 workers, 400 us of bouncing
}

TEST(BenchCommand, SimulatorSuiteOptionsAreCheckedFirst) {
  CliRun r = run_cli("bench --suite simulator --baseline /nonexistent/lockscope");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("/nonexistent/lockscope"), std::string::npos) << r.err;
  EXPECT_EQ(line_count(r.err), 1) << r.err;
  r = run_cli("bench --baseline /bin/true");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--suite simulator"), std::string::npos) << r.err;
  EXPECT_NE(run_cli("bench --suite simulator --repeat 0").status, 0);
}

}  // namespace
}  // namespace lockscope::testing
