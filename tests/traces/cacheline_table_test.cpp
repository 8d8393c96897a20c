#include "traces/cacheline_table.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace lockscope::traces {
namespace {

using K = TransferKind;

// Three lines on four cores:
//   line 0 "counter": 0 -> 1 at 1500, 1 -> 0 at 5500 (ownership)
//   line 1 "flag":    memory -> 0 at 100, shared 0 -> 2 at 3000, 3 invalidates 0 and 2 at 7000
//   line 2 "idle":    no traffic
Timeline three_lines() {
  Timeline t;
  t.cores = 4;
  t.end_time = 10000;
  t.lines = {{"counter"}, {"flag"}, {"idle"}};
  t.transfers = {{100, 200, 1, -1, 0, K::fill},         {1500, 1600, 0, 0, 1, K::ownership},
                 {3000, 3100, 1, 0, 2, K::read_share},  {5500, 5600, 0, 1, 0, K::ownership},
                 {7000, 7100, 1, 3, 0, K::invalidation}, {7000, 7120, 1, 3, 2, K::invalidation},
                 {7000, 7300, 1, 0, 3, K::ownership}};
  return t;
}

TEST(CachelineTable, CountsTransfersAndInvalidationsApartPerLine) {
  const auto all = cacheline_table(three_lines(), 0, 10000);
  ASSERT_EQ(all.size(), 2U) << "a line without traffic has no row";
  EXPECT_EQ(all[0].line, 1U) << "the most traffic first";
  EXPECT_EQ(all[0].name, "flag");
  EXPECT_EQ(all[0].transfers, 3U);
  EXPECT_EQ(all[0].invalidations, 2U);
  EXPECT_EQ(all[1].line, 0U);
  EXPECT_EQ(all[1].name, "counter");
  EXPECT_EQ(all[1].transfers, 2U);
  EXPECT_EQ(all[1].invalidations, 0U);
}

TEST(CachelineTable, CoresAreSourcesAndDestinationsNotMemory) {
  const auto all = cacheline_table(three_lines(), 0, 10000);
  ASSERT_EQ(all.size(), 2U);
  EXPECT_EQ(all[0].cores, (std::vector<std::uint32_t>{0, 2, 3}));
  EXPECT_EQ(all[1].cores, (std::vector<std::uint32_t>{0, 1}));
  // The fill alone: memory is no core.
  const auto fill = cacheline_table(three_lines(), 0, 200);
  ASSERT_EQ(fill.size(), 1U);
  EXPECT_EQ(fill[0].cores, (std::vector<std::uint32_t>{0}));
}

TEST(CachelineTable, ARangeCountsWhatStartsInItEitherWayRound) {
  const auto part = cacheline_table(three_lines(), 1000, 3000);
  ASSERT_EQ(part.size(), 2U);
  EXPECT_EQ(part[0].line, 0U) << "one each: ties in line order";
  EXPECT_EQ(part[0].transfers, 1U);
  EXPECT_EQ(part[1].line, 1U);
  EXPECT_EQ(part[1].transfers, 1U) << "the share starting at 3000; the fill at 100 is outside";
  EXPECT_EQ(cacheline_table(three_lines(), 3000, 1000), part);
  EXPECT_TRUE(cacheline_table(three_lines(), 8000, 10000).empty());
}

TEST(CachelineTable, ATransferOfAnUnnamedLineIsSkipped) {
  Timeline t = three_lines();
  t.transfers.push_back({9000, 9100, 7, 0, 1, K::ownership});
  EXPECT_EQ(cacheline_table(t, 0, 10000), cacheline_table(three_lines(), 0, 10000));
}

TEST(CachelineTable, PerLineTotalsAreOrderedAsATimelinesAre) {
  // As the simulator's directory hands them over: one row per line, in line order.
  std::vector<CachelineRow> totals = {{0, "a", 5, 0, {0, 1}}, {1, "b", 0, 0, {}}, {2, "c", 3, 2, {1, 2}},
                                      {3, "d", 9, 1, {0, 1, 2, 3}}};
  const auto rows = cacheline_table(totals);
  ASSERT_EQ(rows.size(), 3U);
  EXPECT_EQ(rows[0].name, "d");
  EXPECT_EQ(rows[1].name, "a") << "5 and 3 + 2: ties in line order";
  EXPECT_EQ(rows[2].name, "c");
  EXPECT_EQ(rows[2].cores, (std::vector<std::uint32_t>{1, 2}));
}

}  // namespace
}  // namespace lockscope::traces
