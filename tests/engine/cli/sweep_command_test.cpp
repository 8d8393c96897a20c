#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/engine/cli/run_cli.hpp"

namespace lockscope::testing {
namespace {

namespace fs = std::filesystem;

const std::string kBouncing = std::string(LOCKSCOPE_SOURCE_DIR) + "/scenarios/teaching/bouncing.toml";

fs::path temp_dir(const std::string& name) {
  return fs::temp_directory_path() / ("lockscope_sweep_" + std::to_string(::getpid()) + "_" + name);
}

int lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

std::string sweep_args(const fs::path& dir) {
  return "sweep --scenario " + kBouncing + " --locks graph,central --machine laptop-8 --cores 1,2 " +
         "--set scenario.duration_us=5 --jobs 2 --quiet -o " + dir.string();
}

TEST(SweepCommand, TinySweepWritesOneRowPerRunAndValidPlots) {
  const fs::path dir = temp_dir("tiny");
  const CliRun r = run_cli(sweep_args(dir));
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string csv = slurp(dir / "results.csv");
  EXPECT_EQ(lines(csv), 5) << csv;  // header + 2 locks x 2 core counts
  EXPECT_EQ(csv.rfind("world,scenario,machine,lock,cores,scenario.duration_us,seed,status,", 0), 0u) << csv;
  for (const char* row : {"sim,bouncing,laptop-8,graph,1,5,1,ok,", "sim,bouncing,laptop-8,graph,2,5,1,ok,",
                          "sim,bouncing,laptop-8,central,1,5,1,ok,", "sim,bouncing,laptop-8,central,2,5,1,ok,"}) {
    EXPECT_NE(csv.find(row), std::string::npos) << row << "\n" << csv;
  }
  for (const char* name : {"throughput", "wait", "transfers"}) {
    const std::string png = slurp(dir / (std::string(name) + ".png"));
    EXPECT_EQ(png.rfind("\x89PNG\r\n\x1a\n", 0), 0u) << name;
    const std::string svg = slurp(dir / (std::string(name) + ".svg"));
    EXPECT_NE(svg.find("<svg"), std::string::npos) << name;
    EXPECT_NE(svg.find("</svg>"), std::string::npos) << name;
  }
  // `lockscope plot DIR` draws them again from results.csv.
  fs::remove(dir / "wait.png");
  const CliRun again = run_cli("plot " + dir.string());
  EXPECT_EQ(again.status, 0) << again.err;
  EXPECT_TRUE(fs::exists(dir / "wait.png"));
  fs::remove_all(dir);
}

TEST(SweepCommand, BadInputIsOneLineAndNothingRuns) {
  const fs::path dir = temp_dir("bad");
  const std::string base = "sweep --scenario " + kBouncing + " -o " + dir.string();
  const std::pair<std::string, std::string> cases[] = {
      {" --cores 1,2 --locks graph,nolock", "'nolock' does not run in the simulator"},
      {" --cores 1,2 --locks graph --machine nosuch-machine", "--machine:"},
      {" --cores 1,2 --locks graph --set writes.nokey=1,2", "writes.nokey"},
      {" --cores 1,2 --locks graph --set writes.write_permille=1,5000", "between 0 and 1000"},
      {" --locks graph --cores 1,0", "--cores: '0'"},
      {" --locks graph --machine laptop-8 --cores 4,16", "--cores: 16 is not between 1 and the machine's 8 cores"},
  };
  for (const auto& [args, fragment] : cases) {
    const CliRun r = run_cli(base + args);
    EXPECT_EQ(r.status, 2) << args << ": " << r.err;
    EXPECT_EQ(lines(r.err), 1) << args << ": " << r.err;
    EXPECT_NE(r.err.find(fragment), std::string::npos) << args << ": " << r.err;
    EXPECT_FALSE(fs::exists(dir)) << args << ": nothing may be written before the plan is valid";
  }
}

TEST(SweepCommand, MemoryModelIsAcceptedCarriedByEveryJobLineAndABadOneRefused) {
  const fs::path dir = temp_dir("tso");
  const std::string base = "sweep --scenario " + kBouncing + " --locks graph --machine laptop-8 --cores 1,2 " +
                           "--set scenario.duration_us=5 --jobs 2 --quiet";
  const CliRun run = run_cli(base + " --memory-model tso --results " + (dir.string() + ".csv"));
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(lines(slurp(dir.string() + ".csv")), 3);
  fs::remove(dir.string() + ".csv");

  const CliRun emit = run_cli(base + " --memory-model tso --emit-jobs " + dir.string());
  ASSERT_EQ(emit.status, 0) << emit.err;
  std::istringstream jobs(slurp(dir / "jobs.txt"));
  int n = 0;
  for (std::string line; std::getline(jobs, line); ++n) {
    EXPECT_NE(line.find(" --memory-model tso "), std::string::npos) << line;
  }
  EXPECT_EQ(n, 2);
  const CliRun merge = run_cli("sweep --merge " + dir.string() + " --memory-model tso");
  EXPECT_EQ(merge.status, 2);
  EXPECT_NE(merge.err.find("--merge takes only the jobs directory"), std::string::npos) << merge.err;
  fs::remove_all(dir);

  const CliRun bad = run_cli(base + " --memory-model sequential -o " + dir.string());
  EXPECT_EQ(bad.status, 2);
  EXPECT_EQ(bad.err, "lockscope: --memory-model: 'sequential' is not sc or tso\n");
  EXPECT_FALSE(fs::exists(dir)) << "nothing may be written before the plan is valid";
}

TEST(SweepCommand, PlotOfADirectoryWithoutResultsIsAnError) {
  const CliRun r = run_cli("plot " + temp_dir("none").string());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("results.csv"), std::string::npos) << r.err;
}

TEST(BenchSweep, ThreadListWritesBenchRowsAndPlots) {
  const fs::path dir = temp_dir("bench");
  const CliRun r = run_cli("bench --sweep " + dir.string() + " --lock graph,central --threads 1,2 --ops 2000");
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string csv = slurp(dir / "results.csv");
  EXPECT_EQ(lines(csv), 5) << csv;
  for (const char* row : {"bench,", ",this-machine,graph,1,", ",this-machine,graph,2,", ",this-machine,central,2,"}) {
    EXPECT_NE(csv.find(row), std::string::npos) << row << "\n" << csv;
  }
  EXPECT_TRUE(fs::exists(dir / "throughput.png"));
  EXPECT_TRUE(fs::exists(dir / "transfers.svg"));
  fs::remove_all(dir);
}

TEST(BenchSweep, ThreadListWithoutSweepIsAnError) {
  const CliRun r = run_cli("bench --lock graph --threads 1,2 --ops 100");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("needs --sweep"), std::string::npos) << r.err;
}

// The pids of `pid`'s children, from /proc.
std::vector<pid_t> children_of(pid_t pid) {
  std::istringstream in(slurp("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children"));
  std::vector<pid_t> out;
  for (pid_t c = 0; in >> c;) out.push_back(c);
  return out;
}

// Gone, or a zombie nobody has reaped yet (it runs no more).
bool dead(pid_t pid) {
  const std::string stat = slurp("/proc/" + std::to_string(pid) + "/stat");
  if (stat.empty()) return true;
  const auto close = stat.rfind(')');
  return close != std::string::npos && close + 2 < stat.size() && (stat[close + 2] == 'Z' || stat[close + 2] == 'X');
}

TEST(SweepCommand, InterruptKillsTheRunningReplays) {
  const fs::path dir = temp_dir("interrupt");
  // Two runs at once: a tiny one (1 core) finishes and reports progress
  // while the other (central, 64 cores, 2 ms: seconds of work) still runs.
  int err[2];
  ASSERT_EQ(pipe(err), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    dup2(err[1], STDERR_FILENO);
    close(err[0]);
    close(err[1]);
    const std::string d = dir.string();
    execl(LOCKSCOPE_CLI, LOCKSCOPE_CLI, "sweep", "--scenario", kBouncing.c_str(), "--locks", "central", "--machine",
          "epyc-64", "--cores", "1,64", "--set", "scenario.duration_us=2000", "--jobs", "2", "-o", d.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(err[1]);
  FILE* in = fdopen(err[0], "r");
  ASSERT_NE(in, nullptr);
  std::string seen;
  char line[4096];
  while (std::fgets(line, sizeof line, in) != nullptr) {
    seen += line;
    if (seen.find("1/2 runs done") != std::string::npos) break;
  }
  ASSERT_NE(seen.find("1/2 runs done"), std::string::npos) << seen;
  const std::vector<pid_t> replays = children_of(pid);
  ASSERT_EQ(replays.size(), 1u) << "the 64-core replay is still running";
  ASSERT_EQ(kill(pid, SIGINT), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  std::fclose(in);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT) << status;
  // SIGKILL is delivered asynchronously: allow the kernel a moment.
  bool gone = false;
  for (int i = 0; i < 500 && !gone; ++i) {
    gone = dead(replays.front());
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(gone) << "replay " << replays.front() << " outlived the interrupted sweep";
  EXPECT_FALSE(fs::exists(dir / "results.csv")) << "an interrupted sweep writes no results";
  fs::remove_all(dir);
}

}  // namespace
}  // namespace lockscope::testing
