#include "engine/validate/validate_suite.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "engine/bench/lock_registry.hpp"
#include "engine/replay/replay.hpp"

namespace lockscope::engine::validate {
namespace {

TEST(ValidateSuite, LocksInBothWorldsAreExactlyTheIntersection) {
  const std::vector<std::string> both = locks_in_both_worlds();
  ASSERT_FALSE(both.empty());
  EXPECT_EQ(both.front(), "graph");  // the bench registry's order
  for (const bench::LockEntry& e : bench::bench_locks()) {
    const auto sim = replay::sim_lock_names();
    const bool in_sim = std::ranges::find(sim, e.name) != sim.end();
    // The broken-on-purpose variants run in both, but are nothing to validate.
    EXPECT_EQ(std::ranges::find(both, e.name) != both.end(), in_sim && !e.broken) << e.name;
  }
  // Bench-only peers (not written over the platform policy) are not in it.
  EXPECT_EQ(std::ranges::find(both, "std-shared-mutex"), both.end());
  EXPECT_EQ(std::ranges::find(both, "urcu"), both.end());
  EXPECT_NE(std::ranges::find(both, "central"), both.end());
  EXPECT_EQ(std::ranges::find(both, "graph-nofence"), both.end());
}

TEST(ValidateSuite, ThreadCountsArePowersOfTwoThenTheMaximum) {
  EXPECT_EQ(thread_counts(1), (std::vector<unsigned>{1}));
  EXPECT_EQ(thread_counts(2), (std::vector<unsigned>{1, 2}));
  EXPECT_EQ(thread_counts(6), (std::vector<unsigned>{1, 2, 4, 6}));
  EXPECT_EQ(thread_counts(8), (std::vector<unsigned>{1, 2, 4, 8}));
  EXPECT_EQ(thread_counts(0), (std::vector<unsigned>{1}));
}

TEST(ValidateSuite, FullSuiteCoversEveryLockAndEveryPointOfTheGrid) {
  for (const unsigned max_threads : {1U, 2U, 4U}) {
    SuiteOptions options;
    options.max_threads = max_threads;
    const std::vector<ValidateCase> cases = validate_suite(options);
    const std::vector<std::string> both = locks_in_both_worlds();
    EXPECT_EQ(cases.size(), both.size() * 3 * 2 * 2 * thread_counts(max_threads).size());
    for (const std::string& lock : both) {
      for (const unsigned w : kWritePermilles) {
        for (const std::uint64_t cs : kCsNs) {
          for (const std::uint64_t think : kThinkNs) {
            for (const unsigned t : thread_counts(max_threads)) {
              const ValidateCase want{lock, t, w, cs, think};
              EXPECT_NE(std::ranges::find(cases, want), cases.end()) << want.name();
            }
          }
        }
      }
    }
    std::set<std::string> names;
    for (const ValidateCase& c : cases) names.insert(c.name());
    EXPECT_EQ(names.size(), cases.size()) << "case names must be unique";
  }
}

TEST(ValidateSuite, GridIsTheIssuesGrid) {
  EXPECT_EQ(std::vector<unsigned>(std::begin(kWritePermilles), std::end(kWritePermilles)),
            (std::vector<unsigned>{0, 10, 100}));
  EXPECT_EQ(std::vector<std::uint64_t>(std::begin(kCsNs), std::end(kCsNs)), (std::vector<std::uint64_t>{0, 100}));
  EXPECT_EQ(std::vector<std::uint64_t>(std::begin(kThinkNs), std::end(kThinkNs)),
            (std::vector<std::uint64_t>{0, 200}));
}

TEST(ValidateSuite, QuickIsASmallSubsetOfTheFullSuite) {
  SuiteOptions full;
  full.max_threads = 2;
  SuiteOptions quick = full;
  quick.quick = true;
  const std::vector<ValidateCase> all = validate_suite(full);
  const std::vector<ValidateCase> some = validate_suite(quick);
  EXPECT_EQ(some.size(), 2U * 2 * 1 * 2 * 2);  // locks x writes x cs x think x threads
  for (const ValidateCase& c : some) {
    EXPECT_NE(std::ranges::find(all, c), all.end()) << c.name();
    EXPECT_TRUE(c.lock == "graph" || c.lock == "central") << c.name();
    EXPECT_EQ(c.cs_ns, 0U);
  }
}

TEST(ValidateSuite, LockSubsetKeepsTheGrid) {
  SuiteOptions options;
  options.max_threads = 2;
  options.locks = {"pflock"};
  const std::vector<ValidateCase> cases = validate_suite(options);
  EXPECT_EQ(cases.size(), 3U * 2 * 2 * 2);
  for (const ValidateCase& c : cases) EXPECT_EQ(c.lock, "pflock");
}

TEST(ValidateSuite, CaseNameIsOneCsvField) {
  const ValidateCase c{"graph-asym", 2, 100, 0, 200};
  EXPECT_EQ(c.name(), "graph-asym t2 w100 cs0 th200");
  EXPECT_EQ(c.name().find(','), std::string::npos);
}

}  // namespace
}  // namespace lockscope::engine::validate
