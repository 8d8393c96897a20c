#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>

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

}  // namespace
}  // namespace lockscope::testing
