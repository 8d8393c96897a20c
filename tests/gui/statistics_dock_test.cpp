#include "gui/app/statistics_dock.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "gui/app/cacheline_table_view.hpp"
#include "gui/app/lock_table_view.hpp"
#include "tests/gui/measured_timeline.hpp"
#include "tests/gui/tso_timeline.hpp"
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

// A measured run: waits per lock, no cacheline table (nothing measured it).
TEST(StatisticsDock, MeasuredRunShowsLocksAndNoCachelineTable) {
  StatisticsDock dock;
  dock.set_model(std::make_shared<const TimelineModel>(testing::measured_timeline()));
  EXPECT_TRUE(dock.cacheline_table()->isHidden());
  EXPECT_TRUE(dock.figures_text().contains(QStringLiteral("measured time")));
  EXPECT_TRUE(dock.figures_text().contains(QStringLiteral("not measured")));
  LockTableView* locks = dock.lock_table();
  ASSERT_FALSE(locks->isHidden());
  ASSERT_EQ(locks->rowCount(), 2);
  const auto cell = [locks](int row, int column) { return locks->item(row, column)->text(); };
  // The most acquisitions first: cache_lock (2 reads, 1 write), then stats_lock (2 writes).
  EXPECT_EQ(cell(0, LockTableView::kLock), QStringLiteral("cache_lock (rwlock)"));
  EXPECT_EQ(cell(0, LockTableView::kReads), QStringLiteral("2"));
  EXPECT_EQ(cell(0, LockTableView::kWrites), QStringLiteral("1"));
  EXPECT_EQ(cell(0, LockTableView::kReadWait), QStringLiteral("0 ps / 500 ps"));
  EXPECT_EQ(cell(0, LockTableView::kWriteWait), QStringLiteral("1 ns / 1 ns"));
  EXPECT_EQ(cell(1, LockTableView::kLock), QStringLiteral("stats_lock (mutex)"));
  EXPECT_EQ(cell(1, LockTableView::kReadWait), QStringLiteral("—")) << "nobody read the mutex";
  EXPECT_EQ(cell(1, LockTableView::kWriteWait), QStringLiteral("200 ps / 500 ps"));
  // Sorting by a wait column sorts by time, not text ("—" first), and stays sorted on refresh.
  locks->sortByColumn(LockTableView::kReadWait, Qt::AscendingOrder);
  EXPECT_EQ(cell(0, LockTableView::kLock), QStringLiteral("stats_lock (mutex)"));
  dock.clear_range();
  EXPECT_EQ(cell(0, LockTableView::kLock), QStringLiteral("stats_lock (mutex)"));
  locks->sortByColumn(LockTableView::kWriteWait, Qt::DescendingOrder);
  EXPECT_EQ(cell(0, LockTableView::kLock), QStringLiteral("cache_lock (rwlock)")) << "p99 1 ns > 500 ps";
  // The range narrows the table: only the mutex is taken in [5 ns, 7 ns].
  dock.set_range(5000, 7000);
  ASSERT_EQ(locks->rowCount(), 1);
  EXPECT_EQ(cell(0, LockTableView::kLock), QStringLiteral("stats_lock (mutex)"));
  EXPECT_EQ(cell(0, LockTableView::kWrites), QStringLiteral("2"));
  // A one-lock simulated run: no lock table, the cacheline table as before.
  dock.set_model(std::make_shared<const TimelineModel>(testing::waits_timeline()));
  EXPECT_TRUE(locks->isHidden());
  EXPECT_FALSE(dock.cacheline_table()->isHidden());
  EXPECT_TRUE(dock.figures_text().contains(QStringLiteral("simulated time")));
}

// A run that broke mutual exclusion says so, with the first pair, and a
// range counts only its own; a correct run has no such row.
TEST(StatisticsDock, ListsTheViolationsInTheRange) {
  StatisticsDock dock;
  dock.set_model(std::make_shared<const TimelineModel>(testing::tso_timeline()));
  EXPECT_TRUE(dock.figures_text().contains(QStringLiteral("violated 2 times"))) << dock.figures_text().toStdString();
  EXPECT_TRUE(dock.figures_text().contains(QStringLiteral("writer entered while reader was inside")))
      << dock.figures_text().toStdString();
  dock.set_range(6000, 9000);  // only the second: the reader entered while the writer was inside
  EXPECT_TRUE(dock.figures_text().contains(QStringLiteral("violated 1 time</b>"))) << dock.figures_text().toStdString();
  EXPECT_TRUE(dock.figures_text().contains(QStringLiteral("reader entered while writer was inside")));
  dock.set_range(0, 4000);  // before either
  EXPECT_FALSE(dock.figures_text().contains(QStringLiteral("mutual exclusion")));
  dock.set_model(std::make_shared<const TimelineModel>(testing::waits_timeline()));
  EXPECT_FALSE(dock.figures_text().contains(QStringLiteral("mutual exclusion")));
}

TEST(CachelineTableView, CoreRangesFoldRuns) {
  EXPECT_EQ(core_ranges(std::vector<std::uint32_t>{0, 1, 2, 3, 8, 12, 13}), QStringLiteral("0-3,8,12-13"));
  EXPECT_EQ(core_ranges({}), QString());
}

}  // namespace
}  // namespace lockscope::gui
