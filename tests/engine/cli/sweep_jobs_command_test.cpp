// A sweep emitted as jobs, run by a real GNU parallel, merged back: the
// same results.csv as the one-machine sweep, apart from the two timing
// columns. And the flags of the three modes, checked before anything runs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "tests/engine/cli/run_cli.hpp"
#include "traces/sweep_results.hpp"

namespace lockscope::testing {
namespace {

namespace fs = std::filesystem;

const std::string kBouncing = std::string(LOCKSCOPE_SOURCE_DIR) + "/scenarios/teaching/bouncing.toml";
const std::string kPlan = " --scenario " + kBouncing +
                          " --locks graph,central --machine laptop-8 --cores 1,2 --set scenario.duration_us=5,10";

fs::path temp_dir(const std::string& name) {
  return fs::temp_directory_path() / ("lockscope_sweep_jobs_cli_" + std::to_string(::getpid()) + "_" + name);
}

// results.csv with the columns that measure the host, not the simulation,
// blanked: what "byte-identical apart from timings" compares.
std::string without_timings(const fs::path& csv) {
  auto table = traces::read_sweep_csv_file(csv.string());
  EXPECT_TRUE(table) << (table ? "" : table.error().to_string());
  if (!table) return {};
  for (traces::SweepRow& row : table->rows) {
    row.wall_sec = 0;
    row.sim_ops_per_wall_sec = 0;
  }
  return traces::write_sweep_csv(*table);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

bool have_parallel() { return run_cli_in_shell("parallel --version").status == 0; }

TEST(SweepJobsCommand, JobsRunUnderGnuParallelMergeToTheOneMachineSweep) {
  if (!have_parallel()) GTEST_SKIP() << "GNU parallel is not installed (Debian `parallel`; ./lockscope test installs it)";
  const fs::path one = temp_dir("one"), jobs = temp_dir("jobs");
  fs::remove_all(one);
  fs::remove_all(jobs);
  const CliRun sweep = run_cli("sweep" + kPlan + " --jobs 2 --quiet -o " + one.string());
  ASSERT_EQ(sweep.status, 0) << sweep.err;

  const CliRun emit = run_cli("sweep" + kPlan + " --emit-jobs " + jobs.string());
  ASSERT_EQ(emit.status, 0) << emit.err;
  EXPECT_NE(emit.out.find("8 jobs written to"), std::string::npos) << emit.out;
  EXPECT_NE(emit.out.find("lockscope sweep --merge"), std::string::npos) << emit.out;
  EXPECT_FALSE(fs::exists(jobs / "results.csv")) << "emitting runs nothing";

  // Half the jobs, then a merge: the rows that landed, the rest listed.
  const std::vector<std::string> all = lines_of(slurp(jobs / "jobs.txt"));
  ASSERT_EQ(all.size(), 8u);
  const CliRun half = run_cli_in_shell("head -n 4 " + (jobs / "jobs.txt").string() + " | parallel -j 2");
  ASSERT_EQ(half.status, 0) << half.err;
  const CliRun partial = run_cli("sweep --merge " + jobs.string());
  EXPECT_EQ(partial.status, 5) << partial.err;
  EXPECT_NE(partial.err.find("4 of 8 runs are missing"), std::string::npos) << partial.err;
  EXPECT_EQ(lines_of(slurp(jobs / "results.csv")).size(), 5u) << "header + the 4 rows that landed";
  const std::vector<std::string> missing = lines_of(slurp(jobs / "missing-jobs.txt"));
  EXPECT_EQ(missing, std::vector<std::string>(all.begin() + 4, all.end()));

  // The documented way to finish: run the missing ones, merge again.
  const CliRun rest = run_cli_in_shell("parallel -j 2 --joblog " + (jobs / "joblog").string() + " < " +
                                       (jobs / "missing-jobs.txt").string());
  ASSERT_EQ(rest.status, 0) << rest.err;
  const CliRun merged = run_cli("sweep --merge " + jobs.string());
  ASSERT_EQ(merged.status, 0) << merged.err;
  EXPECT_FALSE(fs::exists(jobs / "missing-jobs.txt")) << "nothing is missing any more";
  for (const char* plot : {"throughput.svg", "wait.png", "transfers.svg"}) EXPECT_TRUE(fs::exists(jobs / plot)) << plot;

  const std::string expected = without_timings(one / "results.csv");
  EXPECT_EQ(lines_of(expected).size(), 9u);
  EXPECT_EQ(without_timings(jobs / "results.csv"), expected);
  fs::remove_all(one);
  fs::remove_all(jobs);
}

TEST(SweepJobsCommand, OneJobWritesOnlyItsRow) {
  const fs::path dir = temp_dir("one_job");
  fs::remove_all(dir);
  fs::create_directories(dir);
  const CliRun r = run_cli("sweep --scenario " + kBouncing +
                           " --locks graph --machine laptop-8 --cores 2 --set scenario.duration_us=5 --quiet --results " +
                           (dir / "row.csv").string());
  ASSERT_EQ(r.status, 0) << r.err;
  auto table = traces::read_sweep_csv_file((dir / "row.csv").string());
  ASSERT_TRUE(table) << table.error().to_string();
  ASSERT_EQ(table->rows.size(), 1u);
  EXPECT_EQ(table->rows[0].lock, "graph");
  EXPECT_EQ(table->rows[0].cores, 2u);
  EXPECT_GT(table->rows[0].lock_ops, 0u);
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, 1u) << "no plots, no temporary left behind";
  fs::remove_all(dir);
}

TEST(SweepJobsCommand, FlagsThatDoNotGoTogetherAreOneLineAndRunNothing) {
  const fs::path dir = temp_dir("flags");
  fs::remove_all(dir);
  struct Case {
    std::string args;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"sweep" + kPlan, "give one of -o DIR (run the sweep), --emit-jobs DIR (plan it as jobs) or --results FILE"},
      {"sweep" + kPlan + " -o " + dir.string() + " --emit-jobs " + dir.string(), "give one of -o DIR"},
      {"sweep" + kPlan + " -o " + dir.string() + " --emit-slurm", "--emit-slurm goes with --emit-jobs DIR"},
      {"sweep --locks graph -o " + dir.string(), "--scenario is required"},
      {"sweep --merge " + dir.string() + " --locks graph", "--merge takes only the jobs directory"},
      {"sweep --merge " + dir.string(), "--emit-jobs DIR"},  // no plan there
  };
  for (const Case& c : cases) {
    const CliRun r = run_cli(c.args);
    EXPECT_EQ(r.status, 2) << c.args << "\n" << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << c.args << "\n" << r.err;
    EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
    EXPECT_FALSE(fs::exists(dir / "results.csv")) << c.args;
  }
  fs::remove_all(dir);
}

TEST(SweepJobsCommand, ABadPlanIsCheckedBeforeAnyJobIsWritten) {
  const fs::path dir = temp_dir("bad_plan");
  fs::remove_all(dir);
  const CliRun r = run_cli("sweep --scenario " + kBouncing + " --locks graph,nosuchlock --cores 1 --emit-jobs " +
                           dir.string());
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("nosuchlock"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "jobs.txt"));
  EXPECT_FALSE(fs::exists(dir / "plan.toml"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace lockscope::testing
