#include "engine/sweep/sweep_plan.hpp"
#include "engine/sweep/sweep_runner.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>

namespace lockscope::engine::sweep {
namespace {

const std::string kBouncing = std::string(LOCKSCOPE_SOURCE_DIR) + "/scenarios/teaching/bouncing.toml";
const std::string kIothreads = std::string(LOCKSCOPE_SOURCE_DIR) + "/scenarios/qemu/iothreads.toml";

SweepPlanInput plan(std::vector<SetAxis> axes = {}) {
  SweepPlanInput in;
  in.scenario = kBouncing;
  in.locks = {"graph", "central"};
  in.cores = {1, 4, 16};
  in.axes = std::move(axes);
  return in;
}

std::string error_of(const SweepPlanInput& in, std::uint32_t machine_cores = 64) {
  auto ok = validate(in, machine_cores);
  EXPECT_FALSE(ok.has_value());
  return ok ? std::string() : ok.error();
}

TEST(SweepPlan, SetAxisSplitsValuesButNotInsideTables) {
  auto axis = parse_set_axis("reads.cs_ns={dist=\"uniform\",min=1,max=9},20");
  ASSERT_TRUE(axis.has_value()) << axis.error();
  EXPECT_EQ(axis->key, "reads.cs_ns");
  EXPECT_EQ(axis->values, (std::vector<std::string>{"{dist=\"uniform\",min=1,max=9}", "20"}));
  EXPECT_FALSE(parse_set_axis("writes.write_permille").has_value());
  EXPECT_FALSE(parse_set_axis("=1,2").has_value());
  EXPECT_FALSE(parse_set_axis("writes.write_permille=1,,2").has_value());
}

TEST(SweepPlan, CountsAreParsedAndZeroOrJunkIsAnError) {
  auto counts = parse_counts("1,2,64", "--cores");
  ASSERT_TRUE(counts.has_value());
  EXPECT_EQ(*counts, (std::vector<std::uint32_t>{1, 2, 64}));
  for (const char* bad : {"0", "1,x", "", "4,", "-2"}) {
    auto r = parse_counts(bad, "--cores");
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().rfind("--cores: ", 0), 0u) << r.error();
  }
}

TEST(SweepPlan, ExpandMakesEveryCombinationLockOutermostCoresInnermost) {
  const auto runs = expand(plan({{"writes.write_permille", {"0", "1"}}, {"reads.cs_ns", {"5", "50"}}}));
  ASSERT_EQ(runs.size(), 2u * 2u * 2u * 3u);
  EXPECT_EQ(runs[0].lock, "graph");
  EXPECT_EQ(runs[0].cores, 1u);
  EXPECT_EQ(runs[1].cores, 4u);
  EXPECT_EQ(runs[2].cores, 16u);
  EXPECT_EQ(runs[3].params, (std::vector<std::pair<std::string, std::string>>{
                                {"writes.write_permille", "0"}, {"reads.cs_ns", "50"}}));
  EXPECT_EQ(runs[12].lock, "central");
  // Overrides: the axes, then one context per core.
  EXPECT_EQ(runs[2].overrides,
            (std::vector<std::string>{"writes.write_permille=0", "reads.cs_ns=5", "contexts.count=16"}));
}

TEST(SweepPlan, KeepContextsLeavesTheScenariosContextCount) {
  SweepPlanInput in = plan();
  in.contexts_follow_cores = false;
  for (const SweepRun& run : expand(in)) EXPECT_TRUE(run.overrides.empty());
}

TEST(SweepPlan, ValidPlanPassesIncludingAFractionalReadMostlyRate) {
  SweepPlanInput in = plan({{"writes.write_permille", {"0", "0.1", "1"}}});
  in.scenario = kIothreads;
  EXPECT_TRUE(validate(in, 64).has_value());
}

TEST(SweepPlan, UnknownKeyIsOneLineNamingIt) {
  const std::string e = error_of(plan({{"writes.write_permile", {"1"}}}));
  EXPECT_NE(e.find("writes.write_permile"), std::string::npos) << e;
  EXPECT_NE(e.find("unknown key"), std::string::npos) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos) << e;
}

TEST(SweepPlan, ValueOutOfRangeIsAnError) {
  const std::string e = error_of(plan({{"writes.write_permille", {"1", "2000"}}}));
  EXPECT_NE(e.find("between 0 and 1000"), std::string::npos) << e;
}

TEST(SweepPlan, UnknownLockCoresBeyondTheMachineAndDuplicateAxesAreErrors) {
  SweepPlanInput in = plan();
  in.locks = {"graph", "nosuchlock"};
  EXPECT_NE(error_of(in).find("'nosuchlock' does not run in the simulator"), std::string::npos);
  EXPECT_NE(error_of(plan(), 8).find("--cores: 16 is not between 1 and the machine's 8 cores"), std::string::npos);
  EXPECT_NE(error_of(plan({{"reads.cs_ns", {"1"}}, {"reads.cs_ns", {"2"}}})).find("swept twice"), std::string::npos);
  EXPECT_NE(error_of(plan({{"contexts.count", {"2"}}})).find("--keep-contexts"), std::string::npos);
  SweepPlanInput missing = plan();
  missing.scenario = "/nonexistent.toml";
  EXPECT_NE(error_of(missing).find("cannot open"), std::string::npos);
}

// Two --set axes of a thousand values each used to spend minutes and
// gigabytes listing 14 million runs before saying anything.
TEST(SweepPlan, APlanOfMillionsOfRunsIsRefusedBeforeItIsListed) {
  std::vector<std::string> values;
  for (int v = 0; v < 1000; ++v) values.push_back(std::to_string(v));
  const std::string e = error_of(plan({{"writes.write_permille", values}, {"reads.cs_ns", values}}));
  EXPECT_NE(e.find("the sweep has 6000000 runs"), std::string::npos) << e;
  EXPECT_NE(e.find(fmt::format("at most {}", kMaxSweepRuns)), std::string::npos) << e;
}

TEST(SweepSchedule, MostCoresStartFirstTiesInPlanOrder) {
  const auto runs = expand(plan());
  const auto order = schedule(runs);
  ASSERT_EQ(order.size(), runs.size());
  EXPECT_EQ(order[0], 2u);  // graph, 16 cores
  EXPECT_EQ(order[1], 5u);  // central, 16 cores
  EXPECT_EQ(runs[order.back()].cores, 1u);
}

}  // namespace
}  // namespace lockscope::engine::sweep
