#include "gui/app/main_window.hpp"

#include <gtest/gtest.h>

#include <QTableWidget>
#include <QTemporaryDir>

#include "gui/app/compare_view.hpp"
#include "gui/app/locate.hpp"
#include "gui/app/statistics_dock.hpp"
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
