#include "traces/fairness.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace lockscope::traces {
namespace {

// Workers 0..n-1, each having attempted, with these totals (all reads).
std::vector<WorkerAcquisitions> attempted(const std::vector<std::uint64_t>& totals) {
  std::vector<WorkerAcquisitions> w;
  for (std::size_t i = 0; i < totals.size(); ++i) w.push_back({static_cast<std::uint32_t>(i), totals[i], 0, true});
  return w;
}

TEST(Fairness, EqualCountsGiveJainOneAndRatioOne) {
  const Fairness f = fairness(attempted({7, 7, 7, 7}));
  EXPECT_EQ(f.workers, 4U);
  ASSERT_TRUE(f.jain.has_value());
  EXPECT_DOUBLE_EQ(*f.jain, 1.0);
  EXPECT_EQ(f.max, 7U);
  EXPECT_EQ(f.min, 7U);
  ASSERT_TRUE(f.max_over_min.has_value());
  EXPECT_DOUBLE_EQ(*f.max_over_min, 1.0);
  EXPECT_EQ(f.max_worker, 0U) << "the lowest id on a tie";
  EXPECT_EQ(f.min_worker, 0U);
}

TEST(Fairness, OneHotGivesJainOneOverNAndNoRatio) {
  for (std::size_t n : {1U, 2U, 5U, 64U}) {
    std::vector<std::uint64_t> totals(n, 0);
    totals[n / 2] = 1000;
    const Fairness f = fairness(attempted(totals));
    ASSERT_TRUE(f.jain.has_value()) << n;
    EXPECT_DOUBLE_EQ(*f.jain, 1.0 / static_cast<double>(n)) << n;
    EXPECT_EQ(f.max, 1000U);
    EXPECT_EQ(f.max_worker, n / 2);
    if (n == 1) {
      EXPECT_DOUBLE_EQ(f.max_over_min.value_or(-1), 1.0);
    } else {
      EXPECT_EQ(f.min, 0U);
      EXPECT_EQ(f.min_worker, n / 2 == 0 ? 1U : 0U);
      EXPECT_FALSE(f.max_over_min.has_value()) << "min 0: the ratio is infinite, reported as none";
    }
  }
}

TEST(Fairness, MaxMinAndJainOfUnevenCounts) {
  // Reads and writes add up per worker: totals 812, 580, 700.
  const std::vector<WorkerAcquisitions> w = {{3, 800, 12, true}, {9, 570, 10, true}, {4, 700, 0, true}};
  const Fairness f = fairness(w);
  EXPECT_EQ(f.workers, 3U);
  EXPECT_EQ(f.max, 812U);
  EXPECT_EQ(f.max_worker, 3U);
  EXPECT_EQ(f.min, 580U);
  EXPECT_EQ(f.min_worker, 9U);
  EXPECT_DOUBLE_EQ(f.max_over_min.value_or(0), 812.0 / 580.0);
  const double sum = 812 + 580 + 700;
  const double sum_sq = 812.0 * 812 + 580.0 * 580 + 700.0 * 700;
  EXPECT_DOUBLE_EQ(f.jain.value_or(0), sum * sum / (3 * sum_sq));
  EXPECT_GT(*f.jain, 1.0 / 3);
  EXPECT_LT(*f.jain, 1.0);
}

// A worker that never tried (only thinks) is left out; one that tried and
// never got in is the starved worker, min 0, and the ratio is infinite.
TEST(Fairness, WorkersThatNeverTriedAreLeftOutStarvedOnesCount) {
  std::vector<WorkerAcquisitions> w = {{0, 10, 0, true}, {1, 0, 0, false}, {2, 0, 20, true}};
  Fairness f = fairness(w);
  EXPECT_EQ(f.workers, 2U);
  EXPECT_EQ(f.min, 10U);
  EXPECT_EQ(f.min_worker, 0U);
  EXPECT_DOUBLE_EQ(f.max_over_min.value_or(0), 2.0);
  EXPECT_DOUBLE_EQ(f.jain.value_or(0), 900.0 / (2 * 500.0));

  w[1].attempted = true;  // now it tried and got nothing
  f = fairness(w);
  EXPECT_EQ(f.workers, 3U);
  EXPECT_EQ(f.min, 0U);
  EXPECT_EQ(f.min_worker, 1U);
  EXPECT_FALSE(f.max_over_min.has_value());
  EXPECT_DOUBLE_EQ(f.jain.value_or(0), 900.0 / (3 * 500.0));
}

TEST(Fairness, NobodyCountedOrNobodyInIsUndefinedNotOne) {
  const Fairness none = fairness({});
  EXPECT_EQ(none.workers, 0U);
  EXPECT_FALSE(none.jain.has_value());
  EXPECT_FALSE(none.max_over_min.has_value());
  const std::vector<WorkerAcquisitions> idle = {{0, 0, 0, false}, {1, 0, 0, false}};
  EXPECT_EQ(fairness(idle).workers, 0U);
  // Everyone tried, nobody got in (a deadlock at the start): 0/0, no index.
  const Fairness stuck = fairness(attempted({0, 0, 0}));
  EXPECT_EQ(stuck.workers, 3U);
  EXPECT_FALSE(stuck.jain.has_value());
  EXPECT_FALSE(stuck.max_over_min.has_value());
  EXPECT_EQ(stuck.max, 0U);
}

// Σx² of counts near 2^32 overflows 64-bit integers; the index must not.
TEST(Fairness, HugeCountsDoNotOverflow) {
  const Fairness f = fairness(attempted({1ULL << 40, 1ULL << 40}));
  EXPECT_DOUBLE_EQ(f.jain.value_or(0), 1.0);
}

}  // namespace
}  // namespace lockscope::traces
