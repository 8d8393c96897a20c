// The job directory a sweep is split into, and merging it back: what is
// written, what --merge accepts as a run's row, and what it refuses.
// Nothing here runs a replay: rows are written as a finished job would.
#include "engine/sweep/sweep_jobs.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/machine/presets.hpp"
#include "traces/sweep_results.hpp"

namespace lockscope::engine::sweep {
namespace {

namespace fs = std::filesystem;

const std::string kBouncing = std::string(LOCKSCOPE_SOURCE_DIR) + "/scenarios/teaching/bouncing.toml";

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void spit(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

class SweepJobs : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("lockscope_sweep_jobs_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // graph,central x 1,2 cores x duration 5,10: eight runs.
  static JobsSpec spec(std::string machine = "laptop-8") {
    JobsSpec s;
    s.plan.scenario = kBouncing;
    s.plan.locks = {"graph", "central"};
    s.plan.cores = {1, 2};
    s.plan.axes = {SetAxis{"scenario.duration_us", {"5", "10"}}};
    s.machine_spec = machine;
    s.machine = *machine::preset("laptop-8");
    s.seed = 3;
    s.lockscope = "/opt/lock scope/bin/lockscope";
    return s;
  }

  // The row the job for run `index` of spec() would write.
  void land(std::size_t index, const std::string& lock_override = {}) {
    const SweepRun run = expand(spec().plan)[index];
    traces::SweepTable t;
    t.param_keys = {"scenario.duration_us"};
    traces::SweepRow row;
    row.scenario = "bouncing";
    row.machine = "laptop-8";
    row.lock = lock_override.empty() ? run.lock : lock_override;
    row.cores = run.cores;
    row.params = run.params;
    row.seed = 3;
    row.lock_ops = 100 + index;
    t.rows.push_back(row);
    spit(dir_ / run_file_name(index), traces::write_sweep_csv(t));
  }

  fs::path dir_;
};

TEST_F(SweepJobs, EmitWritesOneSelfContainedLinePerRunInPlanOrder) {
  auto n = emit_jobs(spec(), dir_.string());
  ASSERT_TRUE(n) << n.error();
  EXPECT_EQ(*n, 8u);
  for (const char* f : {"plan.toml", "scenario.toml", "jobs.txt"}) EXPECT_TRUE(fs::exists(dir_ / f)) << f;
  EXPECT_TRUE(fs::is_directory(dir_ / "runs"));
  EXPECT_FALSE(fs::exists(dir_ / "machine.toml")) << "a preset travels by name";
  EXPECT_FALSE(fs::exists(dir_ / "sweep.sbatch")) << "only with --emit-slurm";
  EXPECT_EQ(slurp(dir_ / "scenario.toml"), slurp(kBouncing));

  std::istringstream jobs(slurp(dir_ / "jobs.txt"));
  std::vector<std::string> lines;
  for (std::string line; std::getline(jobs, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 8u);
  const fs::path abs = fs::canonical(dir_);
  // The binary's path has a blank: quoted. The scenario is the copy.
  EXPECT_EQ(lines[0].rfind("'/opt/lock scope/bin/lockscope' sweep --scenario " + (abs / "scenario.toml").string(), 0),
            0u)
      << lines[0];
  EXPECT_NE(lines[0].find("--locks graph --machine laptop-8 --cores 1 --set scenario.duration_us=5 --seed 3"),
            std::string::npos)
      << lines[0];
  EXPECT_NE(lines[0].find("--results " + (abs / "runs/000001.csv").string()), std::string::npos) << lines[0];
  // Plan order: lock outermost, then the swept value, cores innermost.
  EXPECT_NE(lines[3].find("--locks graph --machine laptop-8 --cores 2 --set scenario.duration_us=10"),
            std::string::npos)
      << lines[3];
  EXPECT_NE(lines[7].find("--locks central --machine laptop-8 --cores 2 --set scenario.duration_us=10"),
            std::string::npos)
      << lines[7];
  EXPECT_NE(lines[7].find("runs/000008.csv"), std::string::npos);
}

TEST_F(SweepJobs, EveryLineCarriesTheMemoryModelWhenItWasGiven) {
  JobsSpec s = spec();
  s.memory_model = "tso";
  auto n = emit_jobs(s, dir_.string());
  ASSERT_TRUE(n) << n.error();
  std::istringstream jobs(slurp(dir_ / "jobs.txt"));
  std::size_t lines = 0;
  for (std::string line; std::getline(jobs, line); ++lines) {
    EXPECT_NE(line.find(" --memory-model tso --set scenario.duration_us="), std::string::npos) << line;
  }
  EXPECT_EQ(lines, 8u);
  EXPECT_NE(slurp(dir_ / "plan.toml").find("memory_model = 'tso'"), std::string::npos) << slurp(dir_ / "plan.toml");
  land(0);
  auto merged = merge_jobs(dir_.string());
  ASSERT_TRUE(merged) << merged.error();
  EXPECT_EQ(merged->table.rows.size(), 1u);
}

TEST_F(SweepJobs, WithoutTheFlagNoLineOrPlanMentionsAMemoryModel) {
  auto n = emit_jobs(spec(), dir_.string());
  ASSERT_TRUE(n) << n.error();
  EXPECT_EQ(slurp(dir_ / "jobs.txt").find("memory"), std::string::npos);
  EXPECT_EQ(slurp(dir_ / "plan.toml").find("memory"), std::string::npos);
}

TEST_F(SweepJobs, AMachineThatIsNotAPresetIsFrozenIntoTheDirectory) {
  auto n = emit_jobs(spec("/somewhere/calibrated.toml"), dir_.string());
  ASSERT_TRUE(n) << n.error();
  ASSERT_TRUE(fs::exists(dir_ / "machine.toml"));
  const std::string jobs = slurp(dir_ / "jobs.txt");
  EXPECT_NE(jobs.find("--machine " + (fs::canonical(dir_) / "machine.toml").string()), std::string::npos) << jobs;
  EXPECT_EQ(jobs.find("/somewhere/calibrated.toml"), std::string::npos);
  // --merge reads the machine's name from the frozen file.
  land(0);
  auto merged = merge_jobs(dir_.string());
  ASSERT_TRUE(merged) << merged.error();
  EXPECT_EQ(merged->table.rows.size(), 1u);
}

TEST_F(SweepJobs, ADirectoryThatHoldsAPlanIsNotOverwritten) {
  ASSERT_TRUE(emit_jobs(spec(), dir_.string()));
  auto again = emit_jobs(spec(), dir_.string());
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().find("already holds a sweep plan"), std::string::npos) << again.error();
}

TEST_F(SweepJobs, SlurmArrayCoversEveryLineAndSkipsRowsThatLanded) {
  JobsSpec s = spec();
  s.slurm = true;
  ASSERT_TRUE(emit_jobs(s, dir_.string()));
  const std::string script = slurp(dir_ / "sweep.sbatch");
  EXPECT_EQ(script.rfind("#!/bin/bash\n", 0), 0u);
  EXPECT_NE(script.find("#SBATCH --array=0-7\n"), std::string::npos) << script;
  EXPECT_NE(script.find("tasks=8\n"), std::string::npos);
  EXPECT_TRUE(fs::is_directory(dir_ / "slurm"));

  // Run the array's tasks by hand with a stand-in jobs.txt: each task runs
  // its own lines, and a line whose row exists is skipped.
  std::string fake;
  for (int i = 1; i <= 8; ++i) fake += "echo " + std::to_string(i) + " >> " + (dir_ / "ran").string() + "\n";
  spit(dir_ / "jobs.txt", fake);
  land(4);  // run 5 has landed
  for (int task = 0; task < 8; ++task) {
    const std::string cmd = "SLURM_ARRAY_TASK_ID=" + std::to_string(task) + " bash " + (dir_ / "sweep.sbatch").string();
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
  std::istringstream ran(slurp(dir_ / "ran"));
  std::vector<int> lines;
  for (int v = 0; ran >> v;) lines.push_back(v);
  std::ranges::sort(lines);
  EXPECT_EQ(lines, (std::vector<int>{1, 2, 3, 4, 6, 7, 8}));
}

TEST_F(SweepJobs, MergeReadsTheLandedRowsInPlanOrderAndListsTheMissing) {
  ASSERT_TRUE(emit_jobs(spec(), dir_.string()));
  for (const std::size_t i : {6U, 0U, 3U}) land(i);
  auto merged = merge_jobs(dir_.string());
  ASSERT_TRUE(merged) << merged.error();
  EXPECT_EQ(merged->planned, 8u);
  ASSERT_EQ(merged->table.rows.size(), 3u);
  EXPECT_EQ(merged->table.rows[0].lock_ops, 100u);
  EXPECT_EQ(merged->table.rows[1].lock_ops, 103u);
  EXPECT_EQ(merged->table.rows[2].lock_ops, 106u);
  EXPECT_EQ(merged->table.param_keys, std::vector<std::string>{"scenario.duration_us"});
  EXPECT_EQ(merged->missing, (std::vector<std::size_t>{1, 2, 4, 5, 7}));
  ASSERT_EQ(merged->missing_jobs.size(), 5u);
  EXPECT_NE(merged->missing_jobs[0].find("runs/000002.csv"), std::string::npos);
  EXPECT_NE(merged->missing_jobs[4].find("runs/000008.csv"), std::string::npos);
}

TEST_F(SweepJobs, ARowOfAnotherRunIsAnErrorNotAMissingRun) {
  ASSERT_TRUE(emit_jobs(spec(), dir_.string()));
  land(1, "central");  // run 2 is graph's
  auto merged = merge_jobs(dir_.string());
  ASSERT_FALSE(merged);
  EXPECT_NE(merged.error().find("000002.csv: not run 2 of this plan: lock central where the plan has graph"),
            std::string::npos)
      << merged.error();
}

TEST_F(SweepJobs, ARunFileThatDoesNotReadIsReportedWithItsPosition) {
  ASSERT_TRUE(emit_jobs(spec(), dir_.string()));
  spit(dir_ / run_file_name(0), "world,scenario\nsim,\"unterminated\n");
  auto merged = merge_jobs(dir_.string());
  ASSERT_FALSE(merged);
  EXPECT_NE(merged.error().find("000001.csv:"), std::string::npos) << merged.error();
}

TEST_F(SweepJobs, ABadPlanIsOneLineWithFileLineAndColumn) {
  ASSERT_TRUE(emit_jobs(spec(), dir_.string()));
  std::string plan = slurp(dir_ / "plan.toml");
  plan.replace(plan.find("runs = 8"), 8, "runs = 9");
  spit(dir_ / "plan.toml", plan);
  auto merged = merge_jobs(dir_.string());
  ASSERT_FALSE(merged);
  EXPECT_NE(merged.error().find("plan expands to 8 runs but says `runs = 9`"), std::string::npos) << merged.error();

  spit(dir_ / "plan.toml", "format = \"lockscope-sweep-jobs\"\nversion = 1\nlocks = 3\n");
  merged = merge_jobs(dir_.string());
  ASSERT_FALSE(merged);
  EXPECT_NE(merged.error().find("plan.toml:3:9: "), std::string::npos) << merged.error();
  EXPECT_EQ(merged.error().find('\n'), std::string::npos);

  fs::remove(dir_ / "plan.toml");
  merged = merge_jobs(dir_.string());
  ASSERT_FALSE(merged);
  EXPECT_NE(merged.error().find("--emit-jobs"), std::string::npos) << merged.error();
}

TEST_F(SweepJobs, JobsTxtMustHaveALinePerRun) {
  ASSERT_TRUE(emit_jobs(spec(), dir_.string()));
  spit(dir_ / "jobs.txt", "true\ntrue\n");
  auto merged = merge_jobs(dir_.string());
  ASSERT_FALSE(merged);
  EXPECT_NE(merged.error().find("2 lines, but the plan has 8 runs"), std::string::npos) << merged.error();
}

}  // namespace
}  // namespace lockscope::engine::sweep
