#include "gui/app/main_window.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <vector>

#include <QTableWidget>
#include <QTemporaryDir>

#include "gui/app/compare_view.hpp"
#include "gui/app/locate.hpp"
#include "gui/app/statistics_dock.hpp"
#include "gui/app/timeline_loader.hpp"
#include "gui/app/timeline_view.hpp"
#include "tests/gui/wait_until.hpp"
#include "tests/gui/waits_timeline.hpp"
#include "traces/timeline_file.hpp"

namespace lockscope::gui {
namespace {

TEST(MainWindow, ABadTimelineShowsAClearMessage) {
  MainWindow window;
  const QString error = window.open(QStringLiteral(LOCKSCOPE_TEST_SOURCE_DIR "/CMakeLists.txt"));
  EXPECT_FALSE(error.isEmpty());
  EXPECT_TRUE(error.contains(QStringLiteral("CMakeLists.txt"))) << error.toStdString();
  EXPECT_FALSE(error.contains(QLatin1Char('\n')));
  EXPECT_EQ(window.statistics()->stats().ops(), 0U);
  EXPECT_FALSE(window.compare(QStringLiteral("/nonexistent.lstl"), QStringLiteral("/nonexistent.lstl")).isEmpty());
}

// TimelineView's range signals reach the dock (main_window.cpp connects them).
TEST(MainWindow, RangeSelectionFeedsTheStatisticsDock) {
  QTemporaryDir dir;
  const QString path = dir.filePath(QStringLiteral("waits.lstl"));
  ASSERT_TRUE(traces::write_timeline_file(path.toStdString(), testing::waits_timeline()));
  MainWindow window;
  ASSERT_EQ(window.open(path), QString());
  EXPECT_EQ(window.statistics()->stats().reads, 2U);
  emit window.timeline_view()->rangeSelected(350, 1500);
  EXPECT_EQ(window.statistics()->stats().reads, 1U);  // [350, 1500]
  emit window.timeline_view()->rangeCleared();
  EXPECT_EQ(window.statistics()->stats().reads, 2U);
}

// 1.2 M spans and 300 k transfers: enough for the decoder to report many
// times while it reads.
traces::Timeline large_timeline() {
  traces::Timeline t;
  t.lock = "large";
  t.machine = "test";
  t.cores = 8;
  for (unsigned w = 0; w < 8; ++w) {
    traces::TimelineWorker worker{"worker " + std::to_string(w), w, {}};
    std::uint64_t now = 0;
    for (unsigned i = 0; i < 150'000; ++i) {
      const std::uint64_t len = 1000 + (i * 7919 + w * 104729) % 500'000;
      worker.spans.push_back({now, now + len, static_cast<traces::WorkerState>(i % traces::kWorkerStateCount)});
      now += len;
    }
    t.end_time = std::max(t.end_time, now);
    t.workers.push_back(std::move(worker));
  }
  t.lines.push_back({"line 0"});
  for (unsigned i = 0; i < 300'000; ++i) {
    const std::uint64_t start = std::uint64_t{i} * (t.end_time / 300'000);
    t.transfers.push_back({start, start + 50'000, 0, i == 0 ? -1 : static_cast<std::int32_t>((i - 1) % 8), i % 8,
                           i == 0 ? traces::TransferKind::fill : traces::TransferKind::ownership});
  }
  return t;
}

// File > Open and a file on the command line read and index on another
// thread: the window keeps handling events meanwhile, the status bar's bar
// moves, a second open is refused until the first is done, and the model
// shown at the end is the file's.
TEST(MainWindow, OpensALargeFileInTheBackgroundWithProgress) {
  QTemporaryDir dir;
  const QString path = dir.filePath(QStringLiteral("large.lstl"));
  const traces::Timeline t = large_timeline();
  ASSERT_TRUE(traces::write_timeline_file(path.toStdString(), t));
  MainWindow window;
  std::vector<double> fractions;
  QObject::connect(window.loader(), &TimelineLoader::progress, &window,
                   [&](double f, const QString&) { fractions.push_back(f); });
  ASSERT_TRUE(window.open_in_background(path));
  EXPECT_FALSE(window.open_in_background(path));  // one at a time
  int turns_while_loading = 0;
  ASSERT_TRUE(testing::wait_until(
      [&] {
        if (window.loader()->busy()) ++turns_while_loading;
        return !window.loader()->busy();
      },
      120000));
  EXPECT_GT(turns_while_loading, 0);
  ASSERT_NE(window.timeline_view()->model(), nullptr);
  EXPECT_EQ(window.timeline_view()->model()->timeline().event_count(), t.event_count());
  ASSERT_GE(fractions.size(), 4U) << "decoding reports, then indexing";
  EXPECT_EQ(fractions.front(), 0.0);
  EXPECT_EQ(fractions.back(), -1.0);  // indexing: no measure
  const std::vector<double> reading(fractions.begin(), fractions.end() - 1);
  EXPECT_TRUE(std::is_sorted(reading.begin(), reading.end()));
  EXPECT_GT(reading.back(), 0.9);
  EXPECT_TRUE(window.open_in_background(path));  // free again
  ASSERT_TRUE(testing::wait_until([&] { return !window.loader()->busy(); }, 120000));
}

TEST(MainWindow, ABadFileOpenedInTheBackgroundShowsItsError) {
  MainWindow window;
  QString shown;
  QObject::connect(window.loader(), &TimelineLoader::finished, &window,
                   [&](const std::shared_ptr<const TimelineModel>&, const QString&, const QString& error) { shown = error; });
  ASSERT_TRUE(window.open_in_background(QStringLiteral(LOCKSCOPE_TEST_SOURCE_DIR "/CMakeLists.txt")));
  ASSERT_TRUE(testing::wait_until([&] { return !window.loader()->busy(); }, 60000));
  EXPECT_TRUE(shown.contains(QStringLiteral("CMakeLists.txt"))) << shown.toStdString();
  EXPECT_EQ(window.timeline_view()->model(), nullptr);
  EXPECT_EQ(window.statistics()->stats().ops(), 0U);
}

// Closing the window while a file opens cancels the reading and waits for
// the thread: nothing is left running, nothing crashes.
TEST(MainWindow, ClosingWhileAFileOpensIsSafe) {
  QTemporaryDir dir;
  const QString path = dir.filePath(QStringLiteral("large.lstl"));
  ASSERT_TRUE(traces::write_timeline_file(path.toStdString(), large_timeline()));
  for (int i = 0; i < 3; ++i) {
    auto window = std::make_unique<MainWindow>();
    ASSERT_TRUE(window->open_in_background(path));
    window.reset();
  }
}

#ifdef LOCKSCOPE_BUILD_CLI
// No teaching run next to the test binary and an empty cache (app_test_main
// sets one): the window replays it with the CLI, then opens it.
TEST(MainWindow, ReplaysTheTeachingRunWhenItIsMissing) {
  ASSERT_TRUE(teaching_run().central.isEmpty());
  MainWindow window;
  EXPECT_FALSE(window.open_teaching());
  ASSERT_TRUE(testing::wait_until(
      [&] { return !teaching_run().central.isEmpty() && window.compare_view()->summary()->columnCount() == 2; },
      120000));
  EXPECT_TRUE(teaching_run().central.startsWith(teaching_cache_dir()));
  EXPECT_EQ(window.statistics()->stats().ops(), 35425U);  // the bouncing scenario's reads
}
#endif

}  // namespace
}  // namespace lockscope::gui
