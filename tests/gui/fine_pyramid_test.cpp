#include "gui/model/fine_pyramid.hpp"

#include <gtest/gtest.h>

#include <numeric>

namespace lockscope::gui {
namespace {

std::uint64_t level_count(const FinePyramid& p, std::size_t k) {
  std::uint64_t n = 0;
  for (const FineBucket& b : p.level(k)) n += b.count;
  return n;
}

TEST(FinePyramid, LevelsGrowWithDensityFromNoneWhereTheBaseIsFineEnough) {
  // 1024 coarse buckets of 1000 ps.
  EXPECT_EQ(FinePyramid::levels_for(2048, 1'024'000, 1000), 0);     // 2 a bucket
  EXPECT_EQ(FinePyramid::levels_for(2049, 1'024'000, 1000), 1);     // just over: 1 level, ~1 a bucket
  EXPECT_EQ(FinePyramid::levels_for(16 * 1024, 1'024'000, 1000), 3);  // 16 -> 2 a bucket
  EXPECT_EQ(FinePyramid::levels_for(17 * 1024, 1'024'000, 1000), 4);
  // Never narrower than a picosecond.
  EXPECT_EQ(FinePyramid::levels_for(1'000'000, 1024, 1), 0);
  EXPECT_EQ(FinePyramid::levels_for(1'000'000, 4096, 4), 2);
  EXPECT_EQ(FinePyramid::levels_for(0, 0, 1000), 0);
}

TEST(FinePyramid, PlanStaysWithinTheBudgetTakingFromTheLargestLanes) {
  const std::uint64_t end = 1'024'000;
  const std::uint64_t coarse = 1000;
  // Two very dense lanes and a moderately dense one.
  const std::vector<std::size_t> events{4'000'000, 20'000, 4'000'000};
  const auto levels = FinePyramid::plan_levels(events, end, coarse);
  ASSERT_EQ(levels.size(), 3U);
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < levels.size(); ++i) bytes += FinePyramid::bytes_for(end, coarse, levels[i]);
  EXPECT_LE(bytes, FinePyramid::kBytesPerEvent * (4'000'000 + 20'000 + 4'000'000));
  // The small lane keeps what it wants; the big ones gave levels up, evenly.
  EXPECT_EQ(levels[1], FinePyramid::levels_for(20'000, end, coarse));
  EXPECT_LT(levels[0], FinePyramid::levels_for(4'000'000, end, coarse));
  EXPECT_LE(std::abs(levels[0] - levels[2]), 1);
  EXPECT_GT(levels[0], 0);
}

TEST(FinePyramid, TimesAreShareOfTheWidthAndCountsAddUpAtEveryLevel) {
  // Coarse buckets of 64 ps, 2 levels: 16 ps and 32 ps buckets over 128 ps.
  FinePyramid p(128, 64, 2);
  ASSERT_EQ(p.level_count(), 2U);
  EXPECT_EQ(p.width(0), 16U);
  EXPECT_EQ(p.width(1), 32U);
  ASSERT_EQ(p.level(0).size(), 8U);
  ASSERT_EQ(p.level(1).size(), 4U);
  p.add_time(0, 16, 2);    // bucket 0: all state 2
  p.add_time(16, 20, 1);   // bucket 1: a quarter state 1 ...
  p.add_time(20, 21, 3);   // ... a 16th of state 3 ...
  p.add_time(21, 48, 0);   // ... the rest state 0, and all of bucket 2
  p.add_time(100, 101, 4);  // 1 ps of 16: 16 of 255, never rounded away
  for (const std::uint64_t s : {0, 16, 20, 21, 100}) p.add_count(s);
  p.add_count(1'000'000);  // past the end: the last bucket
  p.finish();
  const auto base = p.level(0);
  EXPECT_EQ(base[0].time[2], 255);
  EXPECT_EQ(base[1].time[1], 64);  // round(255 / 4)
  EXPECT_EQ(base[1].time[3], 16);  // round(255 / 16)
  EXPECT_EQ(base[1].time[0], 175);  // round(255 * 11 / 16)
  EXPECT_EQ(base[2].time[0], 255);
  EXPECT_EQ(base[6].time[4], 16);
  EXPECT_EQ(base[0].count, 1U);
  EXPECT_EQ(base[1].count, 3U);
  EXPECT_EQ(base[7].count, 1U);
  EXPECT_EQ(level_count(p, 0), 6U);
  EXPECT_EQ(level_count(p, 1), 6U);
  // Level 1 halves the pair's sum, rounding up (no time rounds to nothing).
  const auto up = p.level(1);
  EXPECT_EQ(up[0].time[2], 128);
  EXPECT_EQ(up[0].time[0], 88);
  EXPECT_EQ(up[0].count, 4U);
  EXPECT_EQ(up[3].time[4], 8);
  FineBucket none;
  EXPECT_EQ(up[2].time, none.time);
}

TEST(FinePyramid, ASpanAcrossManyBucketsFillsEachAndTinyOnesStayVisible) {
  FinePyramid p(1 << 20, 1 << 12, 4);  // 256 ps buckets
  p.add_time(100, 100 + 256 * 10, 5);
  for (std::uint64_t t = 256 * 20; t < 256 * 21; t += 4) p.add_time(t, t + 1, 6);  // 64 x 1 ps
  p.finish();
  const auto base = p.level(0);
  EXPECT_EQ(base[0].time[5], 155);  // 156 of 256 ps
  for (int b = 1; b < 10; ++b) EXPECT_EQ(base[b].time[5], 255) << b;
  EXPECT_EQ(base[10].time[5], 100);  // 100 of 256 ps
  EXPECT_EQ(base[20].time[6], 64);    // 64 of 256 ps, summed exactly before rounding
}

}  // namespace
}  // namespace lockscope::gui
