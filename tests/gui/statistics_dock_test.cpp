#include "gui/app/statistics_dock.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "gui/app/cacheline_table_view.hpp"
#include "tests/gui/waits_timeline.hpp"

namespace lockscope::gui {
namespace {

TEST(StatisticsDock, FillsFromATimelineAndFollowsTheRange) {
  StatisticsDock dock;
  auto model = std::make_shared<const TimelineModel>(testing::waits_timeline());
  dock.set_model(model);
  EXPECT_EQ(dock.stats().reads, 2U);
  EXPECT_EQ(dock.stats().writes, 1U);
  auto* table = dock.cacheline_table()->table();
  ASSERT_EQ(table->rowCount(), 1);
  EXPECT_EQ(table->data(table->index(0, CachelineTableModel::kLine)).toString(), QStringLiteral("lock"));
  EXPECT_EQ(table->data(table->index(0, CachelineTableModel::kTransfers)).toULongLong(), 1U);
  EXPECT_EQ(table->data(table->index(0, CachelineTableModel::kInvalidations)).toULongLong(), 1U);
  EXPECT_EQ(table->data(table->index(0, CachelineTableModel::kCores)).toString(), QStringLiteral("0-1"));

  dock.set_range(350, 1500);  // the first read and the write; the move, not the invalidation
  EXPECT_EQ(dock.stats().reads, 1U);
  EXPECT_EQ(dock.stats().writes, 1U);
  EXPECT_EQ(table->data(table->index(0, CachelineTableModel::kTransfers)).toULongLong(), 1U);
  EXPECT_EQ(table->data(table->index(0, CachelineTableModel::kInvalidations)).toULongLong(), 0U);
  dock.set_range(2500, 2900);  // nothing: the table empties
  EXPECT_EQ(dock.stats().ops(), 0U);
  EXPECT_EQ(table->rowCount(), 0);
  dock.clear_range();
  EXPECT_EQ(dock.stats().reads, 2U);
  dock.set_model(nullptr);
  EXPECT_EQ(dock.stats().ops(), 0U);
}

TEST(CachelineTableView, CoreRangesFoldRuns) {
  EXPECT_EQ(core_ranges({0, 1, 2, 3, 8, 12, 13}), QStringLiteral("0-3,8,12-13"));
  EXPECT_EQ(core_ranges({}), QString());
}

}  // namespace
}  // namespace lockscope::gui
