#include "gui/model/run_stats.hpp"

#include <gtest/gtest.h>

#include "tests/gui/waits_timeline.hpp"

namespace lockscope::gui {
namespace {

TEST(RunStats, WaitIsTheRunOfWaitingSpansBeforeAnAcquisition) {
  const TimelineModel m(testing::waits_timeline());
  const RunStats s = run_stats(m, 0, m.end_time());
  EXPECT_EQ(s.reads, 2U);
  EXPECT_EQ(s.writes, 1U);
  EXPECT_EQ(s.read_waits, (std::vector<std::uint64_t>{0, 300}));  // waiting_read + queued_read
  EXPECT_EQ(s.write_waits, (std::vector<std::uint64_t>{400}));     // waiting_write + draining
  EXPECT_EQ(s.transfers, 1U);      // the ownership move
  EXPECT_EQ(s.invalidations, 1U);  // counted apart, as the CLI does
  EXPECT_DOUBLE_EQ(s.transfers_per_op(), 1.0 / 3.0);
  // 3 operations in 3000 ps = 1e9 per simulated second.
  EXPECT_DOUBLE_EQ(s.ops_per_second(), 1e9);
  EXPECT_DOUBLE_EQ(s.reads_per_second(), 2e9 / 3);
}

TEST(RunStats, RangeCountsAcquisitionsStartingInIt) {
  const TimelineModel m(testing::waits_timeline());
  // [350, 1500]: the first read (starts at 400) and the write (1000), not the
  // second read (2000); one transfer starts there (650).
  const RunStats s = run_stats(m, 1500, 350);  // reversed bounds are swapped
  EXPECT_EQ(s.t0, 350U);
  EXPECT_EQ(s.reads, 1U);
  EXPECT_EQ(s.writes, 1U);
  EXPECT_EQ(s.read_waits, (std::vector<std::uint64_t>{300}));
  EXPECT_EQ(s.transfers, 1U);
  const RunStats empty = run_stats(m, 2500, 2500);
  EXPECT_EQ(empty.ops(), 0U);
  EXPECT_DOUBLE_EQ(empty.ops_per_second(), 0.0);
  EXPECT_DOUBLE_EQ(empty.transfers_per_op(), 0.0);
}

TEST(RunStats, QuantileIsNearestRank) {
  const std::vector<std::uint64_t> v = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
  EXPECT_EQ(quantile(v, 0.5), 50U);
  EXPECT_EQ(quantile(v, 0.99), 100U);
  EXPECT_EQ(quantile(v, 0.0), 10U);
  EXPECT_EQ(quantile({}, 0.5), 0U);
}

TEST(WaitHistogram, BinsAreOneTwoFivePerDecadeInNanoseconds) {
  // ps: 0 and 999 (under 1 ns), 1000 (1-2), 4999 (2-5), 5000 (5-10), 1.5 us (1k-2k).
  const auto bins = log_histogram({0, 999, 1000, 4999, 5000, 1500000});
  ASSERT_GE(bins.size(), 11U);
  EXPECT_EQ(bins[0].label, "0-1");
  EXPECT_EQ(bins[0].count, 2U);
  EXPECT_EQ(bins[1].label, "1-2");
  EXPECT_EQ(bins[1].count, 1U);
  EXPECT_EQ(bins[2].label, "2-5");
  EXPECT_EQ(bins[2].count, 1U);
  EXPECT_EQ(bins[3].label, "5-10");
  EXPECT_EQ(bins[3].count, 1U);
  EXPECT_EQ(bins.back().label, "1k-2k");
  EXPECT_EQ(bins.back().count, 1U);
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < bins.size(); ++i) {
    total += bins[i].count;
    if (i > 0) {
      EXPECT_EQ(bins[i].lo_ps, bins[i - 1].hi_ps);  // contiguous
    }
  }
  EXPECT_EQ(total, 6U);
  EXPECT_TRUE(log_histogram({}).empty());
  EXPECT_EQ(log_histogram({0}).size(), 1U);  // all under 1 ns: one bin
}

TEST(RunStats, CountsTakeAnSiPrefix) {
  EXPECT_EQ(si(22.31e6), "22.3 M");
  EXPECT_EQ(si(12), "12");
}

}  // namespace
}  // namespace lockscope::gui
