#include "gui/model/cacheline_table.hpp"

#include <gtest/gtest.h>

#include "tests/gui/small_timeline.hpp"

namespace lockscope::gui {
namespace {

TEST(CachelineTable, CountsTransfersAndCoresPerLine) {
  const TimelineModel m(testing::small_timeline());
  const auto all = cacheline_table(m, 0, 10000);
  ASSERT_EQ(all.size(), 2U);
  EXPECT_EQ(all[0].line, 0U);  // "counter": two transfers, 0 <-> 1
  EXPECT_EQ(all[0].transfers, 2U);
  EXPECT_EQ(all[0].invalidations, 0U);
  EXPECT_EQ(all[0].cores, (std::set<std::uint32_t>{0, 1}));
  EXPECT_EQ(all[1].line, 1U);  // "flag": from memory to core 0
  EXPECT_EQ(all[1].transfers, 1U);
  EXPECT_EQ(all[1].cores, (std::set<std::uint32_t>{0}));
  const auto part = cacheline_table(m, 1000, 2000);
  ASSERT_EQ(part.size(), 1U);
  EXPECT_EQ(part[0].transfers, 1U);
}

}  // namespace
}  // namespace lockscope::gui
