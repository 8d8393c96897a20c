#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/engine/cli/run_cli.hpp"

namespace lockscope::testing {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string item; std::getline(in, item, sep);) out.push_back(item);
  if (!text.empty() && text.back() == sep && sep == ',') out.emplace_back();
  return out;
}

fs::path scratch_dir(const std::string& what) {
  return fs::temp_directory_path() / ("lockscope_validate_" + what + "_" + std::to_string(::getpid()));
}

// The quick suite on a preset (no calibration needed), with short runs: the
// table and the CSV are there, with every case and the expected metrics.
// Figures are not checked: the machine is noisy.
TEST(ValidateCommand, QuickWritesTheTableAndTheCsv) {
  const fs::path dir = scratch_dir("quick");
  fs::remove_all(dir);
  const CliRun r = run_cli("validate --quick --ops 4000 --machine laptop-8 -o " + dir.string());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("ops/s real"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("mean |error|"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("p99 waits within"), std::string::npos) << r.out;
  // Either each counter works or the table says once why not.
  EXPECT_NE(r.out.find("transfers per operation"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("sleeps per operation"), std::string::npos) << r.out;

  const fs::path csv_path = dir / "validate.csv";
  ASSERT_TRUE(fs::exists(csv_path));
  const std::vector<std::string> lines = split(slurp(csv_path), '\n');
  ASSERT_GT(lines.size(), 1U);
  EXPECT_EQ(lines[0], "case,lock,threads,write_permille,cs_ns,think_ns,metric,unit,real,simulated,error_pct,note");
  std::map<std::string, std::set<std::string>> metrics_of;
  std::set<std::string> locks, writes, think, threads;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::vector<std::string> f = split(lines[i], ',');
    ASSERT_EQ(f.size(), 12U) << lines[i];
    metrics_of[f[0]].insert(f[6]);
    locks.insert(f[1]);
    threads.insert(f[2]);
    writes.insert(f[3]);
    EXPECT_EQ(f[4], "0") << "quick runs no critical section";
    think.insert(f[5]);
    // No case failed; a wait's note says the clock floor is in the simulated figure.
    const bool wait = f[6].find("wait") != std::string::npos;
    if (wait) {
      EXPECT_TRUE(f[11].starts_with("simulated includes the ") &&
                  f[11].find(" ns clock floor (one of 10001 back-to-back reads per wait; p99 ") != std::string::npos) << lines[i];
    } else {
      EXPECT_TRUE(f[11].empty()) << "no case failed: " << lines[i];
    }
    if (f[6] == "throughput") {
      EXPECT_NE(f[8], "n/a");
      EXPECT_NE(f[9], "n/a");
      EXPECT_NE(f[10], "n/a");
    }
  }
  EXPECT_EQ(locks, (std::set<std::string>{"central", "graph"}));
  EXPECT_EQ(writes, (std::set<std::string>{"0", "100"}));
  EXPECT_EQ(think, (std::set<std::string>{"0", "200"}));
  EXPECT_TRUE(threads.contains("1"));
  EXPECT_EQ(metrics_of.size(), 2 * 2 * 2 * threads.size());
  for (const auto& [name, metrics] : metrics_of) {
    const bool writes_case = name.find(" w100 ") != std::string::npos;
    EXPECT_EQ(metrics.size(), writes_case ? 7U : 5U) << name;
    EXPECT_TRUE(metrics.contains("throughput")) << name;
    EXPECT_TRUE(metrics.contains("read_wait_p99")) << name;
    EXPECT_TRUE(metrics.contains("transfers_per_op")) << name;
    EXPECT_TRUE(metrics.contains("sleeps_per_op")) << name;
    // One table line per case.
    EXPECT_NE(r.out.find("\n" + name + " "), std::string::npos) << name;
  }
  // A plot, or one line saying why there is none.
  const bool plotted = fs::exists(dir / "validate.svg") && fs::exists(dir / "validate.png");
  EXPECT_TRUE(plotted || r.err.find("no plot") != std::string::npos) << r.err;
  fs::remove_all(dir);
}

TEST(ValidateCommand, RealFromReplaysOnlyTheSimulatedSideAgainstEarlierFigures) {
  const fs::path dir = scratch_dir("real-from");
  fs::remove_all(dir);
  const std::string suite = "validate --quick --lock graph --ops 4000 --machine laptop-8 ";
  const CliRun first = run_cli(suite + "-o " + (dir / "a").string());
  ASSERT_EQ(first.status, 0) << first.err;
  const CliRun again = run_cli(suite + "--real-from " + (dir / "a" / "validate.csv").string() + " -o " +
                               (dir / "b").string());
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_NE(again.err.find("real figures from 1 earlier run"), std::string::npos) << again.err;
  // The same real figures, and the same simulated ones (the replay is
  // deterministic, and its waits are timed with the earlier run's own clock
  // floor, clock_floor.txt): the same table, but for the last digit of an
  // error computed from a real figure the CSV kept to 6 digits.
  ASSERT_NE(slurp(dir / "a" / "clock_floor.txt").find("# lockscope validate: the clock floor"), std::string::npos);
  EXPECT_EQ(slurp(dir / "a" / "clock_floor.txt"), slurp(dir / "b" / "clock_floor.txt"));
  const std::vector<std::string> a = split(slurp(dir / "a" / "validate.csv"), '\n');
  const std::vector<std::string> b = split(slurp(dir / "b" / "validate.csv"), '\n');
  ASSERT_EQ(a.size(), b.size());
  std::size_t waits = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    std::vector<std::string> fa = split(a[i], ','), fb = split(b[i], ',');
    ASSERT_EQ(fa.size(), fb.size()) << b[i];
    if (fa.size() > 10 && i != 0) fa[10] = fb[10] = "";
    if (fa.size() > 9 && fa[7] == "ns" && fb[9] != "n/a") ++waits;
    EXPECT_EQ(fa, fb) << b[i];
  }
  EXPECT_GT(waits, 0U) << "simulated waits were compared";

  // An earlier run's clock floor that cannot be read: one line naming the
  // file, line and column.
  std::ofstream(dir / "a" / "clock_floor.txt") << "# floor\n20\nx\n";
  const CliRun broken = run_cli(suite + "--real-from " + (dir / "a" / "validate.csv").string() + " -o " +
                                (dir / "e").string());
  EXPECT_EQ(broken.status, 2);
  EXPECT_EQ(std::count(broken.err.begin(), broken.err.end(), '\n'), 1) << broken.err;
  EXPECT_NE(broken.err.find("clock_floor.txt:3:1:"), std::string::npos) << broken.err;
  std::ofstream(dir / "a" / "clock_floor.txt") << slurp(dir / "b" / "clock_floor.txt");

  // A broken file is one line naming the file, line and column.
  std::ofstream(dir / "bad.csv") << "case,lock\n";
  const CliRun bad = run_cli(suite + "--real-from " + (dir / "bad.csv").string() + " -o " + (dir / "c").string());
  EXPECT_EQ(bad.status, 2);
  EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1) << bad.err;
  EXPECT_NE(bad.err.find("bad.csv:1:1:"), std::string::npos) << bad.err;
  // Figures of another suite: the missing case is named.
  const CliRun other = run_cli("validate --quick --lock central --ops 4000 --machine laptop-8 --real-from " +
                               (dir / "a" / "validate.csv").string() + " -o " + (dir / "d").string());
  EXPECT_EQ(other.status, 2);
  EXPECT_NE(other.err.find("no real figures for the case 'central t1"), std::string::npos) << other.err;
  fs::remove_all(dir);
}

TEST(ValidateCommand, UncalibratedThisMachineSaysToCalibrate) {
  const fs::path config = scratch_dir("config");
  fs::create_directories(config);
  const char* old = std::getenv("XDG_CONFIG_HOME");
  const std::string saved = old != nullptr ? old : "";
  setenv("XDG_CONFIG_HOME", config.c_str(), 1);
  const CliRun r = run_cli("validate --quick -o " + (config / "out").string());
  if (old != nullptr) setenv("XDG_CONFIG_HOME", saved.c_str(), 1);
  else unsetenv("XDG_CONFIG_HOME");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("lockscope calibrate"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
  fs::remove_all(config);
}

// A sized BRAVO runs in both worlds at that size: the real side's bench
// and the replay both take the name.
TEST(ValidateCommand, ASizedBravoRunsInBothWorlds) {
  const fs::path dir = scratch_dir("bravo");
  fs::remove_all(dir);
  const CliRun r = run_cli("validate --quick --lock bravo:slots=4 --ops 2000 --real-runs 1 --machine laptop-8 -o " +
                           dir.string());
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string csv = slurp(dir / "validate.csv");
  EXPECT_NE(csv.find("bravo:slots=4 t1 "), std::string::npos) << csv;
  const CliRun bad = run_cli("validate --quick --machine laptop-8 --lock bravo:slots=0");
  EXPECT_EQ(bad.status, 2);
  EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1) << bad.err;
  EXPECT_NE(bad.err.find("bravo:slots=0"), std::string::npos) << bad.err;
  fs::remove_all(dir);
}

TEST(ValidateCommand, BadFlagsAreOneLineErrorsAndNonZeroExit) {
  const CliRun lock = run_cli("validate --quick --machine laptop-8 --lock std-shared-mutex");
  EXPECT_EQ(lock.status, 2);
  EXPECT_EQ(std::count(lock.err.begin(), lock.err.end(), '\n'), 1) << lock.err;
  EXPECT_NE(lock.err.find("std-shared-mutex"), std::string::npos);
  const CliRun machine = run_cli("validate --quick --machine no-such-machine");
  EXPECT_EQ(machine.status, 2);
  EXPECT_NE(machine.err.find("no-such-machine"), std::string::npos);
  EXPECT_NE(run_cli("validate --ops 0").status, 0);
  EXPECT_NE(run_cli("validate --no-such-flag").status, 0);
}

TEST(ValidateCommand, HelpHasExamplesAndListLocksNamesTheSuitesLocks) {
  const CliRun help = run_cli("validate --help");
  EXPECT_EQ(help.status, 0);
  for (const char* text : {"--machine", "--quick", "--output", "Examples:", "lockscope calibrate", "validate.csv"}) {
    EXPECT_NE(help.out.find(text), std::string::npos) << text;
  }
  const CliRun list = run_cli("validate --list-locks");
  EXPECT_EQ(list.status, 0);
  EXPECT_NE(list.out.find("graph\n"), std::string::npos);
  EXPECT_NE(list.out.find("central\n"), std::string::npos);
  EXPECT_EQ(list.out.find("std-shared-mutex"), std::string::npos);
}

}  // namespace
}  // namespace lockscope::testing
