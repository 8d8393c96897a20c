// The statistics dock's fairness figures: acquisitions per worker and
// Jain's index with max/min (traces/fairness.hpp), for a timeline
// loaded from a file, for a range, and for a measured run.
#include <gtest/gtest.h>

#include <QLabel>
#include <QTableWidget>
#include <filesystem>
#include <memory>
#include <string>
#include <unistd.h>

#include "gui/app/statistics_dock.hpp"
#include "tests/gui/measured_timeline.hpp"
#include "traces/timeline_file.hpp"

namespace lockscope::gui {
namespace {

// Two locks (0 "rw", 1 "mx"), four workers:
//   worker 0 (core 0): reads lock 0 three times, at 100, 300 and 500
//   worker 1 (core 1): waits, reads lock 0 at 250, takes lock 1 inside it at
//                      300 (no wait) and, after releasing it, shows lock 0
//                      again at 350: a held lock resumed, not an acquisition
//   worker 2 (core 0): waits to write lock 0 from 700 to the end: starved
//   worker 3 (core 1): only runs: never tried
traces::Timeline fairness_timeline() {
  using S = traces::WorkerState;
  constexpr std::uint32_t kNone = traces::kNoLock;
  traces::Timeline t;
  t.lock = "graph";
  t.machine = "two-core";
  t.cores = 2;
  t.end_time = 1000;
  t.locks = {{"rw"}, {"mx"}};
  t.workers.push_back({"worker 0", 0,
                       {{0, 100, S::running, kNone}, {100, 200, S::reading, 0}, {200, 300, S::running, kNone},
                        {300, 400, S::reading, 0}, {400, 500, S::running, kNone}, {500, 600, S::reading, 0},
                        {600, 1000, S::running, kNone}}});
  t.workers.push_back({"worker 1", 1,
                       {{0, 150, S::running, kNone}, {150, 250, S::waiting_read, 0}, {250, 300, S::reading, 0},
                        {300, 350, S::writing, 1}, {350, 400, S::reading, 0}, {400, 1000, S::running, kNone}}});
  t.workers.push_back({"worker 2", 0, {{0, 700, S::running, kNone}, {700, 1000, S::waiting_write, 0}}});
  t.workers.push_back({"idle", 1, {{0, 1000, S::running, kNone}}});
  return t;
}

// Written to a .lstl file and read back, as the GUI opens one.
std::shared_ptr<const TimelineModel> loaded(const traces::Timeline& t) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("lockscope_fairness_dock_" + std::to_string(::getpid()) + ".lstl");
  EXPECT_TRUE(traces::write_timeline_file(path, t).has_value());
  auto back = traces::read_timeline_file(path);
  std::filesystem::remove(path);
  EXPECT_TRUE(back.has_value());
  return std::make_shared<const TimelineModel>(std::move(*back));
}

QString cell(QTableWidget* table, int row, int column) { return table->item(row, column)->text(); }

TEST(FairnessDock, PerWorkerCountsAndFairnessOfALoadedTimeline) {
  StatisticsDock dock;
  dock.set_model(loaded(fairness_timeline()));
  const RunStats& s = dock.stats();
  ASSERT_EQ(s.per_worker.size(), 4U);
  EXPECT_EQ(s.per_worker[0].reads, 3U);
  EXPECT_EQ(s.per_worker[1].reads, 1U) << "the resumed hold of lock 0 is no new read";
  EXPECT_EQ(s.per_worker[1].writes, 1U);
  EXPECT_TRUE(s.per_worker[2].attempted);
  EXPECT_EQ(s.per_worker[2].total(), 0U);
  EXPECT_FALSE(s.per_worker[3].attempted);
  std::uint64_t sum = 0;
  for (const auto& w : s.per_worker) sum += w.total();
  EXPECT_EQ(sum, s.ops());

  // Totals 3, 2, 0 over the three workers that tried: Jain 25 / (3 · 13).
  const traces::Fairness f = s.fairness();
  EXPECT_EQ(f.workers, 3U);
  EXPECT_DOUBLE_EQ(f.jain.value_or(0), 25.0 / 39.0);
  EXPECT_EQ(f.max, 3U);
  EXPECT_EQ(f.min, 0U);
  EXPECT_EQ(f.min_worker, 2U);
  EXPECT_FALSE(f.max_over_min.has_value());
  EXPECT_TRUE(dock.figures_text().contains(
      QStringLiteral("Jain <b>0.641</b>, max/min <b>∞</b> (worker 0: 3, worker 2: 0, starved); 1 of 4 never tried")))
      << dock.figures_text().toStdString();

  // The table: one row per worker that tried, most acquisitions first.
  QTableWidget* table = dock.worker_table();
  ASSERT_FALSE(table->isHidden());
  ASSERT_EQ(table->rowCount(), 3);
  EXPECT_EQ(cell(table, 0, StatisticsDock::kWorker), QStringLiteral("worker 0"));
  EXPECT_EQ(cell(table, 0, StatisticsDock::kWorkerTotal), QStringLiteral("3"));
  EXPECT_DOUBLE_EQ(table->item(0, StatisticsDock::kWorkerTotal)->data(Qt::UserRole + 1).toDouble(), 1.0);
  EXPECT_EQ(cell(table, 1, StatisticsDock::kWorker), QStringLiteral("worker 1"));
  EXPECT_EQ(cell(table, 1, StatisticsDock::kWorkerReads), QStringLiteral("1"));
  EXPECT_EQ(cell(table, 1, StatisticsDock::kWorkerWrites), QStringLiteral("1"));
  EXPECT_DOUBLE_EQ(table->item(1, StatisticsDock::kWorkerTotal)->data(Qt::UserRole + 1).toDouble(), 2.0 / 3.0);
  EXPECT_EQ(cell(table, 2, StatisticsDock::kWorker), QStringLiteral("worker 2"));
  EXPECT_EQ(cell(table, 2, StatisticsDock::kWorkerTotal), QStringLiteral("0"));
  // Sorting by a count sorts by the number.
  table->sortByColumn(StatisticsDock::kWorkerTotal, Qt::AscendingOrder);
  EXPECT_EQ(cell(table, 0, StatisticsDock::kWorker), QStringLiteral("worker 2"));
}

// Before 650 ps worker 2 has not started waiting: in that range it did not
// try, and the two others share 3 : 2.
TEST(FairnessDock, TheRangeDecidesWhoTriedAndWhatTheyGot) {
  StatisticsDock dock;
  dock.set_model(loaded(fairness_timeline()));
  dock.set_range(0, 650);
  const traces::Fairness f = dock.stats().fairness();
  EXPECT_EQ(f.workers, 2U);
  EXPECT_DOUBLE_EQ(f.jain.value_or(0), 25.0 / 26.0);
  EXPECT_DOUBLE_EQ(f.max_over_min.value_or(0), 1.5);
  EXPECT_TRUE(dock.figures_text().contains(
      QStringLiteral("Jain <b>0.962</b>, max/min <b>1.50</b> (worker 0: 3, worker 1: 2); 2 of 4 never tried")))
      << dock.figures_text().toStdString();
  EXPECT_EQ(dock.worker_table()->rowCount(), 2);

  // Up to 260 ps workers 0 and 1 have one read each: a tie names nobody.
  dock.set_range(0, 260);
  ASSERT_EQ(dock.stats().fairness().workers, 2U);
  ASSERT_EQ(dock.stats().fairness().max, 1U);
  ASSERT_EQ(dock.stats().fairness().min, 1U);
  EXPECT_TRUE(dock.figures_text().contains(
      QStringLiteral("Jain <b>1.000</b>, max/min <b>1.00</b> (all 2 workers: 1 each); 2 of 4 never tried")))
      << dock.figures_text().toStdString();

  // From 800 on: only worker 2, still waiting, tried; nobody got in.
  dock.set_range(800, 1000);
  EXPECT_EQ(dock.stats().fairness().workers, 1U);
  EXPECT_FALSE(dock.stats().fairness().jain.has_value());
  EXPECT_TRUE(dock.figures_text().contains(QStringLiteral("— (1 worker tried, none got in)")))
      << dock.figures_text().toStdString();
  dock.clear_range();
  EXPECT_EQ(dock.stats().fairness().workers, 3U);
  dock.set_model(nullptr);
  EXPECT_EQ(dock.worker_table()->rowCount(), 0);
  EXPECT_TRUE(dock.worker_table()->isHidden());
}

// A recorded program's threads: 1, 2 and 2 acquisitions over two locks.
TEST(FairnessDock, MeasuredRunCountsEachThread) {
  StatisticsDock dock;
  dock.set_model(std::make_shared<const TimelineModel>(testing::measured_timeline()));
  const RunStats& s = dock.stats();
  ASSERT_EQ(s.per_worker.size(), 3U);
  EXPECT_EQ(s.per_worker[0].total(), 1U);
  EXPECT_EQ(s.per_worker[1].writes, 2U);
  EXPECT_EQ(s.per_worker[2].reads, 1U);
  EXPECT_EQ(s.per_worker[2].writes, 1U);
  EXPECT_TRUE(dock.figures_text().contains(
      QStringLiteral("Jain <b>0.926</b>, max/min <b>2.00</b> (thread 102: 2, thread 101 (main): 1)")))
      << dock.figures_text().toStdString();
}

}  // namespace
}  // namespace lockscope::gui
