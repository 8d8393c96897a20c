// An exploration split into seed ranges, run by a real GNU parallel and
// merged: the same findings, in the same JSON, as one `explore` over every
// seed; and a merge with ranges missing says which and how to finish.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <utility>
#include <vector>
#include <string>

#include "tests/engine/cli/run_cli.hpp"

namespace lockscope::testing {
namespace {

namespace fs = std::filesystem;

// The missed wakeup QEMU fixed: every seed of writer-storm finds it.
const std::string kExplore = " --scenario " + std::string(LOCKSCOPE_SOURCE_DIR) +
                             "/scenarios/teaching/writer-storm.toml --lock graph:full:if_writer:polling --seeds 5";

fs::path temp_dir(const std::string& name) {
  return fs::temp_directory_path() / ("lockscope_explore_jobs_" + std::to_string(::getpid()) + "_" + name);
}

TEST(ExploreJobsCommand, RangesRunUnderGnuParallelMergeToOneExploration) {
  if (run_cli_in_shell("parallel --version").status != 0) {
    GTEST_SKIP() << "GNU parallel is not installed (Debian `parallel`; ./lockscope test installs it)";
  }
  const fs::path dir = temp_dir("ranges");
  fs::remove_all(dir);
  fs::create_directories(dir);
  const CliRun one = run_cli("explore" + kExplore + " --json " + (dir / "one.json").string());
  ASSERT_EQ(one.status, 4) << one.err;

  const CliRun emit = run_cli("explore" + kExplore + " --seeds-per-job 2 --emit-jobs " + (dir / "jobs").string());
  ASSERT_EQ(emit.status, 0) << emit.err;
  EXPECT_NE(emit.out.find("3 jobs of up to 2 seeds"), std::string::npos) << emit.out;

  const CliRun first = run_cli_in_shell("head -n 1 " + (dir / "jobs/jobs.txt").string() + " | parallel");
  ASSERT_EQ(first.status, 0) << "a job that finds something still succeeds\n" << first.err;
  const CliRun partial = run_cli("explore --merge " + (dir / "jobs").string());
  EXPECT_EQ(partial.status, 5) << partial.err;
  EXPECT_NE(partial.err.find("2 of 3 jobs are missing (2 seeds of 5 explored)"), std::string::npos) << partial.err;
  EXPECT_NE(partial.out.find(": 2 seeds from 1, jitter 0.5: 2 wrong"), std::string::npos) << partial.out;

  const CliRun rest = run_cli_in_shell("parallel -j 2 < " + (dir / "jobs/missing-jobs.txt").string());
  ASSERT_EQ(rest.status, 0) << rest.err;
  const CliRun merged = run_cli("explore --merge " + (dir / "jobs").string());
  EXPECT_EQ(merged.status, 4) << "findings, as for one explore\n" << merged.err;
  EXPECT_NE(merged.out.find(": 5 seeds from 1, jitter 0.5: 5 wrong"), std::string::npos) << merged.out;
  EXPECT_NE(merged.out.find("reproduce: lockscope replay --scenario "), std::string::npos) << merged.out;
  EXPECT_FALSE(fs::exists(dir / "jobs/missing-jobs.txt"));
  const std::string expected = slurp(dir / "one.json");
  EXPECT_NE(expected.find("\"seed\": 5"), std::string::npos) << expected;
  EXPECT_EQ(slurp(dir / "jobs/findings.json"), expected);
  fs::remove_all(dir);
}

TEST(ExploreJobsCommand, ARangeFileOfAnotherPlanIsRefusedWithItsName) {
  const fs::path dir = temp_dir("foreign");
  fs::remove_all(dir);
  ASSERT_EQ(run_cli("explore" + kExplore + " --seeds-per-job 5 --emit-jobs " + dir.string()).status, 0);
  // A range of seeds 2..3 where job 1 covers 1..5.
  const CliRun job = run_cli("explore" + std::string(" --scenario ") + LOCKSCOPE_SOURCE_DIR +
                             "/scenarios/teaching/writer-storm.toml --lock graph:full:if_writer:polling"
                             " --first-seed 2 --seeds 2 --results " +
                             (dir / "runs/000001.toml").string());
  ASSERT_EQ(job.status, 0) << job.err;
  const CliRun merged = run_cli("explore --merge " + dir.string());
  EXPECT_EQ(merged.status, 2);
  EXPECT_NE(merged.err.find("000001.toml: not job 1 of this plan: seeds 2..3 where the plan has 1..5"),
            std::string::npos)
      << merged.err;

  std::ofstream(dir / "runs/000001.toml") << "format = 'lockscope-explore-range'\nlock = 3\n";
  const CliRun bad = run_cli("explore --merge " + dir.string());
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("000001.toml:2:8: "), std::string::npos) << bad.err;
  fs::remove_all(dir);
}

// --memory-model reaches every job (its line), every range (its file) and
// the merged report; a range that ran another model is not this plan's.
TEST(ExploreJobsCommand, TheMemoryModelTravelsThroughTheJobs) {
  const fs::path dir = temp_dir("tso");
  fs::remove_all(dir);
  const std::string trace = std::string(LOCKSCOPE_SOURCE_DIR) + "/tests/traces/fixtures/migrating-reader.workload";
  const CliRun emit = run_cli("explore " + trace + " --lock graph --machine laptop-8 --seeds 4 --seeds-per-job 2"
                              " --memory-model tso --emit-jobs " + dir.string());
  ASSERT_EQ(emit.status, 0) << emit.err;
  const std::string jobs = slurp(dir / "jobs.txt");
  const std::string first = jobs.substr(0, jobs.find('\n'));
  const std::string second = jobs.substr(first.size() + 1, jobs.find('\n', first.size() + 1) - first.size() - 1);
  for (const std::string& line : {first, second}) {
    EXPECT_NE(line.find(" --machine laptop-8 --memory-model tso --jitter "), std::string::npos) << line;
  }
  EXPECT_NE(slurp(dir / "plan.toml").find("memory_model = 'tso'"), std::string::npos) << slurp(dir / "plan.toml");

  ASSERT_EQ(run_cli_in_shell(first).status, 0);
  EXPECT_NE(slurp(dir / "runs/000001.toml").find("memory_model = 'tso'"), std::string::npos)
      << slurp(dir / "runs/000001.toml");
  // Job 2 run without the flag: an sc range.
  std::string sc = second;
  sc.erase(sc.find(" --memory-model tso"), std::string(" --memory-model tso").size());
  ASSERT_EQ(run_cli_in_shell(sc).status, 0);
  const CliRun refused = run_cli("explore --merge " + dir.string());
  EXPECT_EQ(refused.status, 2);
  EXPECT_NE(refused.err.find("000002.toml: not job 2 of this plan: memory model sc where the plan has tso"),
            std::string::npos)
      << refused.err;

  ASSERT_EQ(run_cli_in_shell(second).status, 0);
  const CliRun merged = run_cli("explore --merge " + dir.string());
  EXPECT_EQ(merged.status, 0) << merged.err;
  EXPECT_EQ(merged.out, "graph on laptop-8 (8 cores), memory model tso: 4 seeds from 1, jitter 0.5: 0 wrong\n");
  EXPECT_NE(slurp(dir / "findings.json").find("\"memory_model\": \"tso\""), std::string::npos);

  const CliRun flag = run_cli("explore --merge " + dir.string() + " --memory-model sc");
  EXPECT_EQ(flag.status, 2);
  EXPECT_NE(flag.err.find("--merge takes only the jobs directory"), std::string::npos) << flag.err;
  fs::remove_all(dir);
}

TEST(ExploreJobsCommand, FlagsThatDoNotGoTogetherAreOneLine) {
  const fs::path dir = temp_dir("flags");
  for (const auto& [args, says] : std::vector<std::pair<std::string, std::string>>{
           {"explore" + kExplore + " --emit-slurm", "--emit-slurm goes with --emit-jobs DIR"},
           {"explore" + kExplore + " --emit-jobs " + dir.string() + " --timeline x.lstl", "--timeline needs"},
           {"explore --merge " + dir.string() + kExplore, "--merge takes only the jobs directory"},
           {"explore --merge " + dir.string(), "no exploration plan here"}}) {
    const CliRun r = run_cli(args);
    EXPECT_EQ(r.status, 2) << args;
    EXPECT_NE(r.err.find(says), std::string::npos) << args << "\n" << r.err;
  }
  EXPECT_FALSE(fs::exists(dir / "plan.toml"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace lockscope::testing
