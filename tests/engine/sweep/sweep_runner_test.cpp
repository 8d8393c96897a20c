// run_sweep forks a child per run; the test process itself never starts a
// simulation, so it may run several sweeps.
#include "engine/sweep/sweep_runner.hpp"

#include <gtest/gtest.h>

#include "engine/machine/presets.hpp"

namespace lockscope::engine::sweep {
namespace {

const std::string kBouncing = std::string(LOCKSCOPE_SOURCE_DIR) + "/scenarios/teaching/bouncing.toml";

SweepRunOptions options(unsigned jobs) {
  SweepRunOptions o;
  o.scenario_file = kBouncing;
  o.scenario_name = "bouncing";
  o.machine = *machine::preset("laptop-8");
  o.jobs = jobs;
  return o;
}

SweepRun run(std::string lock, std::uint32_t cores) {
  return SweepRun{std::move(lock), cores, {{"scenario.duration_us", "5"}},
                  {"scenario.duration_us=5", "contexts.count=" + std::to_string(cores)}};
}

TEST(SweepRunner, RowsComeBackInPlanOrderWithTheReplaysNumbers) {
  for (const unsigned jobs : {1U, 3U}) {
    const std::vector<SweepRun> runs = {run("graph", 1), run("central", 2), run("graph", 4)};
    std::size_t reports = 0;
    SweepRunOptions o = options(jobs);
    o.progress = [&](const SweepProgress& p) {
      if (p.finished != nullptr) ++reports;
      EXPECT_LE(p.done, p.total);
    };
    const auto rows = run_sweep(runs, o);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(reports, 3u);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      EXPECT_EQ(rows[i].status, "ok") << rows[i].error;
      EXPECT_EQ(rows[i].lock, runs[i].lock);
      EXPECT_EQ(rows[i].cores, runs[i].cores);
      EXPECT_EQ(rows[i].machine, "laptop-8");
      EXPECT_EQ(rows[i].param("scenario.duration_us"), "5");
      EXPECT_GT(rows[i].lock_ops, 0u);
      EXPECT_GT(rows[i].throughput_ops_per_sec, 0.0);
    }
    // central bounces its counter line; graph with one context per core does not.
    EXPECT_GT(rows[1].transfers_per_op, rows[0].transfers_per_op);
  }
}

TEST(SweepRunner, FailedRunIsMarkedWithItsErrorAndTheOthersStillRun) {
  const std::vector<SweepRun> runs = {run("no-such-lock", 1), run("graph", 2)};
  const auto rows = run_sweep(runs, options(2));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_TRUE(rows[0].failed());
  EXPECT_NE(rows[0].error.find("unknown lock"), std::string::npos) << rows[0].error;
  EXPECT_EQ(rows[1].status, "ok") << rows[1].error;
}

}  // namespace
}  // namespace lockscope::engine::sweep
